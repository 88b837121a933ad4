// Registering data providers from the product's backend (secret key only).
import { CreatedDataProvider, DataProviderList, Problem } from '@assent/contract';
import { schema } from '@assent/db';
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
