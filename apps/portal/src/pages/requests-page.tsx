// "My requests" (REQUIREMENTS R5, R6): each request with its type, status, due date and
// timeline; the rejection reason with the complaint route; export downloads while their link
// is valid; and the cancel control of an erasure still in its cooling-off.
import type { PortalRequests } from '@assent/contract/types';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, cancelRequest, getRequests, liftRestriction } from '../api.ts';
import { PageHeading } from '../components/page-heading.tsx';
import { errorKey } from '../consent-view.ts';
import { formatDate, type Locale, type Translate } from '../i18n/i18n.ts';
import { building, cancellable, eventKey, liftable, statusKey, typeKey } from '../request-view.ts';

/** Lists the signed-in customer's requests; refreshes every 3 s while an export is built. */
export function RequestsPage(props: { locale: Locale; t: Translate; onSessionEnded: () => void }) {
  const { locale, t } = props;
  const [data, setData] = useState<PortalRequests | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const date = (iso: string | null) => formatDate(iso, locale) ?? '';

  const load = useCallback(async () => {
    try {
      setData(await getRequests());
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) props.onSessionEnded();
      else setResult({ ok: false, text: t(errorKey(e instanceof ApiError ? e.code : '')) });
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (!data || !building(data.requests)) return;
    const timer = setTimeout(() => void load(), 3000);
    return () => clearTimeout(timer);
  }, [data, load]);

  const change = async (id: string, lift: boolean) => {
    try {
      await (lift ? liftRestriction(id) : cancelRequest(id));
      setResult({ ok: true, text: t(lift ? 'requests.lifted' : 'requests.cancelled') });
      await load();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return props.onSessionEnded();
      setResult({ ok: false, text: t(errorKey(e instanceof ApiError ? e.code : '')) });
    }
  };

  const now = Date.now();
  return (
    <main id="main">
      <PageHeading>{t('requests.heading')}</PageHeading>
      <p role="status" aria-live="polite" class={result?.ok === false ? 'status error' : 'status'}>
        {result?.text ?? ''}
      </p>
      {data && building(data.requests) ? <p aria-live="polite">{t('requests.building')}</p> : null}
      {data && data.requests.length === 0 ? <p>{t('requests.empty')}</p> : null}
      <ul class="cards" data-testid="requests">
        {data?.requests.map((r) => (
          <li key={r.id} class="card" data-testid={`request-${r.type}`} data-status={r.status}>
            <h2 class="request-title">
              {t(typeKey(r))}: <span data-testid="request-status">{t(statusKey(r))}</span>
            </h2>
            <p class="meta">
              {t('requests.received', { date: date(r.receivedAt) })}
              {' · '}
              {r.closedAt
                ? t('requests.closed', { date: date(r.closedAt) })
                : t('requests.due', { date: date(r.dueAt) })}
              {r.ackDueAt && !r.closedAt
                ? ` · ${t('requests.ackDue', { date: date(r.ackDueAt) })}`
                : ''}
            </p>
            {r.status === 'rejected' && r.reason ? (
              <div class="reason" data-testid="request-reason">
                <p>
                  <strong>{t('requests.reason')}: </strong>
                  {r.reason}
                </p>
                {r.complaintRoute ? (
                  <p>
                    <strong>{t('requests.complaint')}: </strong>
                    {r.complaintRoute}
                  </p>
                ) : null}
              </div>
            ) : null}
            {cancellable(r, now) && r.executeAfter ? (
              <p>
                {t('requests.executeAfter', { date: date(r.executeAfter) })}{' '}
                <button
                  type="button"
                  class="secondary"
                  data-testid="cancel-erasure"
                  onClick={() => void change(r.id, false)}
                >
                  {t('requests.cancel')}
                </button>
              </p>
            ) : null}
            {liftable(r) ? (
              <p>
                {t('requests.restricted')}{' '}
                <button
                  type="button"
                  class="secondary"
                  data-testid="lift-restriction"
                  onClick={() => void change(r.id, true)}
                >
                  {t('requests.lift')}
                </button>
              </p>
            ) : null}
            {r.export ? (
              <div>
                <h3>{t('requests.download')}</h3>
                <ul class="downloads">
                  <li>
                    <a href={r.export.json} download data-testid="download-json">
                      {t('requests.downloadJson')}
                    </a>
                  </li>
                  <li>
                    <a href={r.export.csv} download data-testid="download-csv">
                      {t('requests.downloadCsv')}
                    </a>
                  </li>
                  <li>
                    <a href={r.export.html} download data-testid="download-html">
                      {t('requests.downloadHtml')}
                    </a>
                  </li>
                </ul>
                <p class="hint">{t('requests.linkExpires', { date: date(r.export.expiresAt) })}</p>
              </div>
            ) : null}
            <details>
              <summary>{t('requests.timeline')}</summary>
              <ol class="timeline">
                {r.timeline.map((e, i) => (
                  <li key={`${e.at}-${i}`}>
                    <time dateTime={e.at}>{date(e.at)}</time> {t(eventKey(e.kind))}
                    {e.note && e.kind !== 'rejected' ? ` (${e.note})` : ''}
                  </li>
                ))}
              </ol>
            </details>
          </li>
        ))}
      </ul>
    </main>
  );
}
