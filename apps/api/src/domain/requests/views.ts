// Requests as the portal shows them: ISO times, the timeline, export links while valid, and
// the complaint route with every rejection (R6).
import { schema } from '@assent/db';
import { inArray } from 'drizzle-orm';
import { COMPLAINT_ROUTE, type Conn, requestsOf } from './requests.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The portal view of every request of `subjectIds`, newest first. */
export async function requestViews(db: Conn, subjectIds: string[], now: number) {
  const rows = await requestsOf(db, subjectIds);
  const exports =
    rows.length === 0
      ? []
      : await db
          .select({
            requestId: schema.requestExports.requestId,
            expiresAt: schema.requestExports.expiresAt,
          })
          .from(schema.requestExports)
          .where(
            inArray(
              schema.requestExports.requestId,
              rows.map((r) => r.id),
            ),
          );
  return rows.map((r) => {
    const ex = exports.find((e) => e.requestId === r.id && e.expiresAt.getTime() > now);
    const base = `/portal/api/requests/${r.id}/export`;
    return {
      id: r.id,
      propertyId: r.propertyId,
      type: r.type as 'access' | 'erasure' | 'rectification' | 'restriction',
      status: r.status as
        | 'received'
        | 'verified'
        | 'in_progress'
        | 'completed'
        | 'rejected'
        | 'cancelled'
        | 'lifted',
      receivedAt: r.receivedAt.toISOString(),
      dueAt: r.dueAt.toISOString(),
      ackDueAt: iso(r.ackDueAt),
      executeAfter: iso(r.executeAfter),
      closedAt: iso(r.closedAt),
      reason: r.reason,
      complaintRoute: r.status === 'rejected' ? COMPLAINT_ROUTE : null,
      timeline: r.events.map((e) => ({ at: e.at.toISOString(), kind: e.kind, note: e.note })),
      export: ex
        ? {
            expiresAt: ex.expiresAt.toISOString(),
            json: `${base}/json`,
            csv: `${base}/csv`,
            html: `${base}/html`,
          }
        : null,
    };
  });
}
