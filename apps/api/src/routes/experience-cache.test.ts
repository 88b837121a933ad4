// The per-process cache of purposes and notices is safe with N replicas: every instance sees a
// configuration change on its next request that reads the database (the version is read with
// the property), and the device-state cache (state-cache.ts, Postgres only) drops what it holds
// when a configuration change is announced: at once for a change made through Assent, and as
// soon as the database's notification arrives for one made behind it in plain SQL.
import { Experience } from '@assent/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { applyPropertyConfig } from '../domain/property-config.ts';
import { loadConfig } from '../env.ts';
import { demoPropertyConfig } from '../seed/demo-property.ts';
import { createTestApp, eventually, TEST_ORIGIN, type TestApp } from '../testing.ts';

let t: TestApp;
let replicas: ReturnType<typeof createApp>[];
beforeAll(async () => {
  t = await createTestApp();
  const deps = {
    database: t.database,
    config: loadConfig({ NODE_ENV: 'test' }),
    clock: t.clock.now,
    mailer: { send: async () => {} },
    keyring: t.keyring,
  };
  replicas = [createApp(deps), createApp(deps)];
});
afterAll(() => t.dispose());

async function analytics(app: (typeof replicas)[number], device: string) {
  const res = await app.request('/v1/experience?locale=en', { headers: t.widgetHeaders(device) });
  expect(res.status).toBe(200);
  const exp = Experience.parse(await res.json());
  const p = exp.purposes.find((x) => x.key === 'analytics');
  if (!p) throw new Error('no analytics purpose');
  return p;
}

describe('cached configuration', () => {
  it('a new notice version is served at once by every replica that had cached the old one', async () => {
    const device = t.newDevice();
    const before = await Promise.all(replicas.map((r) => analytics(r, device)));
    expect(before.map((p) => p.notice.version)).toEqual([1, 1]);
    const cfg = demoPropertyConfig([TEST_ORIGIN]);
    const purpose = cfg.purposes.find((p) => p.key === 'analytics');
    if (!purpose?.notices.en) throw new Error('fixture');
    purpose.notices.en.description = `${purpose.notices.en.description} Now also heat maps.`;
    await applyPropertyConfig(t.database.db, cfg);
    const after = await Promise.all(replicas.map((r) => analytics(r, device)));
    expect(after.map((p) => p.notice.version)).toEqual([2, 2]);
    expect(after[0]?.notice.description).toContain('heat maps');
  });

  it('a change made behind the API (plain SQL on purposes) is seen by every replica (on Postgres once the database announces it)', async () => {
    const device = t.newDevice();
    expect(
      (await analytics(replicas[0] as (typeof replicas)[number], device)).reconfirmAfterDays,
    ).not.toBe(7);
    await t.database.sql`
      update purposes set reconfirm_after_days = 7
      where key = 'analytics' and property_id = ${t.propertyId}`;
    for (const r of replicas)
      expect(
        await eventually(async () => (await analytics(r, device)).reconfirmAfterDays === 7, 2_000),
      ).toBe(true);
  });

  it('the answer parts serialized once per version and locale follow a rename and the locale asked for', async () => {
    const device = t.newDevice();
    const read = async (locale: string) =>
      Experience.parse(
        await (
          await (replicas[0] as (typeof replicas)[number]).request(
            `/v1/experience?locale=${locale}`,
            { headers: t.widgetHeaders(device) },
          )
        ).json(),
      );
    const en = await read('en');
    const zh = await read('zh-CN');
    expect(en.property.locale).toBe('en');
    expect(zh.property.locale).toBe('zh-CN');
    const enNotice = en.purposes.find((p) => p.key === 'analytics')?.notice;
    const zhNotice = zh.purposes.find((p) => p.key === 'analytics')?.notice;
    expect(enNotice?.locale).toBe('en');
    expect(zhNotice?.locale).toBe('zh-CN');
    expect(zhNotice?.hash).not.toBe(enNotice?.hash);
    await t.database.sql`update properties set name = 'Renamed shop' where id = ${t.propertyId}`;
    for (const locale of ['en', 'zh-CN'])
      expect(
        await eventually(async () => (await read(locale)).property.name === 'Renamed shop', 2_000),
      ).toBe(true);
  });

  it('a new allowed origin is honoured at once (the property row is never served from cache)', async () => {
    const other = 'https://second-shop.example';
    const headers = { ...t.widgetHeaders(t.newDevice()), origin: other };
    expect(
      (await (replicas[0] as (typeof replicas)[number]).request('/v1/consents', { headers }))
        .status,
    ).toBe(403);
    await t.database.sql`
      update properties set allowed_origins = array_append(allowed_origins, ${other})
      where id = ${t.propertyId}`;
    expect(
      (await (replicas[1] as (typeof replicas)[number]).request('/v1/consents', { headers }))
        .status,
    ).toBe(200);
  });
});
