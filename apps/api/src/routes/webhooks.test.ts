// /v1/server/webhooks on the real app and database: happy, error and security cases.
import {
  CreatedWebhookEndpoint,
  Problem,
  WebhookDeliveryLog,
  WebhookEndpointList,
} from '@assent/contract';
import { newId, schema } from '@assent/db';
import { eq } from 'drizzle-orm';
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
    expect(WebhookDeliveryLog.parse(await res.json())).toEqual({ data: [] });
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
    expect(doc.paths['/v1/server/webhooks/{id}/deliveries'].get.responses['404']).toBeDefined();
    expect(Object.keys(doc.webhooks).sort()).toEqual(['consent.changed', 'consent.expiring']);
    const headers = doc.webhooks['consent.changed'].post.parameters.map(
      (p: { name: string }) => p.name,
    );
    expect(headers).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
  });
});
