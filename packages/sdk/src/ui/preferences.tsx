// Second layer: one switch per purpose, off unless granted (C1); necessary purposes shown as
// always on; separate-consent purposes each open their own dialog (C5). Nothing is saved
// until "Save"; Escape closes without saving.
import { useRef, useState } from 'preact/hooks';
import { isEffective, preferencesDrafts } from '../core/decisions.ts';
import { trapKeys, useDialogFocus } from './focus.ts';
import { report, type UiProps } from './props.ts';
import { PurposeDetails } from './purpose-details.tsx';

/** The preferences dialog (`role="dialog"`, modal, focus trapped). */
export function Preferences({ core, ui, t, exp }: UiProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [choices, setChoices] = useState<Record<string, boolean>>(() => {
    const states = core.states();
    const now = Date.now();
    return Object.fromEntries(exp.purposes.map((p) => [p.key, isEffective(states[p.key], now)]));
  });
  useDialogFocus(ref);
  const close = () => ui.set({ preferences: false });
  const save = () => {
    const drafts = preferencesDrafts(exp, core.states(), choices, Date.now());
    ui.set({ preferences: false, banner: false });
    report(core, core.decide(drafts, { source: 'preferences', surface: 'preferences_save' }));
  };
  const states = core.states();
  const separate = exp.purposes.filter((p) => p.separateConsent && !p.necessary);
  return (
    <div class="shade">
      <div
        class="dlg"
        role="dialog"
        aria-modal="true"
        aria-labelledby="assent-prefs-title"
        data-assent="preferences"
        ref={ref}
        onKeyDown={(e) => ref.current && trapKeys(e, ref.current, close)}
      >
        <button type="button" class="x" aria-label={t.close} onClick={close}>
          ×
        </button>
        <h2 id="assent-prefs-title">{t.preferences}</h2>
        {exp.gpc.honoured && (
          <p class="note" data-assent="gpc-note">
            {t.gpc}
          </p>
        )}
        {exp.purposes
          .filter((p) => !p.separateConsent || p.necessary)
          .map((p) => (
            <div class="p" key={p.key}>
              <div class="ph">
                <h3 id={`assent-t-${p.key}`}>{p.notice.title}</h3>
                <button
                  type="button"
                  class="sw"
                  role="switch"
                  aria-checked={p.necessary || choices[p.key] === true}
                  aria-labelledby={`assent-t-${p.key}`}
                  disabled={p.necessary}
                  data-assent-toggle={p.key}
                  onClick={() => setChoices({ ...choices, [p.key]: !choices[p.key] })}
                />
              </div>
              {p.necessary && <p class="note">{t.alwaysOn}</p>}
              <p>{p.notice.description}</p>
              <PurposeDetails p={p} t={t} />
            </div>
          ))}
        {separate.length > 0 && (
          <section aria-labelledby="assent-sep-title">
            <h2 id="assent-sep-title">{t.separateTitle}</h2>
            <p>{t.separateIntro}</p>
            {separate.map((p) => (
              <div class="p" key={p.key}>
                <div class="ph">
                  <h3>{p.notice.title}</h3>
                  <span>{isEffective(states[p.key], Date.now()) ? t.agreed : t.notAgreed}</span>
                </div>
                <p>{p.notice.description}</p>
                <button
                  type="button"
                  class="link"
                  data-assent={`separate-open-${p.key}`}
                  onClick={() => void ui.askSeparate(p.key)}
                >
                  {t.review}
                </button>
              </div>
            ))}
          </section>
        )}
        <p class="note">
          {t.controller}: {exp.property.controller.name} · {exp.property.controller.contact}
        </p>
        <div class="row">
          <button type="button" class="btn" data-assent="save" onClick={save}>
            {t.save}
          </button>
        </div>
      </div>
    </div>
  );
}
