// The signed-in view: what is due for re-confirmation across properties (one action for the
// ordinary purposes), every property linked to the email with any restriction in force, its
// purposes in two sections, one control per purpose, and a live status line for each result.
import type { PortalMe, PortalPurpose } from '@assent/contract/types';
import { useState } from 'preact/hooks';
import { ApiError, liftRestriction, reconfirmAll, recordDecision } from '../api.ts';
import { PageHeading } from '../components/page-heading.tsx';
import { PurposeCard } from '../components/purpose-card.tsx';
import { ReconfirmSection } from '../components/reconfirm-section.tsx';
import { SeparateDialog } from '../components/separate-dialog.tsx';
import {
  actionDecision,
  errorKey,
  purposeAction,
  requiredSurface,
  splitPurposes,
} from '../consent-view.ts';
import { formatDate, type Locale, type Translate } from '../i18n/i18n.ts';
import { dueItems, reconfirmInput } from '../reconfirm-view.ts';

type Pending = { propertyId: string; purpose: PortalPurpose };
type Result = { ok: boolean; text: string } | null;

/** Lists the signed-in person's consents and records their changes through /portal/api. */
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
  const [result, setResult] = useState<Result>(null);
  const due = dueItems(me);

  /** Runs one change under a busy key, reloads, and announces the outcome. */
  const run = async (key: string, work: () => Promise<string>) => {
    setBusy(key);
    setResult(null);
    try {
      const text = await work();
      await props.reload();
      setResult({ ok: true, text });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return props.onSessionEnded();
      // A newer notice appeared: show it before anything is agreed to.
      if (e instanceof ApiError && e.code === 'notice_outdated')
        await props.reload().catch(() => undefined);
      setResult({ ok: false, text: t(errorKey(e instanceof ApiError ? e.code : '')) });
    } finally {
      setBusy(null);
    }
  };

  const submit = (
    { propertyId, purpose }: Pending,
    decision: 'granted' | 'withdrawn',
    surface: string | undefined,
  ) =>
    run(`${propertyId}/${purpose.key}`, async () => {
      await recordDecision({ propertyId, purpose: purpose.key, decision, surface, locale });
      return t(`consents.done.${decision}`, { title: purpose.notice.title });
    });

  const onAction = (propertyId: string, purpose: PortalPurpose) => {
    const action = purposeAction(purpose);
    if (!action) return;
    const decision = actionDecision(action);
    // A separate-consent grant is only ever sent from its own dialog (C5, C6).
    if (requiredSurface(purpose, decision)) setDialog({ propertyId, purpose });
    else void submit({ propertyId, purpose }, decision, undefined);
  };

  const confirmAll = () =>
    run('reconfirm-all', async () => {
      const out = await reconfirmAll(reconfirmInput(due.ordinary, locale));
      return t('due.done', { count: out.recorded.length });
    });

  const lift = (requestId: string) =>
    run(`lift/${requestId}`, async () => {
      await liftRestriction(requestId);
      return t('restriction.lifted');
    });

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
      {due.ordinary.length + due.separate.length > 0 ? (
        <ReconfirmSection
          ordinary={due.ordinary}
          separate={due.separate}
          locale={locale}
          t={t}
          busy={busy === 'reconfirm-all'}
          onConfirmAll={() => void confirmAll()}
          onSeparate={(propertyId, purpose) => setDialog({ propertyId, purpose })}
        />
      ) : null}
      {me.properties.map(({ property, purposes, restriction }) => {
        const { ordinary, separate } = splitPurposes(purposes);
        const id = `property-${property.id}`;
        return (
          <section key={property.id} aria-labelledby={id} class="property">
            <h2 id={id}>{property.name}</h2>
            {restriction ? (
              <div class="notice" data-testid="restricted">
                <p>
                  <strong>{t('restriction.heading')}</strong>{' '}
                  {t('restriction.text', { date: formatDate(restriction.since, locale) ?? '' })}
                </p>
                <button
                  type="button"
                  class="secondary"
                  data-testid="lift-restriction"
                  aria-busy={busy === `lift/${restriction.requestId}`}
                  onClick={() => void lift(restriction.requestId)}
                >
                  {t('restriction.lift')}
                </button>
              </div>
            ) : null}
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
