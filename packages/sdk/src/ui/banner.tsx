// First layer: a short summary and three equal buttons. It never blocks the page, never takes
// focus, and is announced politely (C1, C3; EDPB 05/2020 §38-41).
import { acceptAllDrafts, bannerScope, rejectAllDrafts } from '../core/decisions.ts';
import { report, type UiProps } from './props.ts';

/** The consent banner: "Accept all", "Reject all" (same size and style) and "Customize". */
export function Banner({ core, ui, t, exp }: UiProps) {
  const now = Date.now();
  const scope = bannerScope(exp, core.states(), now);
  const separateDue = exp.purposes.filter(
    (p) => p.separateConsent && exp.ask.reconfirm.includes(p.key),
  );
  const decide = (all: boolean) => {
    const states = core.states();
    const drafts = all ? acceptAllDrafts(exp, states, now) : rejectAllDrafts(exp, states, now);
    ui.set({ banner: false });
    report(
      core,
      core.decide(drafts, {
        source: 'banner',
        surface: all ? 'banner_accept_all' : 'banner_reject_all',
      }),
    );
  };
  return (
    // biome-ignore lint/a11y/noRedundantRoles: explicit, so tests and older screen readers find it
    <section class="banner" role="region" aria-label={t.region} data-assent="banner">
      <h2>{t.title}</h2>
      <p>{t.summary(exp.property.name)}</p>
      {scope.length > 0 && (
        <ul>
          {scope.map((p) => (
            <li key={p.key}>{p.notice.title}</li>
          ))}
        </ul>
      )}
      {exp.ask.reconfirm.length > 0 && <p class="note">{t.reconfirm}</p>}
      {separateDue.map((p) => (
        <p key={p.key}>
          {p.notice.title}{' '}
          <button
            type="button"
            class="link"
            data-assent={`separate-open-${p.key}`}
            onClick={() => void ui.askSeparate(p.key)}
          >
            {t.review}
          </button>
        </p>
      ))}
      {exp.gpc.honoured && (
        <p class="note" data-assent="gpc-note">
          {t.gpc}
        </p>
      )}
      <div class="row">
        <button type="button" class="btn" data-assent="accept-all" onClick={() => decide(true)}>
          {t.acceptAll}
        </button>
        <button type="button" class="btn" data-assent="reject-all" onClick={() => decide(false)}>
          {t.rejectAll}
        </button>
        <button
          type="button"
          class="btn alt"
          data-assent="customize"
          onClick={() => void ui.openPreferences()}
        >
          {t.customize}
        </button>
      </div>
    </section>
  );
}
