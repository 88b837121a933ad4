// The one-statement write of a widget batch under concurrency: a new device's first batches
// racing each other, retried batches racing their first try, and the cached property
// confirmed by the version read in the same statement.
import { Problem, RecordConsentsOutput } from '@assent/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, eventually, type TestApp } from '../testing.ts';
import {
  type BatchArgs,
  DeviceRaceError,
  deviceStateAt,
  planBatch,
  recordBatch,
} from './consent-batch.ts';
import { evidenceOf } from './consents.ts';
import { loadPurposes, propertyById } from './properties.ts';
import { deviceKey } from './subjects.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

interface Exp {
  purposes: { key: string; notice: { id: string; hash: string } }[];
}

async function experience(device: string): Promise<Exp> {
  const res = await t.app.request('/v1/experience?locale=en', { headers: t.widgetHeaders(device) });
  expect(res.status).toBe(200);
  return (await res.json()) as Exp;
}

const post = (device: string, body: unknown, extra: Record<string, string> = {}) =>
  t.app.request('/v1/consents', {
    method: 'POST',
    headers: t.widgetHeaders(device, extra),
    body: JSON.stringify(body),
  });

/** The subjects of a device's events and how many events there are. */
async function eventsOf(eventIds: string[]) {
  return t.database.sql<{ subject_id: string; purpose: string }[]>`
    select e.subject_id, p.key as purpose from consent_events e
    join purposes p on p.id = e.purpose_id
    where e.id in ${t.database.sql(eventIds)}`;
}

describe('a batch is one statement', () => {
  it('the first batches of a new device sent at once land on one subject, none lost', async () => {
    const device = t.newDevice();
    const purposes = ['analytics', 'marketing_email', 'personalized_ads'];
    const bodies = await Promise.all(purposes.map((p) => t.decisionBody(device, p)));
    const answers = await Promise.all(bodies.map((body) => post(device, body)));
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201]);
    const ids = (
      await Promise.all(answers.map(async (r) => RecordConsentsOutput.parse(await r.json())))
    ).flatMap((o) => o.events.map((e) => e.id));
    const rows = await eventsOf(ids);
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.subject_id)).size).toBe(1);
    // And the device reads all three back.
    const now = (await (
      await t.app.request('/v1/consents', { headers: t.widgetHeaders(device) })
    ).json()) as { consents: Record<string, { status: string }> };
    for (const p of purposes) expect(now.consents[p]?.status).toBe('granted');
    const devices = await t.database.sql`
      select count(*)::int as n from subjects s
      where not exists (select 1 from devices d where d.subject_id = s.id)
        and s.external_id_index is null and s.merged_into is null
        and not exists (select 1 from consent_events e where e.subject_id = s.id)`;
    expect(devices[0]?.n).toBe(0); // no orphan subject left by the losing request
  });

  it('Idempotency-Key: a retry racing its first try writes once and both get the first answer', async () => {
    const device = t.newDevice();
    const body = await t.decisionBody(device, 'analytics', 'denied');
    const key = { 'idempotency-key': `race-${crypto.randomUUID()}` };
    const [a, b] = await Promise.all([post(device, body, key), post(device, body, key)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const first = RecordConsentsOutput.parse(await a.json());
    const second = RecordConsentsOutput.parse(await b.json());
    expect(second.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    const [row] = await t.database.sql<{ n: number }[]>`
      select count(*)::int as n from consent_events e
      join devices d on d.subject_id = e.subject_id
      where d.id = encode(sha256(${device}::bytea), 'hex')`;
    expect(row?.n).toBe(1);
    // The same key with another body is a conflict, and writes nothing.
    const other = await post(device, await t.decisionBody(device, 'analytics', 'granted'), key);
    expect(other.status).toBe(409);
    expect(Problem.parse(await other.json()).code).toBe('idempotency_conflict');
  });

  it('an origin removed from the property in plain SQL is refused, though the property and the device are cached', async () => {
    const device = t.newDevice();
    await experience(device); // the property is now in the process cache
    const [before] = await t.database.sql<{ allowed_origins: string[] }[]>`
      select allowed_origins from properties where id = ${t.propertyId}`;
    await t.database.sql`update properties set allowed_origins = '{}' where id = ${t.propertyId}`;
    try {
      // At once on PGlite; on Postgres as soon as the database's notification of the change
      // reaches this process (the device's cached state holds the old configuration version).
      const refused = async () =>
        (await t.app.request('/v1/experience', { headers: t.widgetHeaders(device) })).status ===
        403;
      expect(await eventually(refused, 2_000)).toBe(true);
      const res = await t.app.request('/v1/experience', { headers: t.widgetHeaders(device) });
      expect(res.status).toBe(403);
      expect(Problem.parse(await res.json()).code).toBe('origin_not_allowed');
      const write = await post(device, { decisions: [], source: 'banner', locale: 'en' });
      expect(write.status).not.toBe(201);
    } finally {
      await t.database.sql`
        update properties set allowed_origins = ${before?.allowed_origins ?? []}
        where id = ${t.propertyId}`;
    }
    expect((await experience(device)).purposes.length).toBeGreaterThan(0);
  });

  it('a new device created by another request meanwhile fails the batch whole (retried by the route)', async () => {
    const property = await propertyById(t.database.db, t.propertyId);
    if (!property) throw new Error('fixture');
    const purposes = await loadPurposes(t.database.db, property.id);
    const analytics = purposes.find((p) => p.row.key === 'analytics');
    const notice = analytics?.notices[0];
    if (!analytics || !notice) throw new Error('fixture');
    const deviceHash = deviceKey(t.newDevice());
    // Both requests read the device before either wrote it.
    const read = await deviceStateAt(t.database.sql, property.id, deviceHash);
    expect(read.subjectId).toBeNull();
    const args = (decision: 'granted' | 'denied'): BatchArgs => ({
      property,
      deviceHash,
      subjectId: read.subjectId,
      last: read.last,
      decisions: [{ purpose: analytics, notice, decision }],
      source: 'preferences',
      surface: 'preferences_save',
      locale: 'en',
      collectedAt: new Date(t.clock.now()),
      evidence: evidenceOf(null, undefined, false),
    });
    const first = args('granted');
    const won = await recordBatch(t.database.sql, first, planBatch(first), null);
    expect(won.written).toBe(true);
    const second = args('denied');
    const plan = planBatch(second);
    await expect(
      recordBatch(t.database.sql, second, plan, { key: 'k', requestHash: 'h', response: {} }),
    ).rejects.toBeInstanceOf(DeviceRaceError);
    // Nothing of the losing batch was kept: not its subject, event or idempotency row.
    const [kept] = await t.database.sql<{ subjects: number; events: number; keys: number }[]>`
      select (select count(*)::int from subjects where id = ${plan.subjectId}) as subjects,
             (select count(*)::int from consent_events where id = ${plan.events[0]?.id ?? ''}) as events,
             (select count(*)::int from idempotency_keys where key = 'k' and property_id = ${property.id}) as keys`;
    expect(kept).toEqual({ subjects: 0, events: 0, keys: 0 });
    // Read again, the device's subject is the winner's and the same batch now lands.
    const again = await deviceStateAt(t.database.sql, property.id, deviceHash);
    expect(again.subjectId).toBe(won.written ? won.subjectId : null);
    const retry = { ...second, subjectId: again.subjectId, last: again.last };
    expect((await recordBatch(t.database.sql, retry, planBatch(retry), null)).written).toBe(true);
  });

  it('reads made together are answered by one statement, each with its own device', async () => {
    const known = await t.recordDecision(t.newDevice(), 'analytics', 'denied');
    const other = await t.recordDecision(t.newDevice(), 'marketing_email', 'granted');
    const hashes = [known, t.newDevice(), other, known].map((d) => deviceKey(d));
    // The real client, counting the statements sent through it.
    let statements = 0;
    const counted = new Proxy(t.database.sql, {
      apply(target, self, args) {
        statements++;
        return Reflect.apply(target, self, args);
      },
    });
    const reads = await Promise.all(hashes.map((h) => deviceStateAt(counted, t.propertyId, h)));
    expect(statements).toBe(1);
    const status = (i: number) =>
      [...(reads[i]?.last.values() ?? [])].map((d) => d.decision).sort();
    expect(status(0)).toEqual(['denied']);
    expect(reads[1]?.subjectId).toBeNull();
    expect(status(1)).toEqual([]);
    expect(status(2)).toEqual(['granted']);
    expect(reads[3]).toEqual(reads[0]);
    expect(new Set(reads.map((r) => r?.version)).size).toBe(1);
  });
});
