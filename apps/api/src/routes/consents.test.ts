// The consent routes on the real app and a real database: happy paths and error paths.
import { Experience, Problem, RecordConsentsOutput } from '@assent/contract';
import { schema } from '@assent/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPropertyConfig } from '../domain/property-config.ts';
import { DEMO_PUBLISHABLE_KEY, demoPropertyConfig } from '../seed/demo-property.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../testing.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

async function experience(device: string, query = '', headers: Record<string, string> = {}) {
  const res = await t.app.request(`/v1/experience${query}`, {
    headers: t.widgetHeaders(device, headers),
  });
  expect(res.status).toBe(200);
  return Experience.parse(await res.json());
}

type Exp = Awaited<ReturnType<typeof experience>>;
function decision(exp: Exp, purpose: string, d: 'granted' | 'denied' | 'withdrawn') {
  const p = exp.purposes.find((x) => x.key === purpose);
  if (!p) throw new Error(`no purpose ${purpose}`);
  return { purpose, decision: d, noticeId: p.notice.id, noticeHash: p.notice.hash };
}

/** A preferences save in English: the widget's body for these decisions. */
function saved(decisions: unknown[]) {
  return { decisions, source: 'preferences', surface: 'preferences_save', locale: 'en' };
}

async function record(device: string, body: unknown, headers: Record<string, string> = {}) {
  return t.app.request('/v1/consents', {
    method: 'POST',
    headers: t.widgetHeaders(device, headers),
    body: JSON.stringify(body),
  });
}

const ordinary = ['analytics', 'marketing_email', 'personalized_ads'];

describe('GET /v1/experience', () => {
  it('C1: a new device starts with every non-necessary purpose unset and the banner due', async () => {
    const exp = await experience(t.newDevice());
    expect(exp.ask.banner).toBe(true);
    for (const p of exp.purposes) {
      if (p.necessary) expect(p.state).toMatchObject({ status: 'granted', effective: true });
      else expect(p.state).toMatchObject({ status: 'unset', effective: false });
    }
    expect(exp.ask.separatePending.sort()).toEqual(['face_login', 'share_with_partners']);
    expect(exp.purposes.map((p) => p.key)).toContain('essential');
  });

  it('serves notices in the requested locale with fallback xx-YY → xx → default', async () => {
    const zh = await experience(t.newDevice(), '?locale=zh-CN');
    expect(zh.property.locale).toBe('zh-CN');
    expect(zh.purposes.find((p) => p.key === 'analytics')?.notice.title).toBe('统计分析');
    // Data categories are named in the notice's language too (C7: the notice is understandable).
    expect(zh.purposes.find((p) => p.key === 'analytics')?.dataCategories[0]?.name).toBe(
      '使用事件',
    );
    const en = await experience(t.newDevice(), '?locale=en');
    expect(en.purposes.find((p) => p.key === 'analytics')?.dataCategories[0]?.name).toBe(
      'usage events',
    );
    const zhTw = await experience(t.newDevice(), '?locale=zh-TW');
    expect(zhTw.property.locale).toBe('zh-CN');
    const fr = await experience(t.newDevice(), '?locale=fr-FR');
    expect(fr.property.locale).toBe('en');
    expect(fr.purposes.find((p) => p.key === 'analytics')?.notice.title).toBe('Analytics');
  });

  it('treats an empty locale or gpc (`?locale=&gpc=`) as absent: the default locale, no GPC', async () => {
    const device = t.newDevice();
    const empty = await experience(device, '?locale=&gpc=');
    expect(empty.property.locale).toBe('en');
    expect(empty.gpc.honoured).toBe(false);
    expect(empty).toEqual(await experience(device));
    // The query form the widget sends, with the locale left empty.
    const q = new URLSearchParams({
      key: DEMO_PUBLISHABLE_KEY,
      device: t.newDevice(),
      locale: '',
    });
    const res = await t.app.request(`/v1/experience?${q}`, { headers: { origin: TEST_ORIGIN } });
    expect(res.status).toBe(200);
    expect(Experience.parse(await res.json()).property.locale).toBe('en');
    // A value that is there must still be a locale.
    const bad = await t.app.request('/v1/experience?locale=not a locale', {
      headers: t.widgetHeaders(t.newDevice()),
    });
    expect(bad.status).toBe(400);
    expect(Problem.parse(await bad.json()).errors?.[0]?.path).toBe('query.locale');
    const badGpc = await t.app.request('/v1/experience?gpc=yes', {
      headers: t.widgetHeaders(t.newDevice()),
    });
    expect(badGpc.status).toBe(400);
  });

  it('C5: a sensitive purpose is marked with its PIPL 28 kind; the others are not sensitive', async () => {
    const exp = await experience(t.newDevice());
    const face = exp.purposes.find((p) => p.key === 'face_login');
    expect(face).toMatchObject({ sensitive: true, separateConsent: 'sensitive' });
    expect(face?.sensitiveCategory).toBeTruthy();
    for (const p of exp.purposes.filter((x) => x.key !== 'face_login')) {
      expect(p.sensitive, p.key).toBe(false);
      expect(p.sensitiveCategory, p.key).toBeNull();
    }
  });

  it('C6: sensitive and third-party notices carry necessity and impact', async () => {
    const exp = await experience(t.newDevice());
    for (const key of ['face_login', 'share_with_partners']) {
      const n = exp.purposes.find((p) => p.key === key)?.notice;
      expect(n?.necessity).toBeTruthy();
      expect(n?.impact).toBeTruthy();
    }
  });
});

describe('POST /v1/consents', () => {
  it('C2/C9: reject all records one denial per purpose and nothing is asked again', async () => {
    const device = t.newDevice();
    const exp = await experience(device);
    const res = await record(device, {
      decisions: ordinary.map((k) => decision(exp, k, 'denied')),
      source: 'banner',
      surface: 'banner_reject_all',
      locale: 'en',
    });
    expect(res.status).toBe(201);
    const out = RecordConsentsOutput.parse(await res.json());
    expect(out.events).toHaveLength(3);
    for (const k of ordinary)
      expect(out.consents[k]).toMatchObject({ status: 'denied', effective: false });
    const again = await experience(device);
    expect(again.ask.banner).toBe(false);
    expect(again.ask.reconfirm).toEqual([]);
  });

  it('P1: each event keeps the evidence of the exact notice and circumstances', async () => {
    const device = t.newDevice();
    const exp = await experience(device, '?locale=zh-CN');
    const res = await record(device, {
      decisions: [decision(exp, 'analytics', 'granted')],
      source: 'preferences',
      surface: 'preferences_save',
      locale: 'zh-CN',
      gpc: false,
    });
    const out = RecordConsentsOutput.parse(await res.json());
    const id = out.events[0]?.id ?? '';
    const [evt] = await t.database.db
      .select()
      .from(schema.consentEvents)
      .where(eq(schema.consentEvents.id, id));
    const notice = exp.purposes.find((p) => p.key === 'analytics')?.notice;
    expect(evt).toMatchObject({
      decision: 'granted',
      source: 'preferences',
      surface: 'preferences_save',
      locale: 'zh-CN',
      jurisdiction: 'CN',
      noticeId: notice?.id,
      noticeHash: notice?.hash,
      gpc: false,
    });
    expect(evt?.noticeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(evt?.uaHash).toMatch(/^[0-9a-f]{64}$/);
    expect(evt?.collectedAt.toISOString()).toBe(new Date(t.clock.now()).toISOString());
  });

  it('C5: a grant of a separate-consent purpose from the banner is refused with 422', async () => {
    const device = t.newDevice();
    const exp = await experience(device);
    const res = await record(device, {
      decisions: [
        ...ordinary.map((k) => decision(exp, k, 'granted')),
        decision(exp, 'face_login', 'granted'),
      ],
      source: 'banner',
      surface: 'banner_accept_all',
      locale: 'en',
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = Problem.parse(await res.json());
    expect(body.code).toBe('separate_consent_required');
    // Nothing half-written: the ordinary grants in the refused batch were not recorded either.
    const after = await experience(device);
    expect(after.purposes.find((p) => p.key === 'analytics')?.state.status).toBe('unset');
  });

  it('C5: a separate-consent purpose is granted only alone, from its own dialog', async () => {
    const device = t.newDevice();
    const exp = await experience(device);
    const bundled = await record(device, {
      decisions: [
        decision(exp, 'face_login', 'granted'),
        decision(exp, 'share_with_partners', 'granted'),
      ],
      source: 'sensitive_dialog',
      surface: 'separate_dialog',
      locale: 'en',
    });
    expect(bundled.status).toBe(422);
    const alone = await record(device, {
      decisions: [decision(exp, 'face_login', 'granted')],
      source: 'sensitive_dialog',
      surface: 'separate_dialog',
      locale: 'en',
    });
    expect(alone.status).toBe(201);
    const out = RecordConsentsOutput.parse(await alone.json());
    expect(out.consents.face_login).toMatchObject({ status: 'granted', effective: true });
  });

  it('rejects a necessary purpose, an unknown purpose and a notice that was never published', async () => {
    const device = t.newDevice();
    const exp = await experience(device);
    const necessary = await record(device, saved([decision(exp, 'essential', 'denied')]));
    expect(necessary.status).toBe(422);
    expect(Problem.parse(await necessary.json()).code).toBe('necessary_purpose');
    const unknown = await record(
      device,
      saved([{ ...decision(exp, 'analytics', 'granted'), purpose: 'nope' }]),
    );
    expect(Problem.parse(await unknown.json()).code).toBe('unknown_purpose');
    const forged = await record(
      device,
      saved([{ ...decision(exp, 'analytics', 'granted'), noticeHash: 'a'.repeat(64) }]),
    );
    expect(forged.status).toBe(422);
    expect(Problem.parse(await forged.json()).code).toBe('notice_mismatch');
  });

  it('answers malformed input with 400 problem+json naming the field, never 500', async () => {
    const device = t.newDevice();
    const res = await record(device, {
      decisions: [],
      source: 'banner',
      surface: 'x',
      locale: 'en',
    });
    expect(res.status).toBe(400);
    const body = Problem.parse(await res.json());
    expect(body.code).toBe('invalid_request');
    expect(body.errors?.some((e) => e.path.includes('decisions'))).toBe(true);
    const garbage = await t.app.request('/v1/consents', {
      method: 'POST',
      headers: t.widgetHeaders(device),
      body: '{not json',
    });
    expect(garbage.status).toBe(400);
  });

  it('refuses unknown keys (a misspelt ageBand, a stray per-decision field) with 400 naming the key, writing nothing', async () => {
    const device = t.newDevice();
    const exp = await experience(device);
    const body = saved([decision(exp, 'analytics', 'granted')]);
    const eventCount = async () => (await t.database.db.select().from(schema.consentEvents)).length;
    const before = await eventCount();
    // `agBand` for `ageBand`: accepted as it was, the declared minor's guardian check would be skipped.
    const typo = await record(device, { ...body, agBand: 'under_14' });
    expect(typo.status).toBe(400);
    const typoProblem = Problem.parse(await typo.json());
    expect(typoProblem.code).toBe('invalid_request');
    expect(typoProblem.errors).toEqual([
      expect.objectContaining({
        path: 'json',
        code: 'unrecognized_keys',
        message: expect.stringContaining('agBand'),
      }),
    ]);
    const stray = await record(device, {
      ...body,
      decisions: [{ ...decision(exp, 'analytics', 'granted'), ageBand: 'under_14' }],
    });
    expect(stray.status).toBe(400);
    const strayProblem = Problem.parse(await stray.json());
    expect(strayProblem.code).toBe('invalid_request');
    expect(strayProblem.errors).toEqual([
      expect.objectContaining({
        path: 'json.decisions.0',
        code: 'unrecognized_keys',
        message: expect.stringContaining('ageBand'),
      }),
    ]);
    const foo = await record(device, { ...body, foo: 1 });
    expect(foo.status).toBe(400);
    expect(Problem.parse(await foo.json()).errors?.[0]?.message).toContain('foo');
    expect(await eventCount()).toBe(before);
    expect(
      (await experience(device)).purposes.find((p) => p.key === 'analytics')?.state.status,
    ).toBe('unset');
    // The same batch without the unknown keys is recorded.
    expect((await record(device, body)).status).toBe(201);
  });

  it('Idempotency-Key: a retried batch returns the first answer and writes nothing new', async () => {
    const device = t.newDevice();
    const exp = await experience(device);
    const body = saved([decision(exp, 'analytics', 'granted')]);
    const first = await record(device, body, { 'idempotency-key': 'retry-key-0001' });
    const second = await record(device, body, { 'idempotency-key': 'retry-key-0001' });
    expect(second.status).toBe(201);
    const a = RecordConsentsOutput.parse(await first.json());
    const b = RecordConsentsOutput.parse(await second.json());
    expect(b.events[0]?.id).toBe(a.events[0]?.id);
    const events = await t.database.db
      .select()
      .from(schema.consentEvents)
      .where(eq(schema.consentEvents.id, a.events[0]?.id ?? ''));
    expect(events).toHaveLength(1);
    const conflict = await record(
      device,
      { ...body, surface: 'other' },
      { 'idempotency-key': 'retry-key-0001' },
    );
    expect(conflict.status).toBe(409);
    expect(Problem.parse(await conflict.json()).code).toBe('idempotency_conflict');
  });
});

describe('the rules over time', () => {
  it('C10: a grant expires after reconfirmAfterDays and is asked again within the reminder window', async () => {
    const device = t.newDevice();
    const exp = await experience(device);
    await record(device, saved([decision(exp, 'analytics', 'granted')]));
    await record(
      device,
      saved(['marketing_email', 'personalized_ads'].map((k) => decision(exp, k, 'denied'))),
    );
    const start = t.clock.now();
    try {
      t.clock.advanceDays(300);
      expect((await experience(device)).ask.reconfirm).toEqual([]);
      t.clock.advanceDays(40); // 340 days: inside the 30-day reminder window of a 365-day term
      const due = await experience(device);
      expect(due.ask.reconfirm).toContain('analytics');
      expect(due.purposes.find((p) => p.key === 'analytics')?.state.effective).toBe(true);
      t.clock.advanceDays(30); // 370 days
      const over = await experience(device);
      expect(over.purposes.find((p) => p.key === 'analytics')?.state).toMatchObject({
        status: 'expired',
        effective: false,
      });
    } finally {
      t.clock.advanceDays(-(t.clock.now() - start) / 86_400_000);
    }
  });

  it('C11: a refusal is not re-asked inside its quiet period', async () => {
    const device = t.newDevice();
    const exp = await experience(device);
    await record(device, {
      decisions: ordinary.map((k) => decision(exp, k, 'denied')),
      source: 'banner',
      surface: 'banner_reject_all',
      locale: 'en',
    });
    const start = t.clock.now();
    try {
      t.clock.advanceDays(179);
      expect((await experience(device)).ask.banner).toBe(false);
      t.clock.advanceDays(2); // past 180 days for analytics/marketing (personalized_ads waits 365)
      expect((await experience(device)).ask.banner).toBe(true);
    } finally {
      t.clock.advanceDays(-(t.clock.now() - start) / 86_400_000);
    }
  });

  it('C8: a material notice change makes earlier grants stale until re-consented', async () => {
    const local = await createTestApp();
    try {
      const device = local.newDevice();
      const get = async () =>
        Experience.parse(
          await (
            await local.app.request('/v1/experience', { headers: local.widgetHeaders(device) })
          ).json(),
        );
      const exp = await get();
      const a = exp.purposes.find((p) => p.key === 'analytics');
      await local.app.request('/v1/consents', {
        method: 'POST',
        headers: local.widgetHeaders(device),
        body: JSON.stringify({
          decisions: [
            {
              purpose: 'analytics',
              decision: 'granted',
              noticeId: a?.notice.id,
              noticeHash: a?.notice.hash,
            },
          ],
          source: 'preferences',
          surface: 'preferences_save',
          locale: 'en',
        }),
      });
      const cfg = demoPropertyConfig([TEST_ORIGIN]);
      const analytics = cfg.purposes.find((p) => p.key === 'analytics');
      if (!analytics?.notices.en) throw new Error('fixture');
      analytics.notices.en.methods = 'A first-party script AND a new session-replay tool.';
      await local.app.request('/healthz');
      await applyPropertyConfig(local.database.db, cfg);
      const after = await get();
      const now = after.purposes.find((p) => p.key === 'analytics');
      expect(now?.notice.version).toBe(2);
      expect(now?.state).toMatchObject({ status: 'stale', effective: false });
      expect(after.ask.reconfirm).toContain('analytics');
      // Re-applying the same text is idempotent: no version 3.
      await applyPropertyConfig(local.database.db, cfg);
      expect((await get()).purposes.find((p) => p.key === 'analytics')?.notice.version).toBe(2);
    } finally {
      await local.dispose();
    }
  }, 120_000); // builds a second app and database inside the test

  it('C13: Sec-GPC opts out sale/share purposes with source=gpc, asking nothing; a later explicit grant stands', async () => {
    const device = t.newDevice();
    const exp = await experience(device, '', { 'sec-gpc': '1' });
    expect(exp.gpc).toEqual({ honoured: true, optedOut: ['personalized_ads'] });
    expect(exp.purposes.find((p) => p.key === 'personalized_ads')?.state.status).toBe('denied');
    expect(exp.purposes.find((p) => p.key === 'analytics')?.state.status).toBe('unset');
    const [evt] = await t.database.db
      .select()
      .from(schema.consentEvents)
      .where(eq(schema.consentEvents.source, 'gpc'));
    expect(evt).toMatchObject({ decision: 'denied', gpc: true, surface: 'gpc_signal' });
    // The person then explicitly grants it, with GPC still on: their choice wins.
    await record(
      device,
      {
        decisions: [decision(exp, 'personalized_ads', 'granted')],
        source: 'preferences',
        surface: 'preferences_save',
        locale: 'en',
        gpc: true,
      },
      { 'sec-gpc': '1' },
    );
    const later = await experience(device, '', { 'sec-gpc': '1' });
    expect(later.gpc.optedOut).toEqual([]);
    expect(later.purposes.find((p) => p.key === 'personalized_ads')?.state.status).toBe('granted');
  });

  it("C13: the widget's signal (?gpc=1, from navigator.globalPrivacyControl) is honoured like the header", async () => {
    const exp = await experience(t.newDevice(), '?gpc=1');
    expect(exp.gpc).toEqual({ honoured: true, optedOut: ['personalized_ads'] });
    expect(exp.purposes.find((p) => p.key === 'personalized_ads')?.state.status).toBe('denied');
  });

  it('C13: a grant made before GPC was turned on is overridden by the signal', async () => {
    const device = t.newDevice();
    const exp = await experience(device);
    await record(device, saved([decision(exp, 'personalized_ads', 'granted')]));
    const withGpc = await experience(device, '', { 'sec-gpc': '1' });
    expect(withGpc.gpc.optedOut).toEqual(['personalized_ads']);
    expect(withGpc.purposes.find((p) => p.key === 'personalized_ads')?.state.status).toBe('denied');
  });
});

describe('GET /v1/consents', () => {
  it('C9: withdrawal is one call and takes effect at once', async () => {
    const device = t.newDevice();
    const exp = await experience(device);
    await record(device, saved([decision(exp, 'analytics', 'granted')]));
    await record(device, {
      decisions: [decision(exp, 'analytics', 'withdrawn')],
      source: 'preferences',
      surface: 'reopen_preferences',
      locale: 'en',
    });
    const res = await t.app.request('/v1/consents', { headers: t.widgetHeaders(device) });
    const body = (await res.json()) as {
      consents: Record<string, { status: string; effective: boolean }>;
    };
    expect(body.consents.analytics).toMatchObject({ status: 'withdrawn', effective: false });
  });
});
