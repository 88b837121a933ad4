// The changes staff make to privacy requests (REQUIREMENTS R4-R6): move one forward, reject it
// with a reason the customer sees next to the complaint route, lift a restriction and tell the
// customer (GDPR 18(3)). Access and erasure are driven by the engine where it must act itself:
// an erasure starts when its cooling-off ends, and both complete when every data provider
// answered, so staff cannot force those steps. Each change is audited by `transition`.
import { schema } from '@assent/db';
import { eq } from 'drizzle-orm';
import { ApiError } from '../../errors.ts';
import type { StaffPrincipal as Staff } from '../staff.ts';
import { subjectsByIds } from '../subjects.ts';
import { erasureExecuteAfter } from './cooling-off.ts';
import { fanOut } from './providers.ts';
import { type RequestRow, type Tx, transition } from './requests.ts';
import { liftRestriction } from './restriction.ts';
import { allowStaff, type StaffDeps } from './staff-requests.ts';

/** The row, locked for the change that follows. */
async function lockRequest(tx: Tx, requestId: string): Promise<RequestRow> {
  const [row] = await tx
    .select()
    .from(schema.privacyRequests)
    .where(eq(schema.privacyRequests.id, requestId))
    .for('update');
  if (!row) throw new ApiError('not_found', 'No request with this id.');
  return row;
}

/**
 * Moves a request one step forward for a staff member with `requests.manage`:
 * - `verified` (identity checked): an erasure then waits out the cooling-off of its jurisdiction;
 * - `in_progress`: an access request then calls the data providers; an erasure starts by
 *   itself when its cooling-off ends (refused here);
 * - `completed`: rectification and restriction only; access and erasure complete themselves
 *   once every data provider answered or was marked failed (R4).
 * @throws ApiError `access_suspended`, `forbidden`, `not_found`, `invalid_transition` (409)
 */
export async function advanceRequest(
  deps: StaffDeps,
  who: Staff,
  requestId: string,
  to: 'verified' | 'in_progress' | 'completed',
  note: string | undefined,
): Promise<RequestRow> {
  allowStaff(who, 'requests.manage');
  const now = deps.clock();
  const actor = { type: 'staff' as const, id: who.member.id };
  return deps.database.db.transaction(async (tx) => {
    const row = await lockRequest(tx, requestId);
    const engine = row.type === 'access' || row.type === 'erasure';
    if (engine && to === 'completed')
      throw new ApiError(
        'invalid_transition',
        'Access and erasure requests complete once every data provider answered.',
      );
    if (row.type === 'erasure' && to === 'in_progress')
      throw new ApiError(
        'invalid_transition',
        'An erasure starts by itself when its cooling-off period ends.',
      );
    if (row.type === 'erasure' && to === 'verified' && row.executeAfter === null)
      await tx
        .update(schema.privacyRequests)
        .set({
          executeAfter: new Date(
            erasureExecuteAfter(deps.config.requests.coolingOff, row.jurisdiction, now),
          ),
        })
        .where(eq(schema.privacyRequests.id, row.id));
    if (row.type === 'access' && to === 'in_progress' && row.status === 'verified') {
      const [subject] = await subjectsByIds(tx, [row.subjectId], deps.keyring);
      await fanOut(
        tx,
        row,
        {
          subject: { externalId: subject?.externalId ?? null, email: subject?.email ?? null },
        },
        now,
      );
    }
    return transition(tx, row.id, to, { actor, ...(note ? { note } : {}) }, now);
  });
}

/**
 * Rejects a request with a reason the customer sees next to the complaint route (R6). An
 * erasure already carried out (`in_progress`) cannot be rejected.
 * @throws ApiError `access_suspended`, `forbidden`, `not_found`, `invalid_transition`,
 *   `reason_required`
 */
export async function rejectRequest(
  deps: StaffDeps,
  who: Staff,
  requestId: string,
  reason: string,
): Promise<RequestRow> {
  allowStaff(who, 'requests.manage');
  const now = deps.clock();
  return deps.database.db.transaction(async (tx) => {
    const row = await lockRequest(tx, requestId);
    if (row.type === 'erasure' && row.status === 'in_progress')
      throw new ApiError('invalid_transition', 'This erasure has already been carried out.');
    return transition(
      tx,
      row.id,
      'rejected',
      { actor: { type: 'staff', id: who.member.id }, reason },
      now,
    );
  });
}

/**
 * Lifts a restriction in force and tells the customer by email, with `note` (GDPR 18(3)); the
 * timeline shows it in the portal too. Normal `may()` answers return at once.
 * @returns the lifted request and whether the customer could be emailed
 * @throws ApiError `access_suspended`, `forbidden`, `not_found`, `invalid_transition`
 */
export async function liftRestrictionByStaff(
  deps: StaffDeps,
  who: Staff,
  requestId: string,
  note: string,
): Promise<{ request: RequestRow; informed: boolean }> {
  allowStaff(who, 'requests.manage');
  const now = deps.clock();
  const request = await deps.database.db.transaction((tx) =>
    liftRestriction(tx, requestId, { actor: { type: 'staff', id: who.member.id }, note }, now),
  );
  const [subject] = await subjectsByIds(deps.database.db, [request.subjectId], deps.keyring);
  const [property] = await deps.database.db
    .select({ name: schema.properties.name })
    .from(schema.properties)
    .where(eq(schema.properties.id, request.propertyId));
  if (!subject?.email) return { request, informed: false };
  await deps.mailer.send({
    to: subject.email,
    subject: `Your restriction of processing at ${property?.name ?? 'our service'} has ended`,
    body: `The restriction of processing you asked for (request ${request.id}) has been lifted: ${note}\nYour earlier choices apply again. You can restrict processing again, or change your choices, in the privacy portal.`,
  });
  return { request, informed: true };
}
