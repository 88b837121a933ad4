// Rate limits over real HTTP (the limiter keys on the client address, which only a real socket
// has): two API instances on one database share the counters, as N replicas would.
import type { AddressInfo } from 'node:net';
import { Problem } from '@assent/contract';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../env.ts';
import { devMailer } from '../mailer.ts';
import { createTestApp, type TestApp } from '../testing.ts';
import { hitRateLimit, LOCAL_MIN_LIMIT, RateLimiter, sweepRateLimits } from './rate-limit-store.ts';

const WINDOW_MS = 60_000;
let t: TestApp;
let now = Date.parse('2026-03-01T10:00:00Z');
const servers: ReturnType<typeof serve>[] = [];
const urls: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const config = loadConfig({
    NODE_ENV: 'test',
    ASSENT_PUBLIC_URL: 'http://localhost:4000',
    ASSENT_RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_MS / 1000),
    ASSENT_RATE_LIMIT_READS: '6',
    ASSENT_RATE_LIMIT_WRITES: '3',
    ASSENT_RATE_LIMIT_SIGN_IN: '4',
  });
  for (let i = 0; i < 2; i++) {
    // Two processes' worth of app: separate instances, one database.
    const app = createApp({
      database: t.database,
      config,
      clock: () => now,
      mailer: devMailer(t.database, () => {}),
      keyring: t.keyring,
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    servers.push(server);
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await t.dispose();
});

/** Alternates between the two instances. */
let turn = 0;
function call(path: string, init: RequestInit = {}) {
  const base = urls[turn++ % urls.length];
  return fetch(`${base}${path}`, init);
}

const read = (device: string) =>
  call('/v1/experience', { headers: t.widgetHeaders(device) }).then(async (r) => {
    await r.arrayBuffer();
    return r;
  });

describe('rate limits on the public endpoints', () => {
  it('two API instances on one database share the read limit; over it: 429 rate_limited with Retry-After', async () => {
    now += 10 * WINDOW_MS;
    const device = t.newDevice();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await read(device)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    const over = await call('/v1/experience', { headers: t.widgetHeaders(t.newDevice()) });
    expect(over.status).toBe(429);
    expect(over.headers.get('content-type')).toBe('application/problem+json');
    const body = Problem.parse(await over.json());
    expect(body.code).toBe('rate_limited');
    const retry = Number(over.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(2 * (WINDOW_MS / 1000));
    // The widget can read the refusal: the CORS grant is still on it.
    expect(over.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    // …and its script may read Retry-After.
    expect(over.headers.get('access-control-expose-headers')).toContain('Retry-After');
    // Waiting as told lets the next request through (on either instance).
    now += retry * 1000;
    expect((await read(device)).status).toBe(200);
  });

  it('writes are limited per device: one busy device does not block another', async () => {
    now += 10 * WINDOW_MS;
    const busy = t.newDevice();
    const calm = t.newDevice();
    const post = (device: string) =>
      call('/v1/consents', { method: 'POST', headers: t.widgetHeaders(device), body: '{}' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(busy)).status);
    // Under the limit the (invalid) body reaches validation (400); the 4th is refused first.
    expect(statuses).toEqual([400, 400, 400, 429]);
    expect((await post(calm)).status).toBe(400);
  });

  it('portal sign-in is limited per network, across instances', async () => {
    now += 10 * WINDOW_MS;
    const start = () =>
      call('/portal/api/sign-in/verify', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-requested-with': 'assent-portal' },
        body: JSON.stringify({ email: 'someone@example.com', code: '000000' }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await start()).status);
    expect(statuses.slice(0, 4)).not.toContain(429);
    expect(statuses[4]).toBe(429);
  });

  it('without a client address (in-process app.request) nothing is counted', async () => {
    now += 10 * WINDOW_MS;
    for (let i = 0; i < 8; i++) {
      const res = await t.app.request('/v1/experience', {
        headers: t.widgetHeaders('x'.repeat(30)),
      });
      expect(res.status).toBe(200);
    }
  });
});

describe('the sliding-window counter', () => {
  const W = 1000;
  const hit = (key: string, at: number, limit = 4) =>
    hitRateLimit(t.database.sql, { key, limit, windowMs: W, now: at });

  it('weights the previous window by its overlap and says how long to wait', async () => {
    const key = `k_${crypto.randomUUID()}`;
    for (let i = 0; i < 4; i++) expect((await hit(key, 10_000 + i)).allowed).toBe(true);
    const refused = await hit(key, 10_500);
    expect(refused).toMatchObject({ allowed: false, count: 5 });
    // Next window, 25% in: 5 * 0.75 + 1 = 4.75 > 4.
    expect((await hit(key, 11_250)).allowed).toBe(false);
    // 80% in: previous 5 * 0.2 + current (2 + 1) = 4 ≤ 4.
    expect((await hit(key, 11_800)).allowed).toBe(true);
    // Two windows later nothing weighs.
    expect((await hit(key, 13_100)).count).toBe(1);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(2 * W);
  });

  it('concurrent hits from many connections are all counted (one atomic upsert each)', async () => {
    const key = `k_${crypto.randomUUID()}`;
    const verdicts = await Promise.all(Array.from({ length: 20 }, () => hit(key, 50_000, 10)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(10);
    expect(Math.max(...verdicts.map((v) => v.count))).toBe(20);
  });

  it('the sweep deletes only counters idle for two windows', async () => {
    const old = `k_${crypto.randomUUID()}`;
    const fresh = `k_${crypto.randomUUID()}`;
    await hit(old, 100_000);
    await hit(fresh, 102_500);
    await sweepRateLimits(t.database.sql, 102_500, W);
    const rows = await t.database.sql<{ key: string }[]>`
      select key from rate_limits where key in (${old}, ${fresh})`;
    expect(rows.map((r) => r.key)).toEqual([fresh]);
  });

  it('a large limit is counted in process far below it and written in one flush', async () => {
    const limiter = new RateLimiter(t.database.sql);
    const key = `k_${crypto.randomUUID()}`;
    const limit = 10 * LOCAL_MIN_LIMIT;
    for (let i = 0; i < 50; i++) {
      expect((await limiter.hit({ key, limit, windowMs: W, now: 200_000 + i })).allowed).toBe(true);
    }
    const stored = () =>
      t.database.sql<{ hits: number }[]>`select hits from rate_limits where key = ${key}`;
    // Nothing was written per hit…
    expect(await stored()).toEqual([]);
    // …and one flush writes them all.
    await limiter.flush();
    expect(await stored()).toEqual([{ hits: 50 }]);
  });

  it('two processes share a large limit: refused at the limit (at most one over without a flush between them)', async () => {
    const a = new RateLimiter(t.database.sql);
    const b = new RateLimiter(t.database.sql);
    const key = `k_${crypto.randomUUID()}`;
    const limit = LOCAL_MIN_LIMIT;
    const allowed: boolean[] = [];
    for (let i = 0; i < 2 * limit; i++) {
      const limiter = i % 2 === 0 ? a : b;
      allowed.push((await limiter.hit({ key, limit, windowMs: 60_000, now: 300_000 })).allowed);
    }
    const first = allowed.indexOf(false);
    expect(first).toBeGreaterThanOrEqual(limit);
    expect(first).toBeLessThanOrEqual(limit + 1);
    // Once refused, refused on both.
    expect(allowed.slice(first + 1)).not.toContain(true);
  });
});
