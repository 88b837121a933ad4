// Privacy requests as staff read them (REQUIREMENTS R4-R6; procedure §2.2-2.3): list and read
// them with their timeline, every read audited as `request.read` and counted towards the
// bulk-read alert (S6); and the legal holds an erasure leaves, for the legal role only (R4).
// The changes staff make are in staff-request-actions.ts.
import { schema } from '@assent/db';
import { and, asc, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { Deps } from '../../context.ts';
import { ApiError } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { StaffPrincipal } from '../staff.ts';
import { checkBulkReads, notifyAlert } from '../staff-alerts.ts';
import type { Permission } from '../staff-roles.ts';
import { isHeld } from './erasure.ts';
import { COMPLAINT_ROUTE, OPEN_STATUSES, type RequestRow, type RequestStatus } from './requests.ts';

export type StaffDeps = Pick<Deps, 'database' | 'keyring' | 'config' | 'clock' | 'mailer'>;
type Staff = StaffPrincipal;
type RequestType = 'access' | 'erasure' | 'rectification' | 'restriction';

export interface StaffRequestFilter {
  status?: RequestStatus | undefined;
  type?: RequestType | undefined;
  propertyId?: string | undefined;
  subjectId?: string | undefined;
  overdue?: boolean | undefined;
  limit: number;
  offset: number;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * @throws ApiError `access_suspended` while a behaviour alert waits for review (S6),
 *   `forbidden` without `permission`.
 */
export function allowStaff(who: Staff, permission: Permission): void {
  if (who.member.suspendedAt)
    throw new ApiError(
      'access_suspended',
      'A behaviour alert waits for review by a second person.',
    );
  if (!who.permissions.has(permission)) throw new ApiError('forbidden', `Needs ${permission}.`);
}

/** A request as staff see it in a list (no free-text details). */
export function summaryOf(r: RequestRow, now: number) {
  return {
    id: r.id,
    subjectId: r.subjectId,
    propertyId: r.propertyId,
    type: r.type as RequestType,
    status: r.status as RequestStatus,
    jurisdiction: r.jurisdiction,
    receivedAt: r.receivedAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    ackDueAt: iso(r.ackDueAt),
    executeAfter: iso(r.executeAfter),
    closedAt: iso(r.closedAt),
    overdue: OPEN_STATUSES.includes(r.status as RequestStatus) && r.dueAt.getTime() < now,
    reason: r.reason,
  };
}

/** Audits one read per subject, then raises the bulk-read alert when due (S6, S7). */
async function auditReads(
  deps: StaffDeps,
  who: Staff,
  rows: RequestRow[],
  ip: string | null,
  now: number,
): Promise<void> {
  const bySubject = new Map<string, string[]>();
  for (const r of rows) bySubject.set(r.subjectId, [...(bySubject.get(r.subjectId) ?? []), r.id]);
  if (bySubject.size === 0) return;
  const alert = await deps.database.db.transaction(async (tx) => {
    for (const [subjectId, ids] of bySubject)
      await recordAudit(
        tx,
        {
          actor: { type: 'staff', id: who.member.id },
          action: 'request.read',
          subjectId,
          target: ids.join(','),
          ip,
        },
        now,
      );
    return checkBulkReads(tx, deps.config.security, who.member.id, now);
  });
  if (alert) await notifyAlert(deps.config.security, alert);
}

/**
 * Lists requests, earliest due first, filtered (status, type, property, subject, overdue).
 * Needs `requests.read`; every subject listed is audited (`request.read`).
 * @throws ApiError `access_suspended`, `forbidden`
 */
export async function listRequestsForStaff(
  deps: StaffDeps,
  who: Staff,
  filter: StaffRequestFilter,
  ip: string | null,
) {
  allowStaff(who, 'requests.read');
  const now = deps.clock();
  const r = schema.privacyRequests;
  const where: SQL[] = [];
  if (filter.status) where.push(eq(r.status, filter.status));
  if (filter.type) where.push(eq(r.type, filter.type));
  if (filter.propertyId) where.push(eq(r.propertyId, filter.propertyId));
  if (filter.subjectId) where.push(eq(r.subjectId, filter.subjectId));
  if (filter.overdue) where.push(inArray(r.status, OPEN_STATUSES), lt(r.dueAt, new Date(now)));
  const rows = await deps.database.db
    .select()
    .from(r)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(asc(r.dueAt), asc(r.id))
    .limit(filter.limit)
    .offset(filter.offset);
  await auditReads(deps, who, rows, ip, now);
  return rows.map((row) => summaryOf(row, now));
}

/**
 * One request with its details, timeline and data-provider calls. Needs `requests.read`;
 * audited (`request.read`).
 * @throws ApiError `access_suspended`, `forbidden`, `not_found`
 */
export async function requestForStaff(
  deps: StaffDeps,
  who: Staff,
  requestId: string,
  ip: string | null,
) {
  allowStaff(who, 'requests.read');
  const now = deps.clock();
  const { db } = deps.database;
  const [row] = await db
    .select()
    .from(schema.privacyRequests)
    .where(eq(schema.privacyRequests.id, requestId));
  if (!row) throw new ApiError('not_found', 'No request with this id.');
  const events = await db
    .select()
    .from(schema.privacyRequestEvents)
    .where(eq(schema.privacyRequestEvents.requestId, row.id))
    .orderBy(asc(schema.privacyRequestEvents.at), asc(schema.privacyRequestEvents.seq));
  const calls = await db
    .select({ c: schema.providerCalls, name: schema.dataProviders.name })
    .from(schema.providerCalls)
    .innerJoin(schema.dataProviders, eq(schema.dataProviders.id, schema.providerCalls.providerId))
    .where(eq(schema.providerCalls.requestId, row.id))
    .orderBy(asc(schema.dataProviders.name));
  const held = await isHeld(db, row.subjectId);
  await auditReads(deps, who, [row], ip, now);
  return {
    ...summaryOf(row, now),
    details: row.details,
    complaintRoute: row.status === 'rejected' ? COMPLAINT_ROUTE : null,
    timeline: events.map((e) => ({ at: e.at.toISOString(), kind: e.kind, note: e.note })),
    providerCalls: calls.map(({ c, name }) => ({
      providerId: c.providerId,
      name,
      status: c.status as 'pending' | 'answered' | 'failed',
      attempts: c.attempts,
      lastError: c.lastError,
      answeredAt: iso(c.answeredAt),
    })),
    legalHold: held,
  };
}

/**
 * The subjects under legal hold after an erasure, newest first: the `legal` role only (R4).
 * Audited as one `legal_hold.list`.
 * @throws ApiError `access_suspended`, `forbidden`
 */
export async function listLegalHolds(
  deps: StaffDeps,
  who: Staff,
  page: { limit: number; offset: number },
  ip: string | null,
) {
  allowStaff(who, 'legal_hold.read');
  if (who.member.role !== 'legal')
    throw new ApiError(
      'forbidden',
      'Records under legal hold are readable only by the legal role.',
    );
  const now = deps.clock();
  const { db } = deps.database;
  const h = schema.legalHolds;
  const rows = await db
    .select()
    .from(h)
    .orderBy(desc(h.heldAt), asc(h.subjectId))
    .limit(page.limit)
    .offset(page.offset);
  await db.transaction((tx) =>
    recordAudit(
      tx,
      {
        actor: { type: 'staff', id: who.member.id },
        action: 'legal_hold.list',
        details: { count: rows.length, offset: page.offset },
        ip,
      },
      now,
    ),
  );
  return rows.map((r) => ({
    subjectId: r.subjectId,
    requestId: r.requestId,
    propertyId: r.propertyId,
    heldAt: r.heldAt.toISOString(),
    basis: r.basis,
  }));
}
