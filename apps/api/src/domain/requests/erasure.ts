// Erasure (PIPL 47; GDPR 17; REQUIREMENTS R4). Chosen path: consent events stay append-only
// (P2) and are kept as legal proof of consent (GDPR 17(3)(b)(e), 7(1); PIPL 47 ¶2) in a
// legal-hold state; everything that links them to a person is removed: devices (a later
// visit starts a new subject), email and the product's user id, the state projection,
// profile, exports, portal sessions, codes and step-ups. The held evidence is readable only
// by the `legal` role, and each reading is audited.
import { type Db, schema } from '@assent/db';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { ApiError } from '../../errors.ts';
import type { Keyring } from '../../security/keyring.ts';
import { recordAudit } from '../audit.ts';
import { emailIndexOf } from '../portal-auth.ts';
import { forgetSubjectIdentifiers, historySubjects, subjectsByIds } from '../subjects.ts';
import { fanOut } from './providers.ts';
import { auditRequestJob, type Conn, type RequestRow, type Tx, transition } from './requests.ts';

/** Deletes the rows of `table` whose `column` is one of `values`; @returns how many. */
async function deleteWhereIn(tx: Tx, table: PgTable, column: AnyPgColumn, values: string[]) {
  return (await tx.delete(table).where(inArray(column, values)).returning({ one: sql`1` })).length;
}

export const LEGAL_HOLD_BASIS =
  'Proof of consent kept under legal obligation (GDPR 7(1), 17(3)(b)(e); PIPL 47 ¶2): storage and security access only.';

/**
 * Runs the erasure of a `verified` erasure request whose cooling-off has ended: moves it to
 * `in_progress`, hands the product's identifiers to the data providers (fan-out), then
 * removes the subject's personal data from every Assent table, all in one transaction.
 * @param keyring opens the subject's identifiers and computes the email blind indexes of its
 *   portal codes and sessions (`deps.keyring`)
 * @returns how many provider calls were created (0 → the caller may complete it at once).
 */
export async function executeErasure(
  tx: Tx,
  request: RequestRow,
  now: number,
  keyring: Keyring,
): Promise<number> {
  const ids = await historySubjects(tx, request.subjectId);
  const rows = await subjectsByIds(tx, ids, keyring);
  const main = rows.find((r) => r.id === request.subjectId);
  await transition(tx, request.id, 'in_progress', { actor: { type: 'job' }, note: 'erasure' }, now);
  const calls = await fanOut(
    tx,
    request,
    { subject: { externalId: main?.externalId ?? null, email: main?.email ?? null } },
    now,
  );
  const emails = [...new Set(rows.map((r) => r.email).filter((e): e is string => !!e))];
  const counts: Record<string, number> = {
    devices: await deleteWhereIn(tx, schema.devices, schema.devices.subjectId, ids),
    consentStates: await deleteWhereIn(
      tx,
      schema.consentStates,
      schema.consentStates.subjectId,
      ids,
    ),
    profiles: await deleteWhereIn(
      tx,
      schema.subjectProfiles,
      schema.subjectProfiles.subjectId,
      ids,
    ),
    exports: await deleteWhereIn(tx, schema.requestExports, schema.requestExports.subjectId, ids),
  };
  if (emails.length > 0) {
    // Portal codes and sessions hold only the address's blind index (and sealed address).
    const indexes = emails.map((e) => emailIndexOf(keyring, e));
    const sessions = await tx
      .delete(schema.portalSessions)
      .where(inArray(schema.portalSessions.emailIndex, indexes))
      .returning({ id: schema.portalSessions.id });
    counts.sessions = sessions.length;
    if (sessions.length > 0)
      await tx.delete(schema.portalStepUps).where(
        inArray(
          schema.portalStepUps.sessionId,
          sessions.map((s) => s.id),
        ),
      );
    counts.codes = await deleteWhereIn(
      tx,
      schema.portalCodes,
      schema.portalCodes.emailIndex,
      indexes,
    );
    await tx.delete(schema.devMailbox).where(inArray(schema.devMailbox.to, emails));
  }
  await forgetSubjectIdentifiers(tx, ids);
  await tx
    .insert(schema.legalHolds)
    .values(
      ids.map((subjectId) => ({
        subjectId,
        requestId: request.id,
        propertyId: request.propertyId,
        heldAt: new Date(now),
        basis: LEGAL_HOLD_BASIS,
      })),
    )
    .onConflictDoNothing();
  await tx
    .insert(schema.outbox)
    .values({
      id: `obx_${request.id}`,
      propertyId: request.propertyId,
      subjectId: request.subjectId,
      topic: 'subject.erased',
      payload: { subjectId: request.subjectId, requestId: request.id },
    })
    .onConflictDoNothing();
  await auditRequestJob(
    tx,
    request,
    'subject.erase',
    { ...counts, subjects: ids.length, providerCalls: calls },
    now,
  );
  return calls;
}

/** True when a subject's evidence is under legal hold (it was erased). */
export async function isHeld(db: Conn, subjectId: string): Promise<boolean> {
  const [row] = await db
    .select()
    .from(schema.legalHolds)
    .where(eq(schema.legalHolds.subjectId, subjectId))
    .limit(1);
  return !!row;
}

/**
 * The consent evidence of an erased subject, for the `legal` role only (R4), audited: a
 * reading as `legal_hold.read`, a refused attempt as `legal_hold.read_denied` (committed even
 * though the call then fails).
 * @param ip the caller's truncated address, for the audit row
 * @throws ApiError `forbidden` for any other role; `not_found` when nothing is held.
 */
export async function readLegalHold(
  db: Db,
  staff: { id: string; role: string },
  subjectId: string,
  now: number,
  ip: string | null = null,
) {
  const actor = { type: 'staff' as const, id: staff.id };
  if (staff.role !== 'legal') {
    await db.transaction((tx) =>
      recordAudit(tx, { actor, action: 'legal_hold.read_denied', subjectId, ip }, now),
    );
    throw new ApiError(
      'forbidden',
      'Records under legal hold are readable only by the legal role.',
    );
  }
  return db.transaction(async (tx) => {
    if (!(await isHeld(tx, subjectId)))
      throw new ApiError('not_found', 'Nothing held for this subject.');
    const events = await tx
      .select()
      .from(schema.consentEvents)
      .where(eq(schema.consentEvents.subjectId, subjectId))
      .orderBy(asc(schema.consentEvents.collectedAt), asc(schema.consentEvents.id));
    await recordAudit(
      tx,
      { actor, action: 'legal_hold.read', subjectId, details: { events: events.length }, ip },
      now,
    );
    return events;
  });
}
