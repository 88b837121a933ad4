// The full text of one notice version: what the person was (or is being) told, field by field.
import type { Notice } from '@assent/contract/types';
import type { Translate } from '../i18n/i18n.ts';

/**
 * Renders a notice's description, and when present its necessity and impact (PIPL 30),
 * methods and retention. `withHash` adds version and SHA-256 so a saved copy can be matched
 * against the consent record (REQUIREMENTS C7, P1).
 */
export function NoticeText(props: { notice: Notice; t: Translate; withHash?: boolean }) {
  const { notice, t } = props;
  return (
    <div class="notice-text">
      <p lang={notice.locale}>{notice.description}</p>
      <dl>
        {notice.necessity ? (
          <>
            <dt>{t('consents.necessity')}</dt>
            <dd lang={notice.locale}>{notice.necessity}</dd>
          </>
        ) : null}
        {notice.impact ? (
          <>
            <dt>{t('consents.impact')}</dt>
            <dd lang={notice.locale}>{notice.impact}</dd>
          </>
        ) : null}
        {notice.methods ? (
          <>
            <dt>{t('consents.methods')}</dt>
            <dd lang={notice.locale}>{notice.methods}</dd>
          </>
        ) : null}
        <dt>{t('consents.retention')}</dt>
        <dd lang={notice.locale}>{notice.retention}</dd>
        {props.withHash ? (
          <>
            <dt>{t('consents.noticeHash')}</dt>
            <dd>
              <code class="hash">{notice.hash}</code>
            </dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}
