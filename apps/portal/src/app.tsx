// The portal shell: language, session (signed out → sign-in page; signed in → consents page),
// and the header every page shares.
import type { PortalMe } from '@assent/contract/types';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, getConfig, getMe, signInWithLink, signOut } from './api.ts';
import { LanguageSelect } from './components/language-select.tsx';
import { errorKey } from './consent-view.ts';
import { createTranslator, type Locale } from './i18n/i18n.ts';
import type { MessageKey } from './i18n/messages.ts';
import { ConsentsPage } from './pages/consents-page.tsx';
import { DataPage } from './pages/data-page.tsx';
import { HistoryPage } from './pages/history-page.tsx';
import { RequestsPage } from './pages/requests-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { saveLocale } from './preferences.ts';

type View = 'consents' | 'history' | 'data' | 'requests';
const VIEWS: { id: View; label: MessageKey }[] = [
  { id: 'consents', label: 'nav.consents' },
  { id: 'history', label: 'nav.history' },
  { id: 'data', label: 'nav.data' },
  { id: 'requests', label: 'nav.requests' },
];

type Session =
  | { kind: 'loading' }
  | { kind: 'signed-out'; notice?: MessageKey }
  | { kind: 'signed-in'; me: PortalMe };

/** The whole portal; `initialLocale` comes from storage or the browser (see `negotiateLocale`). */
export function App({ initialLocale }: { initialLocale: Locale }) {
  const [locale, setLocale] = useState(initialLocale);
  const [session, setSession] = useState<Session>({ kind: 'loading' });
  const [devMailbox, setDevMailbox] = useState(false);
  const [view, setView] = useState<View>('consents');
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
    const first = !loaded.current;
    loaded.current = true;
    // A sign-in link from the product (`?pk=…&token=…`) is used once, then dropped from the URL.
    const params = new URLSearchParams(location.search);
    const pk = params.get('pk');
    const token = params.get('token');
    const viaLink =
      first && pk && token
        ? signInWithLink(pk, token).finally(() =>
            history.replaceState(null, '', location.pathname + location.hash),
          )
        : Promise.resolve();
    viaLink
      .then(reload)
      .catch((e: unknown) =>
        setSession({ kind: 'signed-out', notice: errorKey(e instanceof ApiError ? e.code : '') }),
      );
  }, [reload]);

  const changeLocale = (next: Locale) => {
    setLocale(next);
    saveLocale(next);
  };

  const sessionEnded = () => {
    setView('consents');
    setSession({ kind: 'signed-out', notice: 'error.unauthorized' });
  };

  const onSignOut = async () => {
    await signOut().catch(() => undefined);
    setView('consents');
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
        <>
          <nav aria-label={t('nav.label')} class="tabs">
            {VIEWS.map((v) => (
              <button
                key={v.id}
                type="button"
                class="tab"
                data-testid={`nav-${v.id}`}
                aria-current={view === v.id ? 'page' : undefined}
                onClick={() => {
                  setView(v.id);
                  // Requests made elsewhere (a restriction, say) change what this page shows.
                  if (v.id === 'consents') void reload().catch(() => undefined);
                }}
              >
                {t(v.label)}
              </button>
            ))}
          </nav>
          {view === 'consents' ? (
            <ConsentsPage
              me={session.me}
              locale={locale}
              t={t}
              reload={reload}
              onSignOut={onSignOut}
              onSessionEnded={sessionEnded}
            />
          ) : view === 'history' ? (
            <HistoryPage locale={locale} t={t} onSessionEnded={sessionEnded} />
          ) : view === 'data' ? (
            <DataPage
              email={session.me.email}
              t={t}
              onRequested={() => setView('requests')}
              onSessionEnded={sessionEnded}
            />
          ) : (
            <RequestsPage locale={locale} t={t} onSessionEnded={sessionEnded} />
          )}
        </>
      )}
    </>
  );
}
