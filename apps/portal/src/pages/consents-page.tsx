// The signed-in view: every property linked to the email, its purposes in two sections, one
// control per purpose, and a live status line announcing each result.
import type { PortalMe, PortalPurpose } from '@assent/contract/types';
import { useState } from 'preact/hooks';
import { ApiError, recordDecision } from '../api.ts';
import { PageHeading } from '../components/page-heading.tsx';
import { PurposeCard } from '../components/purpose-card.tsx';
import { SeparateDialog } from '../components/separate-dialog.tsx';
import {
  actionDecision,
  errorKey,
  purposeAction,
  requiredSurface,
  splitPurposes,
} from '../consent-view.ts';
import type { Locale, Translate } from '../i18n/i18n.ts';

type Pending = { propertyId: string; purpose: PortalPurpose };

/** Lists the signed-in person's consents and records their changes through /portal/api/consents. */
export function ConsentsPage(props: {
  me: PortalMe;
  locale: Locale;
  t: Translate;
  reload: () => Promise<void>;
  onSignOut: () => void;
  onSessionEnded: () => void;
}) {
  const { me, locale, t } = props;
  const [busy, setBusy] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Pending | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = async (
    { propertyId, purpose }: Pending,
    decision: 'granted' | 'withdrawn',
    surface: string | undefined,
  ) => {
    setBusy(`${propertyId}/${purpose.key}`);
    setResult(null);
    try {
      await recordDecision({ propertyId, purpose: purpose.key, decision, surface, locale });
      await props.reload();
      setResult({
        ok: true,
        text: t(`consents.done.${decision}`, { title: purpose.notice.title }),
      });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return props.onSessionEnded();
      setResult({ ok: false, text: t(errorKey(e instanceof ApiError ? e.code : '')) });
    } finally {
      setBusy(null);
    }
  };

  const onAction = (propertyId: string, purpose: PortalPurpose) => {
    const action = purposeAction(purpose);
    if (!action) return;
    const decision = actionDecision(action);
    // A separate-consent grant is only ever sent from its own dialog (C5, C6).
    if (requiredSurface(purpose, decision)) setDialog({ propertyId, purpose });
    else void submit({ propertyId, purpose }, decision, undefined);
  };

  const list = (propertyId: string, purposes: PortalPurpose[]) => (
    <ul class="cards">
      {purposes.map((p) => (
        <PurposeCard
          key={p.key}
          purpose={p}
          locale={locale}
          t={t}
          busy={busy === `${propertyId}/${p.key}`}
          onAction={(purpose) => onAction(propertyId, purpose)}
        />
      ))}
    </ul>
  );

  return (
    <main id="main">
      <div class="page-head">
        <PageHeading>{t('consents.heading')}</PageHeading>
        <p class="who">
          <span>{t('consents.signedInAs', { email: me.email })}</span>
          <button type="button" class="secondary" data-testid="sign-out" onClick={props.onSignOut}>
            {t('consents.signOut')}
          </button>
        </p>
      </div>
      <p role="status" aria-live="polite" class={result?.ok === false ? 'status error' : 'status'}>
        {result?.text ?? ''}
      </p>
      {me.properties.length === 0 ? <p>{t('consents.empty')}</p> : null}
      {me.properties.map(({ property, purposes }) => {
        const { ordinary, separate } = splitPurposes(purposes);
        const id = `property-${property.id}`;
        return (
          <section key={property.id} aria-labelledby={id} class="property">
            <h2 id={id}>{property.name}</h2>
            {ordinary.length > 0 ? (
              <>
                <h3>{t('consents.ordinary')}</h3>
                {list(property.id, ordinary)}
              </>
            ) : null}
            {separate.length > 0 ? (
              <>
                <h3>{t('consents.separate')}</h3>
                <p class="hint">{t('consents.separateIntro')}</p>
                {list(property.id, separate)}
              </>
            ) : null}
          </section>
        );
      })}
      {dialog ? (
        <SeparateDialog
          purpose={dialog.purpose}
          t={t}
          onClose={() => setDialog(null)}
          onConfirm={() => {
            setDialog(null);
            void submit(dialog, 'granted', requiredSurface(dialog.purpose, 'granted'));
          }}
        />
      ) : null}
    </main>
  );
}
