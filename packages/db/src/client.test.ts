import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from './ids.ts';
import { consentEvents, notices, properties, purposes, subjects } from './schema.ts';
import { createTestDb } from './testing.ts';

let database: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => {
  database = await createTestDb();
});
afterAll(() => database.dispose());

async function insertEvent() {
  const { db } = database;
  const propertyId = newId('prop');
  await db.insert(properties).values({
    id: propertyId,
    name: 'Test',
    publishableKey: newId('pk'),
    identitySecret: 'x'.repeat(32),
    controller: { name: 'Test Ltd', contact: 'privacy@test.example' },
  });
  const purposeId = newId('pur');
  await db.insert(purposes).values({
    id: purposeId,
    propertyId,
    key: 'analytics',
    legalBasis: 'consent',
    category: 'analytics',
    reconfirmAfterDays: 365,
    refusalQuietDays: 180,
    retentionDays: 365,
    dataCategories: [],
    recipients: [],
  });
  const noticeId = newId('ntc');
  await db.insert(notices).values({
    id: noticeId,
    purposeId,
    locale: 'en',
    version: 1,
    content: { title: 'Analytics' },
    contentHash: 'h',
  });
  const subjectId = newId('sub');
  await db.insert(subjects).values({ id: subjectId, propertyId });
  const id = newId('evt');
  await db.insert(consentEvents).values({
    id,
    subjectId,
    propertyId,
    purposeId,
    noticeId,
    noticeHash: 'h',
    decision: 'granted',
    source: 'banner',
    locale: 'en',
    jurisdiction: 'CN',
    collectedAt: new Date(),
    batchId: newId('bat'),
  });
  return id;
}

describe('createDb', () => {
  it('applies the migrations and round-trips a consent event', async () => {
    const id = await insertEvent();
    const rows = await database.db.select().from(consentEvents).where(sql`id = ${id}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.decision).toBe('granted');
  });

  it('P2: the database refuses UPDATE and DELETE of consent events', async () => {
    const id = await insertEvent();
    await expect(
      database.sql`update consent_events set decision = 'denied' where id = ${id}`,
    ).rejects.toThrow(/append-only/);
    await expect(database.sql`delete from consent_events where id = ${id}`).rejects.toThrow(
      /append-only/,
    );
    const [row] = await database.sql`select decision from consent_events where id = ${id}`;
    expect(row?.decision).toBe('granted');
  });

  it('newId makes prefixed ids that sort by creation time', () => {
    const a = newId('evt', 1_000);
    const b = newId('evt', 2_000);
    expect(a).toMatch(/^evt_[0-9a-z]{26}$/);
    expect(a < b).toBe(true);
  });
});
