// The widget's root: banner (in a polite live region), re-open button, and dialogs.
import { useEffect, useState } from 'preact/hooks';
import type { ConsentCore } from '../core/consent-core.ts';
import { Banner } from './banner.tsx';
import type { UiController } from './controller.ts';
import { Preferences } from './preferences.tsx';
import { SeparateDialog } from './separate-dialog.tsx';
import type { Strings } from './strings.ts';

/**
 * Renders what the controller says is open. The "Privacy choices" button shows whenever the
 * banner does not, so withdrawing is always one step away (C9).
 */
export function App({ core, ui, t }: { core: ConsentCore; ui: UiController; t: Strings }) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const bump = () => setTick((n) => n + 1);
    const offCore = core.subscribe(bump);
    const offUi = ui.subscribe(bump);
    return () => {
      offCore();
      offUi();
    };
  }, [core, ui]);
  const exp = core.experience();
  const s = ui.state();
  const props = exp ? { core, ui, t, exp } : null;
  return (
    <div class="w" lang={core.locale}>
      <div aria-live="polite">{props && s.banner && <Banner {...props} />}</div>
      {props && !s.banner && (
        <button
          type="button"
          class="reopen"
          data-assent="reopen"
          onClick={() => void ui.openPreferences()}
        >
          {t.reopen}
        </button>
      )}
      {props && s.preferences && <Preferences {...props} />}
      {props && s.separate && <SeparateDialog key={s.separate} {...props} purpose={s.separate} />}
    </div>
  );
}
