// Step-up (REQUIREMENTS R7): before export, deletion or correction the customer proves they are
// still there with a fresh emailed code. A modal <dialog>: focus stays inside, Esc cancels.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, startStepUp, verifyStepUp } from '../api.ts';
import { errorKey } from '../consent-view.ts';
import type { Translate } from '../i18n/i18n.ts';

/** Sends a code to `email`, asks for it, and calls `onDone` once confirmed. */
export function StepUpDialog(props: {
  email: string;
  t: Translate;
  onDone: () => void;
  onClose: () => void;
}) {
  const { t } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [sent, setSent] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, []);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(t(errorKey(e instanceof ApiError ? e.code : '')));
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const send = () =>
    run(async () => {
      // The code email follows the UI language; App keeps <html lang> set to the current locale.
      await startStepUp(document.documentElement.lang);
      setSent(true);
      requestAnimationFrame(() => input.current?.focus());
    });
  const confirm = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await verifyStepUp(code.replace(/\s/g, ''));
      props.onDone();
    });
  };

  return (
    <dialog ref={ref} class="separate" aria-labelledby="step-up-title" onClose={props.onClose}>
      <h2 id="step-up-title">{t('stepUp.heading')}</h2>
      <p>{t('stepUp.intro', { email: props.email })}</p>
      {sent ? (
        <form onSubmit={confirm}>
          <p role="status">{t('stepUp.sent')}</p>
          <label for="step-up-code">{t('stepUp.code')}</label>
          <input
            id="step-up-code"
            ref={input}
            data-testid="step-up-code"
            inputMode="numeric"
            autocomplete="one-time-code"
            maxLength={6}
            value={code}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'step-up-error' : undefined}
            onInput={(e) => setCode((e.target as HTMLInputElement).value)}
          />
          {error ? (
            <p id="step-up-error" class="status error">
              {error}
            </p>
          ) : null}
          <div class="actions">
            <button type="button" class="secondary" onClick={() => ref.current?.close()}>
              {t('stepUp.cancel')}
            </button>
            <button type="submit" class="primary" data-testid="step-up-confirm" disabled={busy}>
              {t('stepUp.confirm')}
            </button>
          </div>
        </form>
      ) : (
        <div class="actions">
          <button type="button" class="secondary" onClick={() => ref.current?.close()}>
            {t('stepUp.cancel')}
          </button>
          <button
            type="button"
            class="primary"
            data-testid="step-up-send"
            disabled={busy}
            onClick={send}
          >
            {t('stepUp.send')}
          </button>
          {error ? <p class="status error">{error}</p> : null}
        </div>
      )}
    </dialog>
  );
}
