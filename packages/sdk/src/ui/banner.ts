// First layer: a short summary and three equal buttons. It never blocks the page, never takes
// focus, and is announced politely (C1, C3; EDPB 05/2020 §38-41). For a re-confirmation it
// lists only the purposes that are due, each with its (changed) notice. On a narrow screen
// (styles.ts) it shows the short text and the purposes on one line; details are behind
// "Customize".
import { acceptAllDrafts, bannerScope, rejectAllDrafts } from '../core/decisions.ts';
import { decideGuarded } from './age-gate.ts';
import { h } from './h.ts';
import type { UiProps } from './props.ts';

/** The consent banner: "Accept all", "Reject all" (same size and style) and "Customize". */
export function banner(props: UiProps): HTMLElement {
  const { core, ui, t, exp } = props;
  const now = Date.now();
  const scope = bannerScope(exp, core.states(), now);
  const reconfirm = exp.ask.reconfirm;
  const onlyDue = !exp.ask.banner && reconfirm.length > 0;
  const decide = (all: boolean) => {
    const states = core.states();
    const drafts = all ? acceptAllDrafts(exp, states, now) : rejectAllDrafts(exp, states, now);
    // An age question (C12) may come first; the banner stays until the decision is made.
    decideGuarded(
      props,
      drafts,
      { source: 'banner', surface: all ? 'banner_accept_all' : 'banner_reject_all' },
      () => ui.set({ banner: false }),
    );
  };
  const name = (s: string) => s.replace('{name}', exp.property.name);
  const button = (key: string, label: string, onclick: () => void, alt = '') =>
    h('button', { type: 'button', class: `btn${alt}`, 'data-assent': key, onclick }, label);
  return h(
    'section',
    { class: 'banner', role: 'region', 'aria-label': t.region, 'data-assent': 'banner' },
    h('h2', null, t.title),
    onlyDue
      ? h('p', null, t.reconfirm)
      : [
          h('p', { class: 'long' }, name(t.summary)),
          h('p', { class: 'short' }, name(t.summaryShort)),
        ],
    scope.length > 0 &&
      h(
        'ul',
        null,
        scope.map((p) =>
          h(
            'li',
            { 'data-assent-purpose': p.key },
            p.notice.title,
            onlyDue && h('span', { class: 'd' }, p.notice.description),
          ),
        ),
      ),
    !onlyDue && reconfirm.length > 0 && h('p', { class: 'note' }, t.reconfirm),
    exp.purposes
      .filter((p) => p.separateConsent && reconfirm.includes(p.key))
      .map((p) =>
        h(
          'p',
          null,
          `${p.notice.title} `,
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              'data-assent': `separate-open-${p.key}`,
              onclick: () => void ui.askSeparate(p.key),
            },
            t.review,
          ),
        ),
      ),
    exp.gpc.honoured && h('p', { class: 'note', 'data-assent': 'gpc-note' }, t.gpc),
    h(
      'div',
      { class: 'row' },
      button('accept-all', t.acceptAll, () => decide(true)),
      button('reject-all', t.rejectAll, () => decide(false)),
      button('customize', t.customize, () => void ui.openPreferences(), ' alt'),
    ),
  );
}
