// The experience read's device-state cache: the pure cache (what it keeps, what a change drops,
// why a read in flight is not kept), and on Postgres the real thing across two API processes'
// worth of connections: a change made through one is served by the other.

import { Experience } from '@assent/contract';
import { createDb, type Database } from '@assent/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../env.ts';
import { linkEmail, portal, signIn } from '../routes/portal-test-kit.ts';
import { createTestApp, eventually, type TestApp } from '../testing.ts';
import type { DeviceStateAt } from './consent-batch.ts';
import { StateCache, stateCacheStatus } from './state-cache.ts';

const state = (subjectId: string | null, version = 1): DeviceStateAt => ({
  version,
  subjectId,
  last: new Map(),
});
const none = { subjects: [], devices: [], all: false };

describe('StateCache (pure)', () => {
  it('keeps what a read found and answers from it until the TTL', () => {
    const cache = new StateCache({ maxEntries: 10, ttlMs: 1_000 });
    const read = state('sub_a');
    expect(cache.put('p d1', read, cache.begin(), 0)).toBe(true);
    expect(cache.get('p d1', 999)).toBe(read);
    expect(cache.get('p d1', 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('a change of a subject drops every device of that subject, and only those', () => {
    const cache = new StateCache({ maxEntries: 10, ttlMs: 60_000 });
    cache.put('p d1', state('sub_a'), cache.begin(), 0);
    cache.put('p d2', state('sub_a'), cache.begin(), 0);
    cache.put('p d3', state('sub_b'), cache.begin(), 0);
    cache.forget({ ...none, subjects: ['sub_a'] });
    expect(cache.get('p d1', 1)).toBeUndefined();
    expect(cache.get('p d2', 1)).toBeUndefined();
    expect(cache.get('p d3', 1)?.subjectId).toBe('sub_b');
  });

  it('a change of a device drops it, also when the device had no subject yet', () => {
    const cache = new StateCache({ maxEntries: 10, ttlMs: 60_000 });
    cache.put('p new', state(null), cache.begin(), 0);
    cache.forget({ ...none, devices: ['p new'] });
    expect(cache.get('p new', 1)).toBeUndefined();
  });

  it('a read in flight when its device or subject changed is not kept (it may predate the change)', () => {
    const cache = new StateCache({ maxEntries: 10, ttlMs: 60_000 });
    const bySubject = cache.begin();
    const byDevice = cache.begin();
    const byAll = cache.begin();
    cache.forget({ ...none, subjects: ['sub_a'] });
    cache.forget({ ...none, devices: ['p d2'] });
    expect(cache.put('p d1', state('sub_a'), bySubject, 0)).toBe(false);
    expect(cache.put('p d2', state('sub_b'), byDevice, 0)).toBe(false);
    // Another subject's read in flight at the time is kept.
    expect(cache.put('p d3', state('sub_c'), byAll, 0)).toBe(true);
    const late = cache.begin();
    cache.clear();
    expect(cache.put('p d4', state('sub_d'), late, 0)).toBe(false);
    // A read begun after the change is kept.
    expect(cache.put('p d1', state('sub_a'), cache.begin(), 0)).toBe(true);
    expect(cache.size).toBe(1);
  });

  it('remembers a change for the reads in flight even after thousands of later changes', () => {
    const cache = new StateCache({ maxEntries: 10, ttlMs: 60_000 });
    const inflight = cache.begin();
    cache.forget({ ...none, subjects: ['sub_a'] });
    for (let i = 0; i < 5_000; i++) {
      const r = cache.begin();
      cache.forget({ ...none, subjects: [`sub_${i}_x`] });
      cache.abandon(r);
    }
    expect(cache.put('p d1', state('sub_a'), inflight, 0)).toBe(false);
  });

  it('holds at most maxEntries devices, dropping the oldest first; 0 keeps nothing', () => {
    const cache = new StateCache({ maxEntries: 2, ttlMs: 60_000 });
    for (const d of ['d1', 'd2', 'd3']) cache.put(`p ${d}`, state(`sub_${d}`), cache.begin(), 0);
    expect(cache.size).toBe(2);
    expect(cache.get('p d1', 1)).toBeUndefined();
    expect(cache.get('p d3', 1)).toBeDefined();
    // The dropped entry left the subject index too: forgetting its subject touches nothing else.
    cache.forget({ ...none, subjects: ['sub_d1'] });
    expect(cache.size).toBe(2);
    // A smaller size set later (ASSENT_STATE_CACHE_SIZE) drops the oldest at once.
    cache.configure({ maxEntries: 1, ttlMs: 60_000 });
    expect(cache.size).toBe(1);
    expect(cache.get('p d3', 1)).toBeDefined();
    const off = new StateCache({ maxEntries: 0, ttlMs: 60_000 });
    expect(off.put('p d1', state('sub_a'), off.begin(), 0)).toBe(false);
  });
});

// What the widget shows for analytics on `app` for `device`.
async function analytics(app: TestApp['app'], t: TestApp, device: string) {
  const res = await app.request('/v1/experience?locale=en', { headers: t.widgetHeaders(device) });
  expect(res.status).toBe(200);
  const p = Experience.parse(await res.json()).purposes.find((x) => x.key === 'analytics');
  if (!p) throw new Error('no analytics purpose');
  return p;
}

describe.skipIf(!process.env.DATABASE_URL)('the state cache on Postgres', () => {
  let t: TestApp;
  // A second API process: its own pool, its own cache and its own notification connection.
  let other: Database;
  let otherApp: TestApp['app'];
  beforeAll(async () => {
    t = await createTestApp();
    other = await createDb({ url: t.database.url, migrate: false });
    otherApp = createApp({
      database: other,
      config: loadConfig({ NODE_ENV: 'test' }),
      clock: t.clock.now,
      mailer: { send: async () => {} },
      keyring: t.keyring,
    });
    // Both start listening on their first read.
    await analytics(t.app, t, t.newDevice());
    await analytics(otherApp, t, t.newDevice());
    expect(await eventually(async () => stateCacheStatus(other).inUse)).toBe(true);
    expect(await eventually(async () => stateCacheStatus(t.database).inUse)).toBe(true);
  });
  afterAll(async () => {
    await other.close();
    await t.dispose();
  });

  it('C9: a decision is served at once to the device that made it, though its state was cached', async () => {
    const device = t.newDevice();
    await t.recordDecision(device, 'analytics', 'granted');
    expect((await analytics(t.app, t, device)).state.status).toBe('granted');
    expect(stateCacheStatus(t.database).entries).toBeGreaterThan(0);
    await t.recordDecision(device, 'analytics', 'withdrawn');
    // No wait: the writer drops the entry in its own process before it answers.
    expect((await analytics(t.app, t, device)).state.status).toBe('withdrawn');
  });

  it('C9: a withdrawal made through one process reaches the other, which had the device cached', async () => {
    const device = t.newDevice();
    await t.recordDecision(device, 'analytics', 'granted');
    expect((await analytics(otherApp, t, device)).state.status).toBe('granted');
    expect((await analytics(otherApp, t, device)).state.status).toBe('granted'); // from its cache
    await t.recordDecision(device, 'analytics', 'withdrawn');
    expect(
      await eventually(
        async () => (await analytics(otherApp, t, device)).state.status === 'withdrawn',
      ),
    ).toBe(true);
  });

  it('while it cannot listen, a process reads the database, and it listens again', async () => {
    const device = t.newDevice();
    await t.recordDecision(device, 'analytics', 'granted');
    expect((await analytics(otherApp, t, device)).state.status).toBe('granted');
    // Cut both processes' notification connections (as a network failure would).
    const cut = await t.database.sql`
      select pg_terminate_backend(pid) from pg_stat_activity
      where application_name = 'assent-state' and datname = current_database()`;
    expect(cut.length).toBe(2);
    expect(
      await eventually(
        async () => !stateCacheStatus(other).inUse && !stateCacheStatus(t.database).inUse,
      ),
    ).toBe(true);
    await t.recordDecision(device, 'analytics', 'withdrawn');
    // Nobody could hear this change: the other process answers from the database.
    expect((await analytics(otherApp, t, device)).state.status).toBe('withdrawn');
    expect(
      await eventually(
        async () => stateCacheStatus(other).inUse && stateCacheStatus(t.database).inUse,
      ),
    ).toBe(true);
  });

  it('C13: a GPC opt-out recorded by one read is what the next reads serve, in both processes', async () => {
    const device = t.newDevice();
    const ads = async (app: TestApp['app'], gpc = false) => {
      const res = await app.request(`/v1/experience?locale=en${gpc ? '&gpc=1' : ''}`, {
        headers: t.widgetHeaders(device),
      });
      const exp = Experience.parse(await res.json());
      return exp.purposes.find((p) => p.key === 'personalized_ads')?.state.status;
    };
    // Both processes hold the device as never seen.
    expect(await ads(t.app)).toBe('unset');
    expect(await ads(otherApp)).toBe('unset');
    expect(await ads(t.app, true)).toBe('denied');
    expect(await ads(t.app)).toBe('denied');
    expect(await eventually(async () => (await ads(otherApp)) === 'denied')).toBe(true);
  });

  it('C9: a withdrawal in the portal is what the widget reads next, though the device was cached', async () => {
    const email = 'cached-portal@example.com';
    const device = await linkEmail(t, email);
    await t.recordDecision(device, 'analytics', 'granted');
    expect((await analytics(t.app, t, device)).state.status).toBe('granted');
    expect((await analytics(otherApp, t, device)).state.status).toBe('granted');
    const cookie = await signIn(t, email);
    const res = await portal(t, cookie, '/consents', {
      propertyId: t.propertyId,
      purpose: 'analytics',
      decision: 'withdrawn',
    });
    expect(res.status).toBe(201);
    expect((await analytics(t.app, t, device)).state.status).toBe('withdrawn');
    expect(
      await eventually(
        async () => (await analytics(otherApp, t, device)).state.status === 'withdrawn',
      ),
    ).toBe(true);
  });

  it('identify through one process merges the device into the user, in both processes', async () => {
    const identify = async (device: string, userId: string) =>
      expect((await t.identify(device, userId)).status).toBe(200);
    const laptop = t.newDevice();
    await t.recordDecision(laptop, 'analytics', 'granted');
    expect((await analytics(otherApp, t, laptop)).state.status).toBe('granted');
    expect((await analytics(t.app, t, laptop)).state.status).toBe('granted');
    // Later, the same person withdraws on their phone, signed in.
    t.clock.advanceDays(0.01);
    const phone = t.newDevice();
    await identify(phone, 'user-cache-1');
    await t.recordDecision(phone, 'analytics', 'withdrawn');
    // Signing in on the laptop merges it: the newer decision (the withdrawal) wins.
    await identify(laptop, 'user-cache-1');
    expect((await analytics(t.app, t, laptop)).state.status).toBe('withdrawn');
    expect(
      await eventually(
        async () => (await analytics(otherApp, t, laptop)).state.status === 'withdrawn',
      ),
    ).toBe(true);
  });
});
