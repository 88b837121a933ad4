// The retention sweep on the real app and database, with the clock moved past each period
// (REQUIREMENTS S2; P2 stays: consent events are never deleted or rewritten otherwise).
import { newId, schema } from '@assent/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../context.ts';
import { createTestApp, type TestApp } from '../testing.ts';
import { retentionSweepJob, runRetentionSweep, sweepPlan } from './retention.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

const count = async (table: string) =>
  Number((await t.database.sql.unsafe(`select count(*)::int as n from ${table}`))[0]?.n);

const grantAnalytics = () =>
  t.recordDecision(t.newDevice(), 'analytics', 'granted', {
    source: 'banner',
    surface: 'banner_accept_all',
  });

describe('retention sweep', () => {
  it('S2: the plan comes from the classification tags', () => {
    const plan = sweepPlan().map((s) => `${s.table}:${s.action}`);
    expect(plan).toEqual(
      expect.arrayContaining([
        'portal_codes:delete',
        'portal_sessions:delete',
        'dev_mailbox:delete',
        'consent_events:anonymise',
        'request_exports:delete',
      ]),
    );
  });

  it('S2: sign-in codes, sessions and dev mail go when their period ends, each batch audited', async () => {
    const now = t.clock.now();
    await t.database.db.insert(schema.portalCodes).values({
      id: newId('otp'),
      emailIndex: 'index-of-old@example.com',
      codeHash: 'x',
      expiresAt: new Date(now + 600_000),
      createdAt: new Date(now),
    });
    await t.database.db.insert(schema.portalSessions).values({
      id: newId('ses'),
      email: 'enc1:sealed-old@example.com',
      emailIndex: 'index-of-old@example.com',
      createdAt: new Date(now),
      expiresAt: new Date(now + 1_800_000),
    });
    await t.database.db.insert(schema.devMailbox).values({
      id: newId('mail'),
      to: 'old@example.com',
      subject: 's',
      body: 'b',
      createdAt: new Date(now),
    });
    expect(await runRetentionSweep(t.database.db, t.clock.now())).toMatchObject({
      'portal_codes:delete': 0,
      'portal_sessions:delete': 0,
    });
    t.clock.advanceDays(2);
    const r1 = await runRetentionSweep(t.database.db, t.clock.now());
    expect(r1).toMatchObject({
      'portal_codes:delete': 1,
      'portal_sessions:delete': 1,
      'dev_mailbox:delete': 0,
    });
    expect(await count('portal_codes')).toBe(0);
    expect(await count('dev_mailbox')).toBe(1);
    t.clock.advanceDays(6);
    // The scheduled job runs the same sweep with the app's dependencies.
    const deps: Pick<Deps, 'database' | 'clock'> = { database: t.database, clock: t.clock.now };
    await retentionSweepJob.handler(deps as Deps, {});
    expect(await count('dev_mailbox')).toBe(0);
    const audit = await t.database.sql<{ target: string; details: { rows: number } }[]>`
      select target, details from audit_events where action = 'retention.delete' order by seq`;
    expect(audit.map((a) => [a.target, a.details.rows])).toEqual([
      ['portal_codes(email_index)', 1],
      ['portal_sessions(email,email_index)', 1],
      ['dev_mailbox(to,body)', 1],
    ]);
  });

  it('S2: consent evidence is anonymised after its keeping period; the event itself stays (P2)', async () => {
    await grantAnalytics();
    const [before] = await t.database.sql<{ id: string; ua_hash: string | null }[]>`
      select id, ua_hash from consent_events order by recorded_at desc limit 1`;
    expect(before?.ua_hash).toMatch(/^[0-9a-f]+$/);
    // Outside the sweep, the database still refuses to touch events.
    await expect(
      t.database.sql`update consent_events set ua_hash = null where id = ${before?.id ?? ''}`,
    ).rejects.toThrow(/append-only/);
    // Even with the sweep's flag, nothing but the evidence columns may change.
    await expect(
      t.database.sql.begin(async (sql) => {
        await sql`select set_config('assent.retention', 'on', true)`;
        await sql`update consent_events set ua_hash = null, decision = 'denied' where id = ${before?.id ?? ''}`;
      }),
    ).rejects.toThrow(/append-only/);
    t.clock.advanceDays(1000);
    await runRetentionSweep(t.database.db, t.clock.now());
    expect(
      (await t.database.sql`select ua_hash from consent_events where id = ${before?.id ?? ''}`)[0]
        ?.ua_hash,
    ).not.toBeNull();
    t.clock.advanceDays(100);
    const report = await runRetentionSweep(t.database.db, t.clock.now());
    expect(report['consent_events:anonymise']).toBeGreaterThanOrEqual(1);
    const [after] = await t.database.sql<{ ua_hash: string | null; decision: string }[]>`
      select ua_hash, decision from consent_events where id = ${before?.id ?? ''}`;
    expect(after).toEqual({ ua_hash: null, decision: 'granted' });
    await expect(
      t.database.sql`delete from consent_events where id = ${before?.id ?? ''}`,
    ).rejects.toThrow(/append-only/);
  });
});
