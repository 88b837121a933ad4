// "Due for re-confirmation": every purpose across properties whose grant ends soon, has ended,
// or whose notice changed since the person agreed, with the notice that now applies; one
// control re-confirms the ordinary ones, each separate-consent one keeps its own dialog (C5).
import type { PortalPurpose } from '@assent/contract/types';
import type { ComponentChildren } from 'preact';
import { formatDate, type Locale, type Translate } from '../i18n/i18n.ts';
import { type DueItem, dueReasonKey } from '../reconfirm-view.ts';
import { NoticeText } from './notice-text.tsx';

function Item(props: { item: DueItem; locale: Locale; t: Translate; action?: ComponentChildren }) {
  const { item, locale, t } = props;
  const p = item.purpose;
  const id = `due-${item.propertyId}-${p.key}`;
  return (
    <li class="card" data-testid={`due-${p.key}`} data-reason={item.reason}>
      <div class="card-head">
        <h3 id={`${id}-title`} lang={p.notice.locale}>
          {p.notice.title}
        </h3>
        <span class={`status status-${p.state.status}`}>
          {t(dueReasonKey(item.reason), {
            date: formatDate(p.state.expiresAt, locale) ?? '',
            from: p.agreedNotice?.version ?? '',
            to: p.notice.version,
          })}
        </span>
      </div>
      <p class="hint">{item.propertyName}</p>
      <details>
        <summary>
          {t(item.reason === 'stale' ? 'due.changedNotice' : 'due.notice', {
            version: p.notice.version,
          })}
        </summary>
        <NoticeText notice={p.notice} t={t} withHash />
      </details>
      {props.action}
    </li>
  );
}

/**
 * The section; render it only when something is due. `onConfirmAll` re-confirms `ordinary`;
 * `onSeparate` opens the separate-consent dialog of one purpose.
 */
export function ReconfirmSection(props: {
  ordinary: DueItem[];
  separate: DueItem[];
  locale: Locale;
  t: Translate;
  busy: boolean;
  onConfirmAll: () => void;
  onSeparate: (propertyId: string, purpose: PortalPurpose) => void;
}) {
  const { ordinary, separate, locale, t } = props;
  return (
    <section aria-labelledby="due-heading" class="property due" data-testid="reconfirm-due">
      <h2 id="due-heading">{t('due.heading')}</h2>
      <p class="hint">{t('due.intro')}</p>
      {ordinary.length > 0 ? (
        <>
          <ul class="cards">
            {ordinary.map((item) => (
              <Item
                key={`${item.propertyId}/${item.purpose.key}`}
                item={item}
                locale={locale}
                t={t}
              />
            ))}
          </ul>
          <p>
            <button
              type="button"
              class="primary"
              data-testid="reconfirm-all"
              aria-busy={props.busy}
              onClick={() => {
                if (!props.busy) props.onConfirmAll();
              }}
            >
              {t('due.confirmAll', { count: ordinary.length })}
            </button>
          </p>
        </>
      ) : null}
      {separate.length > 0 ? (
        <>
          <h3>{t('due.separateHeading')}</h3>
          <p class="hint">{t('due.separateIntro')}</p>
          <ul class="cards">
            {separate.map((item) => (
              <Item
                key={`${item.propertyId}/${item.purpose.key}`}
                item={item}
                locale={locale}
                t={t}
                action={
                  <button
                    type="button"
                    class="secondary"
                    data-testid={`due-separate-${item.purpose.key}`}
                    aria-describedby={`due-${item.propertyId}-${item.purpose.key}-title`}
                    onClick={() => props.onSeparate(item.propertyId, item.purpose)}
                  >
                    {t('due.reviewSeparate')}
                  </button>
                }
              />
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
