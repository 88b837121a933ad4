// `consent.expiring`: announce each grant whose re-confirmation term ends within the reminder
// window (policy REMINDER_WINDOW_DAYS; REQUIREMENTS C10), once per grant, through the outbox so
// it is delivered like every other webhook.
import { newId, schema } from '@assent/db';
import { DAY_MS, REMINDER_WINDOW_DAYS } from '@assent/policy';
import { and, eq, gt, isNull, lte, notExists, sql } from 'drizzle-orm';
import type { Deps } from '../context.ts';
import { recordAudit } from './audit.ts';

/**
 * Writes one `consent.expiring` outbox row per current grant (not merged away) whose
 * `expiresAt` is in (now, now + windowDays], skipping grants announced before (keyed by the
 * grant's consent event id), in one transaction.
 * Payload: `{ subjectId, purpose, eventId, expiresAt }` (ISO time).
 * @param now epoch ms @returns grants announced
 */
export async function announceExpiringGrants(
  deps: Deps,
  now: number,
  windowDays = REMINDER_WINDOW_DAYS,
  limit = 1000,
): Promise<number> {
  const s = schema.consentStates;
  const n = schema.consentExpiryNotices;
  return deps.database.db.transaction(async (tx) => {
    const grants = await tx
      .select({
        eventId: s.eventId,
        subjectId: s.subjectId,
        propertyId: s.propertyId,
        purposeId: s.purposeId,
        purpose: schema.purposes.key,
        expiresAt: s.expiresAt,
      })
      .from(s)
      .innerJoin(schema.subjects, eq(schema.subjects.id, s.subjectId))
      .innerJoin(schema.purposes, eq(schema.purposes.id, s.purposeId))
      .where(
        and(
          eq(s.decision, 'granted'),
          gt(s.expiresAt, new Date(now)),
          lte(s.expiresAt, new Date(now + windowDays * DAY_MS)),
          isNull(schema.subjects.mergedInto),
          notExists(tx.select({ one: sql`1` }).from(n).where(eq(n.eventId, s.eventId))),
        ),
      )
      .orderBy(s.expiresAt)
      .limit(limit);
    let announced = 0;
    for (const g of grants) {
      if (!g.expiresAt) continue;
      const inserted = await tx
        .insert(n)
        .values({
          eventId: g.eventId,
          subjectId: g.subjectId,
          propertyId: g.propertyId,
          purposeId: g.purposeId,
          expiresAt: g.expiresAt,
          notifiedAt: new Date(now),
        })
        .onConflictDoNothing()
        .returning({ eventId: n.eventId });
      if (inserted.length === 0) continue;
      await tx.insert(schema.outbox).values({
        id: newId('obx', now),
        propertyId: g.propertyId,
        subjectId: g.subjectId,
        topic: 'consent.expiring',
        payload: {
          subjectId: g.subjectId,
          purpose: g.purpose,
          eventId: g.eventId,
          expiresAt: g.expiresAt.toISOString(),
        },
      });
      announced++;
    }
    if (announced > 0)
      await recordAudit(
        tx,
        {
          actor: { type: 'job', id: 'consent-expiring' },
          action: 'consent.expiring_scan',
          target: 'consent_states',
          details: { announced, windowDays },
        },
        now,
      );
    return announced;
  });
}
