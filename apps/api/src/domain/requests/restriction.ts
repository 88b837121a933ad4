// Restriction of processing (GDPR art. 18; PIPL art. 44: the right to restrict or refuse
// processing). A `restriction` request is in force from the moment it is `verified` (the portal
// creates it verified: the customer proved their address with a one-time code or a product
// sign-in link) through `in_progress` and `completed`, until it is `lifted` (by the customer in
// the portal, or by staff, who must tell the customer: GDPR 18(3)) or `rejected`. While it is
// in force, `may(subject, purpose)` answers false for every purpose that is not necessary.
import { schema } from '@assent/db';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { AuditEntry } from '../audit.ts';
import { type Conn, type RequestRow, type RequestStatus, type Tx, transition } from './requests.ts';

/** The states in which a restriction request restricts processing. */
export const RESTRICTING_STATUSES: RequestStatus[] = ['verified', 'in_progress', 'completed'];

export interface ActiveRestriction {
  requestId: string;
  subjectId: string;
  propertyId: string;
  status: RequestStatus;
  /** When it was received (epoch ms): processing is restricted since then. */
  since: number;
}

/**
 * The restrictions in force for any of `subjectIds`, newest first (empty when none).
 * One indexed query (`privacy_requests_subject`).
 */
export async function activeRestrictions(
  db: Conn,
  subjectIds: string[],
): Promise<ActiveRestriction[]> {
  if (subjectIds.length === 0) return [];
  const rows = await db
    .select({
      id: schema.privacyRequests.id,
      subjectId: schema.privacyRequests.subjectId,
      propertyId: schema.privacyRequests.propertyId,
      status: schema.privacyRequests.status,
      receivedAt: schema.privacyRequests.receivedAt,
    })
    .from(schema.privacyRequests)
    .where(
      and(
        inArray(schema.privacyRequests.subjectId, subjectIds),
        eq(schema.privacyRequests.type, 'restriction'),
        inArray(schema.privacyRequests.status, RESTRICTING_STATUSES),
      ),
    )
    .orderBy(desc(schema.privacyRequests.receivedAt));
  return rows.map((r) => ({
    requestId: r.id,
    subjectId: r.subjectId,
    propertyId: r.propertyId,
    status: r.status as RequestStatus,
    since: r.receivedAt.getTime(),
  }));
}

/**
 * Lifts a restriction in force: it becomes `lifted` (closed), with a timeline entry carrying
 * `note` (shown to the customer) and an audit event; normal processing answers return at once.
 * @throws ApiError `not_found`, or `invalid_transition` when it is not a restriction in force.
 */
export async function liftRestriction(
  tx: Tx,
  requestId: string,
  opts: { actor: AuditEntry['actor']; note: string },
  now: number,
): Promise<RequestRow> {
  return transition(tx, requestId, 'lifted', opts, now);
}
