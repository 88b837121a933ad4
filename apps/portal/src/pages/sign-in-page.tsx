// Sign-in by email one-time code: ask for a code, then exchange it for the session cookie.
import { useRef, useState } from 'preact/hooks';
import { ApiError, startSignIn, verifySignIn } from '../api.ts';
import { PageHeading } from '../components/page-heading.tsx';
import { errorKey } from '../consent-view.ts';
import type { Translate } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/messages.ts';

const CODE = /^\d{6}$/;

/** Email → "Send code" → 6-digit code → "Sign in"; `onSignedIn` loads the signed-in view. */
export function SignInPage(props: {
  t: Translate;
  devMailbox: boolean;
  notice: string | undefined;
  onSignedIn: () => Promise<void>;
}) {
  const { t } = props;
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<{ field: 'email' | 'code'; key: MessageKey } | null>(null);
  const [busy, setBusy] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  const fail = (field: 'email' | 'code', e: unknown) => {
    setError({ field, key: errorKey(e instanceof ApiError ? e.code : '') });
    (field === 'email' ? emailRef : codeRef).current?.focus();
  };

  const send = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const address = email.trim();
    if (!address) {
      setError({ field: 'email', key: 'signIn.emailRequired' });
      emailRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // The code email follows the UI language; App keeps <html lang> set to the current locale.
      await startSignIn(address, document.documentElement.lang);
      setSentTo(address);
      setCode('');
      // The code field renders with the answer; focus it on the next frame.
      requestAnimationFrame(() => codeRef.current?.focus());
    } catch (err) {
      fail('email', err);
    } finally {
      setBusy(false);
    }
  };

  const verify = async (e: Event) => {
    e.preventDefault();
    if (busy || !sentTo) return;
    const digits = code.replace(/\s/g, '');
    if (!CODE.test(digits)) {
      setError({ field: 'code', key: 'signIn.codeFormat' });
      codeRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await verifySignIn(sentTo, digits);
      await props.onSignedIn();
    } catch (err) {
      fail('code', err);
    } finally {
      setBusy(false);
    }
  };

  const errorFor = (field: 'email' | 'code') =>
    error?.field === field ? (
      <p id={`${field}-error`} class="error" role="alert">
        {t(error.key)}
      </p>
    ) : null;

  return (
    <main id="main" class="narrow">
      <PageHeading>{t('signIn.heading')}</PageHeading>
      {props.notice ? <p class="notice">{props.notice}</p> : null}
      <p>{t('signIn.intro')}</p>
      <form onSubmit={send} noValidate>
        <label for="email">{t('signIn.email')}</label>
        <input
          ref={emailRef}
          id="email"
          data-testid="email"
          type="email"
          autocomplete="email"
          spellcheck={false}
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
          aria-invalid={error?.field === 'email'}
          aria-describedby={error?.field === 'email' ? 'email-error' : undefined}
        />
        {errorFor('email')}
        <button type="submit" data-testid="send-code" class={sentTo ? 'secondary' : 'primary'}>
          {t(sentTo ? 'signIn.resend' : 'signIn.sendCode')}
        </button>
      </form>
      <p role="status" class="status">
        {sentTo ? t('signIn.sent', { email: sentTo }) : ''}
      </p>
      {sentTo ? (
        <form onSubmit={verify} noValidate>
          <label for="code">{t('signIn.code')}</label>
          <input
            ref={codeRef}
            id="code"
            data-testid="code"
            class="code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9]*"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
            aria-invalid={error?.field === 'code'}
            aria-describedby={error?.field === 'code' ? 'code-hint code-error' : 'code-hint'}
          />
          <p id="code-hint" class="hint">
            {t('signIn.codeHint')}
          </p>
          {errorFor('code')}
          <button type="submit" data-testid="sign-in" class="primary" aria-busy={busy}>
            {t('signIn.submit')}
          </button>
        </form>
      ) : null}
      {props.devMailbox ? (
        <p class="dev">
          <a href="/dev/mailbox" target="_blank" rel="noopener">
            {t('signIn.devMailbox')}
          </a>
        </p>
      ) : null}
    </main>
  );
}
