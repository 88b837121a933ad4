// The separate-consent dialog: its own notice, with necessity and impact stated before the
// accept control (PIPL 29, 30; C5, C6); its answer is recorded as a batch of its own.
import { SEPARATE_SURFACE } from '@assent/policy';
import { useEffect, useRef } from 'preact/hooks';
import { separateDraft, separateNoticeProblems } from '../core/decisions.ts';
import { trapKeys, useDialogFocus } from './focus.ts';
import { report, type UiProps } from './props.ts';
import { PurposeDetails } from './purpose-details.tsx';

/**
 * The dialog for one separate-consent purpose. Escape closes it without recording anything;
 * "Agree" / "Don't agree" record a decision. A notice missing `necessity` or `impact` is a
 * configuration error: it is reported and no "Agree" is offered.
 */
export function SeparateDialog({ core, ui, t, exp, purpose }: UiProps & { purpose: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const p = exp.purposes.find((x) => x.key === purpose);
  const problems = p ? separateNoticeProblems(p) : [];
  useDialogFocus(ref);
  useEffect(() => {
    if (!p) ui.closeSeparate(false);
    else if (problems.length) {
      core.events.emit(
        'error',
        new Error(`Assent: notice for ${p.key} lacks ${problems.join(' and ')} (PIPL 30)`),
      );
    }
  }, [purpose]);
  if (!p) return null;
  const answer = (agree: boolean) => {
    const pending = core.decide([separateDraft(p, core.states()[p.key], agree)], {
      source: 'sensitive_dialog',
      surface: SEPARATE_SURFACE,
    });
    // The decision applies locally at once; the API call continues in the background.
    ui.closeSeparate(agree && core.has(p.key));
    report(core, pending);
  };
  return (
    <div class="shade">
      <div
        class="dlg"
        role="dialog"
        aria-modal="true"
        aria-labelledby="assent-sep-t"
        data-assent="separate-dialog"
        ref={ref}
        onKeyDown={(e) => ref.current && trapKeys(e, ref.current, () => ui.closeSeparate(false))}
      >
        <button
          type="button"
          class="x"
          aria-label={t.close}
          onClick={() => ui.closeSeparate(false)}
        >
          ×
        </button>
        <h2 id="assent-sep-t">{p.notice.title}</h2>
        <p>{p.notice.description}</p>
        <h3>{t.necessity}</h3>
        <p>{p.notice.necessity}</p>
        <h3>{t.impact}</h3>
        <p>{p.notice.impact}</p>
        <PurposeDetails p={p} t={t} />
        {problems.length > 0 && <p class="warn">{t.incomplete}</p>}
        <div class="row">
          {problems.length === 0 && (
            <button
              type="button"
              class="btn"
              data-assent="separate-grant"
              onClick={() => answer(true)}
            >
              {t.agree}
            </button>
          )}
          <button
            type="button"
            class="btn"
            data-assent="separate-deny"
            onClick={() => answer(false)}
          >
            {t.disagree}
          </button>
        </div>
      </div>
    </div>
  );
}
