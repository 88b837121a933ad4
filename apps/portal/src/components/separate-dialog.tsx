// The separate-consent dialog (PIPL 23, 25, 29, 30, 39; REQUIREMENTS C5, C6): the purpose's own
// notice, necessity and impact first, then the confirm control. A modal <dialog> keeps focus
// inside and closes on Esc; focus returns to the control that opened it.
import type { PortalPurpose } from '@assent/contract/types';
import { useEffect, useRef } from 'preact/hooks';
import type { Translate } from '../i18n/i18n.ts';
import { NoticeText } from './notice-text.tsx';

/** Modal confirmation for granting one separate-consent purpose; mount it only while open. */
export function SeparateDialog(props: {
  purpose: PortalPurpose;
  t: Translate;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { purpose, t } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // Start reading at the title, so the notice is met before the confirm control.
    heading.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, []);

  const id = `separate-${purpose.key}`;
  return (
    <dialog
      ref={ref}
      class="separate"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-kind`}
      onClose={props.onClose}
    >
      <h2 id={`${id}-title`} ref={heading} tabindex={-1}>
        {t('separate.heading', { title: purpose.notice.title })}
      </h2>
      {purpose.separateConsent ? (
        <p id={`${id}-kind`} class="kind">
          {t(`separate.kind.${purpose.separateConsent}`)}
        </p>
      ) : null}
      <NoticeText notice={purpose.notice} t={t} />
      {purpose.recipients.length > 0 ? (
        <p>
          <strong>{t('consents.recipients')}: </strong>
          {purpose.recipients
            .map((r) => (r.country ? `${r.name} (${r.country})` : r.name))
            .join(', ')}
        </p>
      ) : null}
      <div class="actions">
        <button type="button" class="secondary" onClick={() => ref.current?.close()}>
          {t('separate.cancel')}
        </button>
        <button
          type="button"
          class="primary"
          data-testid="confirm-separate"
          onClick={props.onConfirm}
        >
          {t('separate.confirm')}
        </button>
      </div>
    </dialog>
  );
}
