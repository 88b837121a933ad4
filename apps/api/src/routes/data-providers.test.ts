// Registering data providers from the product's backend (secret key only).
import { CreatedDataProvider, DataProviderList } from '@assent/contract';
import { schema } from '@assent/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
