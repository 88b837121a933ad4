// One purpose: what it is, where it stands, since when and until when, who receives the data,
// how long it is kept, the exact notice the decision was made under (downloadable, C7), and
// its one control.
import type { PortalPurpose } from '@assent/contract/types';
import { purposeAction, statusLabel } from '../consent-view.ts';
import { formatDate, type Locale, type Translate } from '../i18n/i18n.ts';
import { NoticeText } from './notice-text.tsx';

/** A purpose's card; `onAction` runs its grant / re-confirm / withdraw control. */
export function PurposeCard(props: {
  purpose: PortalPurpose;
  locale: Locale;
  t: Translate;
  busy: boolean;
  onAction: (purpose: PortalPurpose) => void;
}) {
  const { purpose: p, locale, t } = props;
  const action = purposeAction(p);
  const since = formatDate(p.state.decidedAt, locale);
  const until = formatDate(p.state.expiresAt, locale);
  const titleId = `purpose-${p.key}-title`;
  const recipients = p.recipients.map((r) => (r.country ? `${r.name} (${r.country})` : r.name));

  return (
    <li class="card" data-testid={`purpose-${p.key}`}>
      <div class="card-head">
        <h4 id={titleId} lang={p.notice.locale}>
          {p.notice.title}
        </h4>
        <span
          class={`status status-${p.state.status}`}
          data-testid="status"
          data-status={p.state.status}
        >
          {p.necessary ? t('consents.alwaysOn') : statusLabel(p.state.status, t)}
        </span>
      </div>
      <p lang={p.notice.locale}>{p.notice.description}</p>
      {p.necessary ? <p class="hint">{t('consents.alwaysOnHint')}</p> : null}
      {!p.necessary && (since || until) ? (
        <p class="dates">
          {since ? <span>{t('consents.since', { date: since })}</span> : null}
          {since && until ? ' · ' : null}
          {until ? (
            <span>
              {t(p.state.status === 'expired' ? 'consents.expiredOn' : 'consents.expiresOn', {
                date: until,
              })}
            </span>
          ) : null}
        </p>
      ) : null}
      <dl class="facts">
        <div>
          <dt>{t('consents.recipients')}</dt>
          <dd>{recipients.length > 0 ? recipients.join(', ') : t('consents.noRecipients')}</dd>
        </div>
        <div>
          <dt>{t('consents.retention')}</dt>
          <dd lang={p.notice.locale}>
            {p.notice.retention || t('consents.retentionDays', { days: p.retentionDays })}
          </dd>
        </div>
        {p.dataCategories.length > 0 ? (
          <div>
            <dt>{t('consents.dataCategories')}</dt>
            <dd>{p.dataCategories.map((c) => c.name).join(', ')}</dd>
          </div>
        ) : null}
      </dl>
      {p.agreedNotice ? (
        <details>
          <summary>
            {t(
              p.state.status === 'granted' ||
                p.state.status === 'expired' ||
                p.state.status === 'stale'
                ? 'consents.agreedNotice'
                : 'consents.decidedNotice',
              { version: p.agreedNotice.version },
            )}
          </summary>
          <h5 lang={p.agreedNotice.locale}>{p.agreedNotice.title}</h5>
          <NoticeText notice={p.agreedNotice} t={t} withHash />
          {p.agreedNoticeFile ? (
            <p class="downloads-inline">
              {t('consents.downloadNotice')}{' '}
              <a href={p.agreedNoticeFile.html} download data-testid={`notice-html-${p.key}`}>
                {t('consents.downloadHtml')}
              </a>
              {' · '}
              <a href={p.agreedNoticeFile.text} download data-testid={`notice-txt-${p.key}`}>
                {t('consents.downloadText')}
              </a>
            </p>
          ) : null}
        </details>
      ) : null}
      {action ? (
        <button
          type="button"
          class={action === 'withdraw' ? 'secondary' : 'primary'}
          data-testid={`toggle-${p.key}`}
          aria-describedby={titleId}
          aria-busy={props.busy}
          onClick={() => {
            if (!props.busy) props.onAction(p);
          }}
        >
          {t(`consents.${action}`)}
        </button>
      ) : null}
    </li>
  );
}
