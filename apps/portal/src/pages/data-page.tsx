// "My data": correct profile fields (R3), request a copy (R1, R2), restrict processing
// (GDPR 18; PIPL 44), request deletion after saying what will and will not be deleted and the
// cooling-off of each property's jurisdiction (R4), sign out everywhere. Export, deletion and
// correction ask for a fresh code first when the session's step-up has lapsed (R7).
import type { PortalRequests, Profile } from '@assent/contract/types';
import { useEffect, useState } from 'preact/hooks';
import {
  ApiError,
  createRequest,
  getProfile,
  getRequests,
  saveProfile,
  signOutEverywhere,
} from '../api.ts';
import { PageHeading } from '../components/page-heading.tsx';
import { StepUpDialog } from '../components/step-up-dialog.tsx';
import { errorKey } from '../consent-view.ts';
import type { Translate } from '../i18n/i18n.ts';

type Result = { ok: boolean; text: string } | null;

/** The "My data" page; `onRequested` switches to "My requests" after a request was made. */
export function DataPage(props: {
  email: string;
  t: Translate;
  onRequested: () => void;
  onSessionEnded: () => void;
}) {
  const { t } = props;
  const [profile, setProfile] = useState<Profile['profiles']>([]);
  const [cooling, setCooling] = useState<PortalRequests['coolingOff']>([]);
  const [restrictNote, setRestrictNote] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [result, setResult] = useState<Result>(null);
  const [stepUp, setStepUp] = useState<(() => Promise<void>) | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    getProfile()
      .then((p) => setProfile(p.profiles))
      .catch(() => undefined);
    getRequests()
      .then((r) => setCooling(r.coolingOff))
      .catch(() => undefined);
  }, []);

  /** Runs an action; a `step_up_required` answer opens the code dialog and retries after it. */
  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setResult(null);
    try {
      await work();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'step_up_required') setStepUp(() => work);
      else if (e instanceof ApiError && e.status === 401) props.onSessionEnded();
      else setResult({ ok: false, text: t(errorKey(e instanceof ApiError ? e.code : '')) });
    } finally {
      setBusy(false);
    }
  };

  const save = (propertyId: string) => (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void act(async () => {
      const next = await saveProfile({
        propertyId,
        name: String(form.get('name') ?? ''),
        phone: String(form.get('phone') ?? '') || null,
      });
      setProfile(next.profiles);
      setResult({ ok: true, text: t('data.saved') });
    });
  };
  const requestCopy = () =>
    act(async () => {
      await createRequest({ type: 'access' });
      props.onRequested();
    });
  const requestRestriction = () =>
    act(async () => {
      const note = restrictNote.trim();
      await createRequest({ type: 'restriction', ...(note ? { note } : {}) });
      props.onRequested();
    });
  const requestDelete = () =>
    act(async () => {
      await createRequest({ type: 'erasure' });
      props.onRequested();
    });

  return (
    <main id="main">
      <PageHeading>{t('data.heading')}</PageHeading>
      <p role="status" aria-live="polite" class={result?.ok === false ? 'status error' : 'status'}>
        {result?.text ?? ''}
      </p>

      <section aria-labelledby="copy-h" class="property">
        <h2 id="copy-h">{t('data.copy')}</h2>
        <p>{t('data.copyIntro')}</p>
        <button
          type="button"
          class="primary"
          data-testid="request-export"
          disabled={busy}
          onClick={requestCopy}
        >
          {t('data.copyButton')}
        </button>
      </section>

      <section aria-labelledby="profile-h" class="property">
        <h2 id="profile-h">{t('data.profile')}</h2>
        <p class="hint">{t('data.profileIntro')}</p>
        {profile.map((p) => (
          <form key={p.propertyId} onSubmit={save(p.propertyId)} class="profile">
            <h3>{p.propertyName}</h3>
            <label for={`name-${p.propertyId}`}>{t('data.name')}</label>
            <input
              id={`name-${p.propertyId}`}
              name="name"
              autocomplete="name"
              defaultValue={p.name ?? ''}
              data-testid="profile-name"
            />
            <label for={`phone-${p.propertyId}`}>{t('data.phone')}</label>
            <input
              id={`phone-${p.propertyId}`}
              name="phone"
              type="tel"
              autocomplete="tel"
              defaultValue={p.phone ?? ''}
            />
            <button type="submit" class="secondary" data-testid="profile-save" disabled={busy}>
              {t('data.save')}
            </button>
          </form>
        ))}
      </section>

      <section aria-labelledby="restrict-h" class="property">
        <h2 id="restrict-h">{t('data.restrict')}</h2>
        <p>{t('data.restrictIntro')}</p>
        <label for="restrict-note">{t('data.restrictNote')}</label>
        <textarea
          id="restrict-note"
          class="note"
          rows={2}
          maxLength={1000}
          value={restrictNote}
          onInput={(e) => setRestrictNote((e.target as HTMLTextAreaElement).value)}
        />
        <p>
          <button
            type="button"
            class="secondary"
            data-testid="restrict-processing"
            disabled={busy}
            onClick={requestRestriction}
          >
            {t('data.restrictButton')}
          </button>
        </p>
      </section>

      <section aria-labelledby="delete-h" class="property">
        <h2 id="delete-h">{t('data.delete')}</h2>
        <h3>{t('data.deleteWill')}</h3>
        <p>{t('data.deleteWillText')}</p>
        <h3>{t('data.deleteKeep')}</h3>
        <p>{t('data.deleteKeepText')}</p>
        {new Set(cooling.map((c) => c.days)).size > 1 ? (
          <>
            <p>{t('data.deleteCoolingEach')}</p>
            <ul data-testid="cooling-off">
              {cooling.map((c) => (
                <li key={c.propertyId}>
                  {t('data.coolingDays', { property: c.propertyName, days: c.days })}
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p data-testid="cooling-off">
            {t('data.deleteCooling', { days: cooling[0]?.days ?? 7 })}
          </p>
        )}
        <p class="check">
          <input
            id="confirm-delete"
            type="checkbox"
            data-testid="confirm-delete"
            checked={confirmDelete}
            onChange={(e) => setConfirmDelete((e.target as HTMLInputElement).checked)}
          />{' '}
          <label for="confirm-delete">{t('data.deleteConfirm')}</label>
        </p>
        <button
          type="button"
          class="danger"
          data-testid="request-delete"
          disabled={busy || !confirmDelete}
          onClick={requestDelete}
        >
          {t('data.deleteButton')}
        </button>
      </section>

      <p>
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void act(async () => {
              await signOutEverywhere();
              props.onSessionEnded();
            })
          }
        >
          {t('data.signOutEverywhere')}
        </button>
      </p>

      {stepUp ? (
        <StepUpDialog
          email={props.email}
          t={t}
          onClose={() => setStepUp(null)}
          onDone={() => {
            const retry = stepUp;
            setStepUp(null);
            void act(retry);
          }}
        />
      ) : null}
    </main>
  );
}
