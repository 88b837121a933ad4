// /v1/server/webhooks on the real app and database: happy, error and security cases.
import {
  CreatedWebhookEndpoint,
  Problem,
  WebhookDeliveryLog,
  WebhookEndpointList,
} from '@assent/contract';
import { newId, schema } from '@assent/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { applyPropertyConfig } from '../domain/property-config.ts';
import { checkWebhookUrl } from '../domain/webhook-url.ts';
import { createEndpoint } from '../domain/webhooks.ts';
import { depsOf, register, serverHeaders, unregisterAll } from '../domain/webhooks-test-kit.ts';
import { loadConfig } from '../env.ts';
import { secretKeyHash } from '../middleware/secret-key.ts';
import { DEMO_PUBLISHABLE_KEY, demoPropertyConfig } from '../seed/demo-property.ts';
import { createTestApp, type TestApp } from '../testing.ts';

let t: TestApp;
const OTHER_KEY = 'sk_other_shop_test_only_000000000000000002';
beforeAll(async () => {
  t = await createTestApp();
  const other = await applyPropertyConfig(t.database.db, {
    ...demoPropertyConfig([]),
    publishableKey: 'pk_other_shop',
  });
  await t.database.db.insert(schema.apiKeys).values({
    id: newId('key'),
    propertyId: other,
    keyHash: secretKeyHash(OTHER_KEY),
    prefix: OTHER_KEY.slice(0, 12),
    name: 'other',
  });
});
afterEach(() => unregisterAll(t));
afterAll(() => t.dispose());

const call = (path: string, init: RequestInit = {}) => t.app.request(path, init);

describe('POST/GET/DELETE /v1/server/webhooks (happy)', () => {
  it('registers an endpoint, shows its whsec_ secret once, lists it, deletes it', async () => {
    const created = await register(t, 'https://shop.example/hooks/assent');
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(created.secret.slice(6), 'base64')).toHaveLength(32);
    expect(created.topics).toEqual(['consent.changed', 'consent.expiring']);
    expect(created.id).toMatch(/^whe_/);

    const listed = WebhookEndpointList.parse(
      await (await call('/v1/server/webhooks', { headers: serverHeaders() })).json(),
    );
    expect(listed.data).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    const del = await call(`/v1/server/webhooks/${created.id}`, {
      method: 'DELETE',
      headers: serverHeaders(),
    });
    expect(del.status).toBe(204);
    const after = await (await call('/v1/server/webhooks', { headers: serverHeaders() })).json();
    expect(after).toEqual({ data: [] });
  });

  it('S4: the signing secret is stored encrypted; create and delete are audited without it', async () => {
    const created = await register(t, 'https://shop.example/hooks/a', ['consent.expiring']);
    const [row] = await t.database.db
      .select()
      .from(schema.webhookEndpoints)
      .where(eq(schema.webhookEndpoints.id, created.id));
    expect(row?.secret.startsWith('enc1:')).toBe(true);
    expect(row?.secret).not.toContain(created.secret.slice(6));
    await call(`/v1/server/webhooks/${created.id}`, { method: 'DELETE', headers: serverHeaders() });
    const audit = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.target, created.id));
    expect(audit.map((a) => a.action).sort()).toEqual(['webhook.create', 'webhook.delete']);
    expect(audit[0]?.actorType).toBe('api_key');
    expect(JSON.stringify(audit)).not.toContain(created.secret.slice(6));
  });

  it('reads an empty delivery log of a new endpoint', async () => {
    const created = await register(t, 'https://shop.example/hooks/b');
    const res = await call(`/v1/server/webhooks/${created.id}/deliveries?limit=5`, {
      headers: serverHeaders(),
    });
    expect(res.status).toBe(200);
    expect(WebhookDeliveryLog.parse(await res.json())).toEqual({ data: [], nextCursor: null });
  });
});

/** One attempt to write straight into a log: message number, attempt number, ISO time (µs). */
type Seed = { msg: number; attempt: number; at: string };

/**
 * Writes attempts straight into the log of `endpointId` (the dispatcher cannot write several
 * attempts at one instant, nor microseconds): one failed delivery per distinct `msg`.
 * @returns the message id of each `msg`
 */
async function seedAttempts(endpointId: string, seeds: Seed[]): Promise<Map<number, string>> {
  const { db } = t.database;
  const messages = new Map<number, string>();
  for (const msg of new Set(seeds.map((s) => s.msg))) {
    const id = newId('msg');
    messages.set(msg, id);
    await db.insert(schema.webhookDeliveries).values({
      id,
      endpointId,
      propertyId: t.propertyId,
      outboxId: newId('obx'),
      type: 'consent.changed',
      body: '',
      state: 'failed',
      attempts: seeds.filter((s) => s.msg === msg).length,
      createdAt: new Date('2026-03-01T00:00:00Z'),
    });
  }
  for (const s of seeds)
    await db.insert(schema.webhookAttempts).values({
      id: newId('wha'),
      deliveryId: messages.get(s.msg) ?? '',
      endpointId,
      attempt: s.attempt,
      attemptedAt: sql`${s.at}::timestamptz`,
      statusCode: 500,
      durationMs: 7,
      errorClass: 'http_5xx',
      nextAttemptAt: null,
    });
  return messages;
}

/** µs since the epoch of an ISO time with up to 6 fraction digits (Date keeps only ms). */
const micros = (iso: string) => {
  const [, frac = ''] = /\.(\d+)Z$/.exec(iso) ?? [];
  return Date.parse(iso.replace(/\.\d+Z$/, 'Z')) * 1000 + Number(frac.padEnd(6, '0'));
};

describe('GET /v1/server/webhooks/{id}/deliveries (keyset pages)', () => {
  // 13 attempts of 5 messages: three at one instant with the same attempt number (only the id
  // orders them), three at another with different numbers, two 333 µs apart (one millisecond).
  const SEEDS: Seed[] = [
    { msg: 0, attempt: 1, at: '2026-03-01T10:00:00.000000Z' },
    { msg: 1, attempt: 1, at: '2026-03-01T10:00:00.000000Z' },
    { msg: 2, attempt: 1, at: '2026-03-01T10:00:00.000000Z' },
    { msg: 0, attempt: 2, at: '2026-03-01T10:01:00.000000Z' },
    { msg: 1, attempt: 2, at: '2026-03-01T10:01:00.000000Z' },
    { msg: 3, attempt: 1, at: '2026-03-01T10:01:00.000000Z' },
    { msg: 2, attempt: 2, at: '2026-03-01T10:03:00.123456Z' },
    { msg: 4, attempt: 1, at: '2026-03-01T10:03:00.123789Z' },
    { msg: 0, attempt: 3, at: '2026-03-01T10:05:00.000000Z' },
    { msg: 1, attempt: 3, at: '2026-03-01T10:05:00.000000Z' },
    { msg: 3, attempt: 2, at: '2026-03-01T10:05:00.000000Z' },
    { msg: 4, attempt: 2, at: '2026-03-01T10:05:00.000000Z' },
    { msg: 2, attempt: 3, at: '2026-03-01T10:07:00.500000Z' },
  ];
  const logOf = async (endpointId: string, query: string) => {
    const res = await call(`/v1/server/webhooks/${endpointId}/deliveries?${query}`, {
      headers: serverHeaders(),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return WebhookDeliveryLog.parse(await res.json());
  };
  /** Every page of the log with `limit`, following nextCursor until it is null. */
  const allPages = async (endpointId: string, limit: number) => {
    const pages: WebhookDeliveryLogPage[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor
        ? `limit=${limit}&cursor=${encodeURIComponent(cursor)}`
        : `limit=${limit}`;
      const page = await logOf(endpointId, q);
      pages.push(page);
      cursor = page.nextCursor;
      expect(pages.length).toBeLessThanOrEqual(SEEDS.length);
    } while (cursor !== null);
    return pages;
  };
  type WebhookDeliveryLogPage = Awaited<ReturnType<typeof logOf>>;
  const key = (a: { messageId: string; attempt: number }) => `${a.messageId}#${a.attempt}`;

  it('pages newest first through more attempts than a page, each once, equal timestamps included; the last page says null', async () => {
    const endpoint = await register(t, 'https://shop.example/hooks/paged');
    const messages = await seedAttempts(endpoint.id, SEEDS);
    const microsOf = new Map(
      SEEDS.map((s) => [`${messages.get(s.msg)}#${s.attempt}`, micros(s.at)]),
    );

    const full = await logOf(endpoint.id, 'limit=200');
    expect(full.nextCursor).toBeNull();
    expect(full.data).toHaveLength(SEEDS.length);
    expect(new Set(full.data.map(key))).toEqual(new Set(microsOf.keys()));
    // newest first: time (to the µs) desc, then attempt number desc
    for (let i = 1; i < full.data.length; i++) {
      const [prev, cur] = [full.data[i - 1], full.data[i]];
      if (!prev || !cur) throw new Error('missing row');
      const [tp, tc] = [microsOf.get(key(prev)) ?? 0, microsOf.get(key(cur)) ?? 0];
      expect(tp > tc || (tp === tc && prev.attempt >= cur.attempt), `${i}`).toBe(true);
    }
    expect(full.data[0]).toMatchObject({ attempt: 3, attemptedAt: '2026-03-01T10:07:00.500Z' });
    // the default page is the newest 50 and says nothing is older
    expect(await logOf(endpoint.id, '')).toEqual(full);

    for (const limit of [1, 2, 4, 5]) {
      const pages = await allPages(endpoint.id, limit);
      expect(pages).toHaveLength(Math.ceil(SEEDS.length / limit));
      for (const [i, page] of pages.entries()) {
        const last = i === pages.length - 1;
        expect(page.data.length, `limit ${limit} page ${i}`).toBe(
          last ? SEEDS.length - limit * i : limit,
        );
        if (last) expect(page.nextCursor).toBeNull();
        else expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
      }
      const union = pages.flatMap((p) => p.data);
      expect(new Set(union.map(key)).size, `limit ${limit}`).toBe(union.length);
      expect(union, `limit ${limit}`).toEqual(full.data);
    }
  });

  it("a cursor only positions: on another endpoint's log it shows that endpoint's older attempts, nothing of its own", async () => {
    const a = await register(t, 'https://shop.example/hooks/a');
    const b = await register(t, 'https://shop.example/hooks/b');
    await seedAttempts(a.id, SEEDS);
    const bMessages = await seedAttempts(b.id, [
      { msg: 0, attempt: 1, at: '2026-03-01T09:00:00.000000Z' },
      { msg: 1, attempt: 1, at: '2026-03-01T10:02:00.000000Z' },
      { msg: 2, attempt: 1, at: '2026-03-01T10:06:00.000000Z' },
    ]);
    // A's first page of 4 ends inside the 10:05 group
    const first = await logOf(a.id, 'limit=4');
    expect(first.data.at(-1)?.attemptedAt).toBe('2026-03-01T10:05:00.000Z');
    const cursor = first.nextCursor ?? '';
    const onB = await logOf(b.id, `limit=4&cursor=${encodeURIComponent(cursor)}`);
    expect(onB.data.map((x) => x.messageId)).toEqual([bMessages.get(1), bMessages.get(0)]);
    expect(onB.nextCursor).toBeNull();
  });

  it('a malformed or forged cursor is 400 invalid_request problem+json, never a 500', async () => {
    const endpoint = await register(t, 'https://shop.example/hooks/bad-cursor');
    await seedAttempts(endpoint.id, SEEDS.slice(0, 3));
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const bad = [
      'garbage!',
      'not-json',
      'x'.repeat(300),
      `${b64(['1767323045123456', 1, 'wha_x'])}=`,
      b64({ atUs: '1767323045123456', attempt: 1, id: 'wha_x' }),
      b64(['1767323045123456', 1]),
      b64([1767323045123456, 1, 'wha_x']),
      b64(['-1', 1, 'wha_x']),
      b64(['253402300800000000', 1, 'wha_x']),
      b64(['99999999999999999999', 1, 'wha_x']),
      b64(['1767323045123456', 0, 'wha_x']),
      b64(['1767323045123456', 2_147_483_648, 'wha_x']),
      b64(['1767323045123456', 1.5, 'wha_x']),
      b64(['1767323045123456', 1, 'wha_\u0000']),
      b64(['1767323045123456', 1, "wha_x' or 1=1 --"]),
      b64(['1767323045123456', 1, '']),
    ];
    for (const cursor of bad) {
      const res = await call(
        `/v1/server/webhooks/${endpoint.id}/deliveries?limit=2&cursor=${encodeURIComponent(cursor)}`,
        { headers: serverHeaders() },
      );
      expect(res.status, cursor).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const body = Problem.parse(await res.json());
      expect(body.code, cursor).toBe('invalid_request');
      expect(body.errors?.[0]?.path, cursor).toBe('query.cursor');
    }
    // a well-formed cursor still works after all that
    const ok = await call(
      `/v1/server/webhooks/${endpoint.id}/deliveries?limit=2&cursor=${b64(['1767323045123456', 1, 'wha_x'])}`,
      { headers: serverHeaders() },
    );
    expect(ok.status).toBe(200);
  });
});

describe('/v1/server/webhooks (errors)', () => {
  const post = (body: unknown) =>
    call('/v1/server/webhooks', {
      method: 'POST',
      headers: serverHeaders(),
      body: JSON.stringify(body),
    });

  it('refuses a malformed URL or topic with 400 and a non-http URL with 422', async () => {
    for (const body of [{ url: 'not a url' }, { url: 'https://a.example', topics: ['nope'] }]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(Problem.parse(await res.json()).code).toBe('invalid_request');
    }
    const ftp = await post({ url: 'ftp://files.example/x' });
    expect(ftp.status).toBe(422);
    expect((await ftp.json()).code).toBe('webhook_url_not_allowed');
    const creds = await post({ url: 'https://user:pw@shop.example/x' });
    expect((await creds.json()).code).toBe('webhook_url_not_allowed');
  });

  it('S4: in production only https to public hosts (no requests into private networks)', async () => {
    const bad = [
      'http://shop.example/h',
      'https://localhost/h',
      'https://127.0.0.1/h',
      'https://10.1.2.3/h',
      'https://192.168.0.10/h',
      'https://169.254.169.254/latest',
      'https://[::1]/h',
      'https://[fd00::1]/h',
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:a9fe:a9fe]/',
    ];
    const noDns = async () => [{ address: '93.184.215.14', family: 4 }];
    for (const url of bad)
      await expect(checkWebhookUrl(url, true, noDns), url).rejects.toMatchObject({
        code: 'webhook_url_not_allowed',
      });
    await expect(
      checkWebhookUrl('https://hooks.shop.example/assent', true, noDns),
    ).resolves.toBeUndefined();
    await expect(checkWebhookUrl('http://127.0.0.1:8080/h', false)).resolves.toBeUndefined();
  });

  it('S4: production registration answers 422 problem+json for IPv4-mapped literals, and resolves names first', async () => {
    const config = { ...loadConfig({ NODE_ENV: 'test' }), production: true };
    const deps = { ...depsOf(t), config };
    const prod = createApp(deps, () => {});
    for (const url of ['https://[::ffff:127.0.0.1]/', 'https://[::ffff:a9fe:a9fe]/']) {
      const res = await prod.request('https://consent.example/v1/server/webhooks', {
        method: 'POST',
        headers: serverHeaders(),
        body: JSON.stringify({ url }),
      });
      expect(res.status, url).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(Problem.parse(await res.json()).code).toBe('webhook_url_not_allowed');
    }
    const nip = async (host: string) =>
      host === '169.254.169.254.nip.io' ? [{ address: '169.254.169.254', family: 4 }] : [];
    const actor = { type: 'api_key' as const, id: 'test' };
    await expect(
      createEndpoint(deps, t.propertyId, { url: 'https://169.254.169.254.nip.io/' }, actor, nip),
    ).rejects.toMatchObject({ code: 'webhook_url_not_allowed' });
    const listed = await (await call('/v1/server/webhooks', { headers: serverHeaders() })).json();
    expect(listed).toEqual({ data: [] });
  });

  it('caps endpoints per property at 20 (422 webhook_limit_reached)', async () => {
    for (let i = 0; i < 20; i++) await register(t, `https://shop.example/h/${i}`);
    const res = await post({ url: 'https://shop.example/h/21' });
    expect(res.status).toBe(422);
    expect((await res.json()).code).toBe('webhook_limit_reached');
  });

  it('answers 404 problem+json for an unknown endpoint id', async () => {
    const del = await call('/v1/server/webhooks/whe_nope', {
      method: 'DELETE',
      headers: serverHeaders(),
    });
    expect(del.status).toBe(404);
    expect(Problem.parse(await del.json()).code).toBe('not_found');
    const log = await call('/v1/server/webhooks/whe_nope/deliveries', { headers: serverHeaders() });
    expect(log.status).toBe(404);
  });
});

describe('/v1/server/webhooks (security)', () => {
  it('requires a secret key: none, a publishable key or an unknown key get 401', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { 'x-assent-key': DEMO_PUBLISHABLE_KEY, origin: 'https://shop.example' },
      { authorization: `Bearer ${DEMO_PUBLISHABLE_KEY}` },
      { authorization: 'Bearer sk_unknown_key_000000000000000000000000' },
    ];
    for (const headers of attempts) {
      const res = await call('/v1/server/webhooks', { headers });
      expect(res.status).toBe(401);
      expect((await res.json()).code).toBe('unauthorized');
    }
  });

  it("another property's key cannot see, delete or read the log of this property's endpoint", async () => {
    const mine = await register(t, 'https://shop.example/hooks/mine');
    const other = serverHeaders(OTHER_KEY);
    const list = await (await call('/v1/server/webhooks', { headers: other })).json();
    expect(list).toEqual({ data: [] });
    const del = await call(`/v1/server/webhooks/${mine.id}`, { method: 'DELETE', headers: other });
    expect(del.status).toBe(404);
    const log = await call(`/v1/server/webhooks/${mine.id}/deliveries`, { headers: other });
    expect(log.status).toBe(404);
    const still = await (await call('/v1/server/webhooks', { headers: serverHeaders() })).json();
    expect(still.data.map((e: { id: string }) => e.id)).toEqual([mine.id]);
    // the secret is never readable again, by anyone
    expect(JSON.stringify(still)).not.toContain('whsec_');
    CreatedWebhookEndpoint.omit({ secret: true }).parse(still.data[0]);
  });
});

describe('/openapi.json', () => {
  it('documents the webhook routes with their errors and both events as OpenAPI webhooks', async () => {
    const doc = await (await call('/openapi.json')).json();
    const create = doc.paths['/v1/server/webhooks'].post;
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '422', '500']);
    expect(create.security).toEqual([{ secretKey: [] }]);
    const log = doc.paths['/v1/server/webhooks/{id}/deliveries'].get;
    expect(log.responses['404']).toBeDefined();
    expect(log.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:id',
      'query:limit',
      'query:cursor',
    ]);
    expect(log.description).toContain('nextCursor');
    expect(doc.components.schemas.WebhookDeliveryLog.required).toEqual(['data', 'nextCursor']);
    expect(Object.keys(doc.webhooks).sort()).toEqual(['consent.changed', 'consent.expiring']);
    const headers = doc.webhooks['consent.changed'].post.parameters.map(
      (p: { name: string }) => p.name,
    );
    expect(headers).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
  });
});
