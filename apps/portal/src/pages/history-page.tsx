// History (REQUIREMENTS P4): a timeline of every decision, newest first, each with a link to
// download its signed receipt.
import type { PortalHistory } from '@assent/contract/types';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getHistory } from '../api.ts';
import { PageHeading } from '../components/page-heading.tsx';
import { errorKey } from '../consent-view.ts';
import { formatDate, type Locale, type Translate } from '../i18n/i18n.ts';

/** Lists every decision with its receipt. */
export function HistoryPage(props: { locale: Locale; t: Translate; onSessionEnded: () => void }) {
  const { locale, t } = props;
  const [data, setData] = useState<PortalHistory | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    getHistory()
      .then(setData)
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) props.onSessionEnded();
        else setError(t(errorKey(e instanceof ApiError ? e.code : '')));
      });
  }, []);

  return (
    <main id="main">
      <PageHeading>{t('history.heading')}</PageHeading>
      {error ? <p class="status error">{error}</p> : null}
      {data && data.events.length === 0 ? <p>{t('history.empty')}</p> : null}
      <ol class="cards" data-testid="history">
        {data?.events.map((e) => (
          <li key={e.id} class="card" data-testid={`history-${e.purpose}`}>
            <p>
              <time dateTime={e.collectedAt}>{formatDate(e.collectedAt, locale)}</time>
              {' · '}
              <strong>{e.title}</strong>
              {': '}
              {t(`status.${e.decision}`)}
            </p>
            <p class="meta">
              {t('history.where', { property: e.propertyName, version: e.noticeVersion })}{' '}
              <a href={e.receipt} download={`receipt-${e.id}.json`}>
                {t('history.receipt')}
              </a>
            </p>
          </li>
        ))}
      </ol>
    </main>
  );
}
