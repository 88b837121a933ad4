// The privacy request engine (DESIGN "Privacy request"; REQUIREMENTS R1-R8): requests, their
// states `received → verified → in_progress → completed | rejected` (plus `cancelled` for an
// erasure withdrawn during its cooling-off, and `lifted` for a restriction that ended), due
// dates and an audited timeline.
import { type Db, newId, schema } from '@assent/db';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Config } from '../../env.ts';
import { ApiError } from '../../errors.ts';
import { type AuditEntry, recordAudit } from '../audit.ts';
import { deadlineTable, dueDates, type RequestType } from './due-dates.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Conn = Db | Tx;
export type RequestStatus =
  | 'received'
  | 'verified'
  | 'in_progress'
  | 'completed'
  | 'rejected'
  | 'cancelled'
  | 'lifted';
export type RequestRow = typeof schema.privacyRequests.$inferSelect;

const NEXT: Record<RequestStatus, RequestStatus[]> = {
  received: ['verified', 'rejected', 'cancelled'],
  verified: ['in_progress', 'rejected', 'cancelled', 'lifted'],
  in_progress: ['completed', 'rejected', 'lifted'],
  // A completed restriction stays in force until it is lifted (GDPR 18(3)).
  completed: ['lifted'],
  rejected: [],
  cancelled: [],
  lifted: [],
};
/** States in which a request still needs an answer (and can become overdue). */
export const OPEN_STATUSES: RequestStatus[] = ['received', 'verified', 'in_progress'];
/** The complaint route shown with every rejection (PIPL 50, GDPR 12(4), 77). */
export const COMPLAINT_ROUTE =
  'You may complain to your data protection authority (EU: your supervisory authority; CN: the cyberspace administration) or seek a judicial remedy.';

/**
 * Opens a request and stamps its deadlines from its jurisdiction (R5). A request made in the
 * portal after sign-in and step-up is `verified` at once.
 * @param now epoch ms
 */
export async function createRequest(
  tx: Tx,
  config: Config,
  args: {
    subjectId: string;
    propertyId: string;
    jurisdiction: string;
    type: RequestType;
    verified: boolean;
    details?: Record<string, unknown>;
    actor: AuditEntry['actor'];
    executeAfter?: number;
  },
  now: number,
): Promise<RequestRow> {
  const due = dueDates(deadlineTable(config.requests.deadlines), args.jurisdiction, args.type, now);
  const [row] = await tx
    .insert(schema.privacyRequests)
    .values({
      id: newId('req', now),
      subjectId: args.subjectId,
      propertyId: args.propertyId,
      type: args.type,
      status: args.verified ? 'verified' : 'received',
      jurisdiction: args.jurisdiction,
      receivedAt: new Date(now),
      dueAt: new Date(due.dueAt),
      ackDueAt: due.ackDueAt === null ? null : new Date(due.ackDueAt),
      executeAfter: args.executeAfter === undefined ? null : new Date(args.executeAfter),
      details: args.details ?? {},
    })
    .returning();
  if (!row) throw new Error('request not stored');
  await addEvent(tx, row, 'received', null, now);
  if (args.verified) await addEvent(tx, row, 'verified', null, now);
  await recordAudit(
    tx,
    {
      actor: args.actor,
      action: `request.${args.type}.create`,
      subjectId: row.subjectId,
      target: row.id,
    },
    now,
  );
  return row;
}

/**
 * Audits what a background job did for a privacy request: actor `job`, the request's subject,
 * the request id as target, and `details` (counts and ids only, never personal data).
 */
export async function auditRequestJob(
  tx: Tx,
  request: RequestRow,
  action: string,
  details: Record<string, unknown>,
  now: number,
): Promise<void> {
  await recordAudit(
    tx,
    { actor: { type: 'job' }, action, subjectId: request.subjectId, target: request.id, details },
    now,
  );
}

/** Appends one entry to a request's timeline. */
export async function addEvent(
  tx: Conn,
  row: Pick<RequestRow, 'id' | 'subjectId'>,
  kind: string,
  note: string | null,
  now: number,
): Promise<void> {
  await tx.insert(schema.privacyRequestEvents).values({
    id: newId('rqe', now),
    requestId: row.id,
    subjectId: row.subjectId,
    at: new Date(now),
    kind,
    note,
  });
}

/**
 * Moves a request to `to`, with its timeline entry and audit event.
 * @throws ApiError `invalid_transition` (409) when the state machine forbids it, and
 *   `reason_required` (422) for a rejection without a reason (R6).
 */
export async function transition(
  tx: Tx,
  requestId: string,
  to: RequestStatus,
  opts: { actor: AuditEntry['actor']; reason?: string; note?: string },
  now: number,
): Promise<RequestRow> {
  const [row] = await tx
    .select()
    .from(schema.privacyRequests)
    .where(eq(schema.privacyRequests.id, requestId))
    .for('update');
  if (!row) throw new ApiError('not_found', 'No such request.');
  const allowed = NEXT[row.status as RequestStatus]?.includes(to) ?? false;
  // Only a restriction is ever lifted.
  if (!allowed || (to === 'lifted' && row.type !== 'restriction'))
    throw new ApiError('invalid_transition', `A ${row.status} request cannot become ${to}.`);
  const reason = opts.reason?.trim();
  if (to === 'rejected' && !reason)
    throw new ApiError('reason_required', 'A rejection must say why (PIPL 50; GDPR 12(4)).');
  const closed = to === 'completed' || to === 'rejected' || to === 'cancelled' || to === 'lifted';
  const [updated] = await tx
    .update(schema.privacyRequests)
    .set({
      status: to,
      ...(closed ? { closedAt: new Date(now) } : {}),
      ...(to === 'rejected' ? { reason } : {}),
    })
    .where(eq(schema.privacyRequests.id, requestId))
    .returning();
  if (!updated) throw new Error('request vanished');
  await addEvent(tx, row, to, to === 'rejected' ? (reason ?? null) : (opts.note ?? null), now);
  await recordAudit(
    tx,
    {
      actor: opts.actor,
      action: `request.${to}`,
      subjectId: row.subjectId,
      target: row.id,
      details: { type: row.type, from: row.status },
    },
    now,
  );
  return updated;
}

/** The requests of the given subjects, newest first, each with its timeline (oldest first). */
export async function requestsOf(db: Conn, subjectIds: string[]) {
  if (subjectIds.length === 0) return [];
  const rows = await db
    .select()
    .from(schema.privacyRequests)
    .where(inArray(schema.privacyRequests.subjectId, subjectIds))
    .orderBy(desc(schema.privacyRequests.receivedAt));
  if (rows.length === 0) return [];
  const events = await db
    .select()
    .from(schema.privacyRequestEvents)
    .where(
      inArray(
        schema.privacyRequestEvents.requestId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(schema.privacyRequestEvents.at), asc(schema.privacyRequestEvents.seq));
  return rows.map((r) => ({ ...r, events: events.filter((e) => e.requestId === r.id) }));
}

/** One request, only when it belongs to one of `subjectIds` (otherwise null, like a missing one). */
export async function ownedRequest(db: Conn, subjectIds: string[], requestId: string) {
  if (subjectIds.length === 0) return null;
  const [row] = await db
    .select()
    .from(schema.privacyRequests)
    .where(
      and(
        eq(schema.privacyRequests.id, requestId),
        inArray(schema.privacyRequests.subjectId, subjectIds),
      ),
    );
  return row ?? null;
}
