// Registering data providers from the product's backend (secret key only).
import { CreatedDataProvider, DataProviderList, Problem } from '@assent/contract';
import { schema } from '@assent/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { depsOf } from '../domain/webhooks-test-kit.ts';
import { loadConfig } from '../env.ts';
import { DEMO_SECRET_KEY } from '../seed/demo-property.ts';
import { createTestApp, type TestApp } from '../testing.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

const auth = { authorization: `Bearer ${DEMO_SECRET_KEY}`, 'content-type': 'application/json' };

describe('data providers', () => {
  it('R4: the backend registers a provider and gets its secret once; lists never show it', async () => {
    const res = await t.app.request('/v1/server/data-providers', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'orders',
        url: 'https://orders.example/assent',
        handles: ['access', 'erasure'],
      }),
    });
    expect(res.status).toBe(201);
    const made = CreatedDataProvider.parse(await res.json());
    expect(made.secret).toMatch(/^whsec_/);
    const list = DataProviderList.parse(
      await (await t.app.request('/v1/server/data-providers', { headers: auth })).json(),
    );
    expect(list.providers.map((p) => p.id)).toContain(made.id);
    expect(JSON.stringify(list)).not.toContain('whsec_');
    const [row] = await t.database.db.select().from(schema.dataProviders);
    expect(row?.secret).not.toBe(made.secret);
  });

  it('R4: removing a provider releases the requests waiting on it, keeps its history, and is audited', async () => {
    const made = CreatedDataProvider.parse(
      await (
        await t.app.request('/v1/server/data-providers', {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ name: 'old', url: 'https://old.example/a', handles: ['access'] }),
        })
      ).json(),
    );
    // A request of some subject waiting on that provider.
    const now = new Date(t.clock.now());
    await t.database.db.insert(schema.privacyRequests).values({
      id: 'req_waiting_on_old',
      subjectId: 'sub_waiting',
      propertyId: t.propertyId,
      type: 'access',
      status: 'in_progress',
      jurisdiction: 'CN',
      receivedAt: now,
      dueAt: now,
    });
    await t.database.db.insert(schema.providerCalls).values({
      id: 'call_waiting_on_old',
      requestId: 'req_waiting_on_old',
      providerId: made.id,
      subjectId: 'sub_waiting',
      payload: { type: 'access' },
      status: 'pending',
      nextAttemptAt: now,
    });
    const res = await t.app.request(`/v1/server/data-providers/${made.id}`, {
      method: 'DELETE',
      headers: auth,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: made.id, releasedCalls: 1 });
    const [call] = await t.database.db
      .select()
      .from(schema.providerCalls)
      .where(eq(schema.providerCalls.id, 'call_waiting_on_old'));
    expect(call).toMatchObject({ status: 'failed', payload: null });
    const list = DataProviderList.parse(
      await (await t.app.request('/v1/server/data-providers', { headers: auth })).json(),
    );
    expect(list.providers.map((p) => p.id)).not.toContain(made.id);
    const [row] = await t.database.db
      .select()
      .from(schema.dataProviders)
      .where(eq(schema.dataProviders.id, made.id));
    expect(row?.disabledAt).not.toBeNull(); // kept as evidence
    const audits = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'provider.disable'));
    expect(audits.map((a) => a.target)).toContain(made.id);
    const again = await t.app.request(`/v1/server/data-providers/${made.id}`, {
      method: 'DELETE',
      headers: auth,
    });
    expect(again.status).toBe(404);
    expect(Problem.parse(await again.json()).code).toBe('not_found');
  });

  it('security: no secret key, no registration; the widget key is not enough', async () => {
    const body = JSON.stringify({ name: 'x', url: 'https://x.example', handles: ['access'] });
    expect(
      (
        await t.app.request('/v1/server/data-providers', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
      ).status,
    ).toBe(401);
    const widget = await t.app.request('/v1/server/data-providers', {
      method: 'POST',
      headers: { ...t.widgetHeaders(t.newDevice()), authorization: 'Bearer pk_demo_shop' },
      body,
    });
    expect(widget.status).toBe(401);
  });

  it('S4: in production a provider URL into a private network is refused with 422 problem+json', async () => {
    const config = { ...loadConfig({ NODE_ENV: 'test' }), production: true };
    const prod = createApp({ ...depsOf(t), config }, () => {});
    for (const url of [
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:a9fe:a9fe]/',
      'https://10.0.0.8/assent',
      'http://orders.example/assent',
    ]) {
      const res = await prod.request('https://consent.example/v1/server/data-providers', {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ name: 'internal', url, handles: ['access'] }),
      });
      expect(res.status, url).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(Problem.parse(await res.json()).code).toBe('webhook_url_not_allowed');
    }
    const rows = await t.database.db.select().from(schema.dataProviders);
    expect(rows.map((r) => r.name)).not.toContain('internal');
  });
});
