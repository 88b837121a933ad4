// The portal shell: language, session (signed out → sign-in page; signed in → consents page),
// and the header every page shares.
import type { PortalMe } from '@assent/contract/types';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, getConfig, getMe, signOut } from './api.ts';
import { LanguageSelect } from './components/language-select.tsx';
import { errorKey } from './consent-view.ts';
import { createTranslator, type Locale } from './i18n/i18n.ts';
import type { MessageKey } from './i18n/messages.ts';
import { ConsentsPage } from './pages/consents-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { saveLocale } from './preferences.ts';

type Session =
  | { kind: 'loading' }
  | { kind: 'signed-out'; notice?: MessageKey }
  | { kind: 'signed-in'; me: PortalMe };

/** The whole portal; `initialLocale` comes from storage or the browser (see `negotiateLocale`). */
export function App({ initialLocale }: { initialLocale: Locale }) {
  const [locale, setLocale] = useState(initialLocale);
  const [session, setSession] = useState<Session>({ kind: 'loading' });
  const [devMailbox, setDevMailbox] = useState(false);
  const t = useMemo(() => createTranslator(locale), [locale]);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t('app.title');
  }, [locale, t]);

  useEffect(() => {
    getConfig()
      .then((c) => setDevMailbox(c.devMailbox === true))
      .catch(() => setDevMailbox(false));
  }, []);

  /** Re-reads /me; a 401 means the session is gone. Other errors propagate to the caller. */
  const reload = useCallback(async () => {
    try {
      setSession({ kind: 'signed-in', me: await getMe(locale) });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setSession({ kind: 'signed-out' });
      else throw e;
    }
  }, [locale]);

  // First load, and again when the language changes while signed in (notices are per locale).
  const loaded = useRef(false);
  useEffect(() => {
    if (loaded.current && session.kind !== 'signed-in') return;
    loaded.current = true;
    reload().catch((e: unknown) =>
      setSession({ kind: 'signed-out', notice: errorKey(e instanceof ApiError ? e.code : '') }),
    );
  }, [reload]);

  const changeLocale = (next: Locale) => {
    setLocale(next);
    saveLocale(next);
  };

  const onSignOut = async () => {
    await signOut().catch(() => undefined);
    setSession({ kind: 'signed-out' });
  };

  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="bar">
        <span class="brand">{t('app.title')}</span>
        <LanguageSelect locale={locale} onChange={changeLocale} t={t} />
      </header>
      {session.kind === 'loading' ? (
        <main id="main" aria-busy="true">
          <p>{t('app.loading')}</p>
        </main>
      ) : session.kind === 'signed-out' ? (
        <SignInPage
          t={t}
          devMailbox={devMailbox}
          notice={session.notice ? t(session.notice) : undefined}
          onSignedIn={reload}
        />
      ) : (
        <ConsentsPage
          me={session.me}
          locale={locale}
          t={t}
          reload={reload}
          onSignOut={onSignOut}
          onSessionEnded={() => setSession({ kind: 'signed-out', notice: 'error.unauthorized' })}
        />
      )}
    </>
  );
}
