// Behaviour alerts (procedure §2.3; REQUIREMENTS S6): more than N distinct customers read by
// one staff member within 24 hours, or a sign-in outside working hours, creates an alert,
// notifies the configured webhook, and suspends the member's customer-data access until a
// second staff member reviews it. Thresholds and hours come from configuration.
import { type Db, newId, schema } from '@assent/db';
import { and, countDistinct, eq, gt, inArray, isNull, ne } from 'drizzle-orm';
import type { SecurityConfig } from '../env.ts';
import { ApiError } from '../errors.ts';
import { recordAudit } from './audit.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type AlertRow = typeof schema.staffAlerts.$inferSelect;
export type AlertKind = 'bulk_reads' | 'off_hours_sign_in';

/** Audit actions that count as reading a customer's record. */
export const READ_ACTIONS = ['subject.read', 'subject.unmask', 'request.read', 'legal_hold.read'];
const DAY_MS = 86_400_000;

/** Minutes after local midnight of `now` (epoch ms) in an IANA time zone. */
export function localMinutes(timeZone: string, now: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(now));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** True when `now` is outside the configured working hours (an overnight range wraps midnight). */
export function outsideWorkingHours(config: SecurityConfig, now: number): boolean {
  const m = localMinutes(config.timeZone, now);
  const { start, end } = config.workingHours;
  const inside = start <= end ? m >= start && m < end : m >= start || m < end;
  return !inside;
}

/** Creates an alert and suspends the member's customer-data access, audited, in `tx`. */
export async function raiseAlert(
  tx: Tx,
  staffId: string,
  kind: AlertKind,
  details: Record<string, unknown>,
  now: number,
): Promise<AlertRow> {
  const row = { id: newId('alr', now), staffId, kind, details, createdAt: new Date(now) };
  await tx.insert(schema.staffAlerts).values(row);
  await tx
    .update(schema.staffMembers)
    .set({ suspendedAt: new Date(now) })
    .where(and(eq(schema.staffMembers.id, staffId), isNull(schema.staffMembers.suspendedAt)));
  await recordAudit(
    tx,
    {
      actor: { type: 'system' },
      action: 'staff.alert',
      target: row.id,
      details: { staffId, kind, ...details },
    },
    now,
  );
  return { ...row, reviewedBy: null, reviewedAt: null, reviewNote: null };
}

/**
 * After a read was audited in `tx`: raises a `bulk_reads` alert once the member has read more
 * than `maxDailySubjects` distinct customers in the last 24 hours (one open alert at a time).
 */
export async function checkBulkReads(
  tx: Tx,
  config: SecurityConfig,
  staffId: string,
  now: number,
): Promise<AlertRow | null> {
  const a = schema.auditEvents;
  const [row] = await tx
    .select({ n: countDistinct(a.subjectId) })
    .from(a)
    .where(
      and(
        eq(a.actorType, 'staff'),
        eq(a.actorId, staffId),
        inArray(a.action, READ_ACTIONS),
        gt(a.at, new Date(now - DAY_MS)),
      ),
    );
  const distinct = row?.n ?? 0;
  if (distinct <= config.maxDailySubjects) return null;
  const open = await tx
    .select({ id: schema.staffAlerts.id })
    .from(schema.staffAlerts)
    .where(
      and(
        eq(schema.staffAlerts.staffId, staffId),
        eq(schema.staffAlerts.kind, 'bulk_reads'),
        isNull(schema.staffAlerts.reviewedAt),
      ),
    );
  if (open.length > 0) return null;
  return raiseAlert(
    tx,
    staffId,
    'bulk_reads',
    { distinctSubjects: distinct, windowHours: 24 },
    now,
  );
}

/**
 * POSTs the alert (ids and kind only, no personal data) to ASSENT_ALERT_WEBHOOK_URL.
 * Best effort with a 5 s timeout: the alert row and the suspension are already committed.
 * @returns whether the receiver answered 2xx
 */
export async function notifyAlert(config: SecurityConfig, alert: AlertRow): Promise<boolean> {
  if (!config.alertWebhookUrl) return false;
  try {
    const res = await fetch(config.alertWebhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'staff.alert',
        alert: {
          id: alert.id,
          kind: alert.kind,
          staffId: alert.staffId,
          createdAt: alert.createdAt.toISOString(),
          details: alert.details,
        },
      }),
      signal: AbortSignal.timeout(5000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * A second staff member closes an alert; when the member has no other open alert, their
 * customer-data access returns. Audited `staff.alert_review`.
 * @throws ApiError `not_found` (unknown or already reviewed), `forbidden` (own alert)
 */
export async function reviewAlert(
  db: Db,
  reviewerId: string,
  alertId: string,
  note: string,
  now: number,
) {
  return db.transaction(async (tx) => {
    const [alert] = await tx
      .select()
      .from(schema.staffAlerts)
      .where(and(eq(schema.staffAlerts.id, alertId), isNull(schema.staffAlerts.reviewedAt)))
      .for('update');
    if (!alert) throw new ApiError('not_found', 'No open alert with this id.');
    if (alert.staffId === reviewerId)
      throw new ApiError('forbidden', 'An alert is reviewed by a second person, not its subject.');
    await tx
      .update(schema.staffAlerts)
      .set({ reviewedBy: reviewerId, reviewedAt: new Date(now), reviewNote: note })
      .where(eq(schema.staffAlerts.id, alertId));
    const others = await tx
      .select({ id: schema.staffAlerts.id })
      .from(schema.staffAlerts)
      .where(
        and(
          eq(schema.staffAlerts.staffId, alert.staffId),
          isNull(schema.staffAlerts.reviewedAt),
          ne(schema.staffAlerts.id, alertId),
        ),
      );
    const restored = others.length === 0;
    if (restored)
      await tx
        .update(schema.staffMembers)
        .set({ suspendedAt: null })
        .where(eq(schema.staffMembers.id, alert.staffId));
    await recordAudit(
      tx,
      {
        actor: { type: 'staff', id: reviewerId },
        action: 'staff.alert_review',
        target: alertId,
        details: { staffId: alert.staffId, restored },
      },
      now,
    );
    return {
      ...alert,
      reviewedBy: reviewerId,
      reviewedAt: new Date(now),
      reviewNote: note,
      restored,
    };
  });
}
