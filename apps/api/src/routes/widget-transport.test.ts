// How the widget reaches the API: key and device as query parameters (a CORS simple request,
// no preflight), and the device cookie the API sets itself (ASSENT_DEVICE_COOKIE; the widget's
// `serverCookie: true`). Real app, real database.
import { Experience, Problem } from '@assent/contract';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDENTITY_SECRET, DEMO_PUBLISHABLE_KEY } from '../seed/demo-property.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../testing.ts';

let plain: TestApp;
let cookie: TestApp;
beforeAll(async () => {
  plain = await createTestApp();
  cookie = await createTestApp({
    ASSENT_DEVICE_COOKIE: 'true',
    ASSENT_COOKIE_DOMAIN: 'shop.example',
    ASSENT_PUBLIC_URL: 'https://consent.shop.example',
  });
});
afterAll(async () => {
  await plain?.dispose();
  await cookie?.dispose();
});

const query = (device: string, extra = '') =>
  `/v1/experience?key=${DEMO_PUBLISHABLE_KEY}&device=${device}&locale=en${extra}`;

/** Records one analytics grant for `device` through headers, as the widget's POST does. */
async function grantAnalytics(t: TestApp, device: string, headers: Record<string, string> = {}) {
  const exp = Experience.parse(
    await (await t.app.request(query(device), { headers: { origin: TEST_ORIGIN } })).json(),
  );
  const p = exp.purposes.find((x) => x.key === 'analytics');
  if (!p) throw new Error('no analytics');
  return t.app.request('/v1/consents', {
    method: 'POST',
    headers: t.widgetHeaders(device, headers),
    body: JSON.stringify({
      decisions: [
        {
          purpose: 'analytics',
          decision: 'granted',
          noticeId: p.notice.id,
          noticeHash: p.notice.hash,
        },
      ],
      source: 'preferences',
      surface: 'preferences_save',
      locale: 'en',
    }),
  });
}

describe('GET /v1/experience with query parameters', () => {
  it('answers key + device in the query like the headers: same subject, CORS for the origin', async () => {
    const device = plain.newDevice();
    expect((await grantAnalytics(plain, device)).status).toBe(201);
    const res = await plain.app.request(query(device), { headers: { origin: TEST_ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(TEST_ORIGIN);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('set-cookie')).toBeNull();
    // The device id may be in the URL: no cache keeps the answer.
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const exp = Experience.parse(await res.json());
    expect(exp.purposes.find((p) => p.key === 'analytics')?.state.status).toBe('granted');
    // The headers still work and win over the query.
    const other = plain.newDevice();
    const viaHeaders = await plain.app.request(query(other), {
      headers: plain.widgetHeaders(device),
    });
    const byHeader = Experience.parse(await viaHeaders.json());
    expect(byHeader.purposes.find((p) => p.key === 'analytics')?.state.status).toBe('granted');
  });

  it('C13: ?gpc=1 in the query form opts out as Sec-GPC does', async () => {
    const res = await plain.app.request(query(plain.newDevice(), '&gpc=1'), {
      headers: { origin: TEST_ORIGIN },
    });
    const exp = Experience.parse(await res.json());
    expect(exp.gpc.honoured).toBe(true);
    expect(exp.purposes.find((p) => p.key === 'personalized_ads')?.state.status).toBe('denied');
  });

  it('a malformed device in the query → 400 problem+json; an unknown key → 401', async () => {
    const bad = await plain.app.request(`/v1/experience?key=${DEMO_PUBLISHABLE_KEY}&device=x`, {
      headers: { origin: TEST_ORIGIN },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(Problem.parse(await bad.json()).code).toBe('invalid_request');
    const unknown = await plain.app.request(
      `/v1/experience?key=pk_nope_123&device=${'a'.repeat(24)}`,
    );
    expect(unknown.status).toBe(401);
  });

  it('security: an origin off the allow-list gets 403 and no CORS grant in the query form too', async () => {
    const res = await plain.app.request(query(plain.newDevice()), {
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('documents both forms in the OpenAPI description', async () => {
    const doc = (await (await plain.app.request('/openapi.json')).json()) as {
      paths: Record<string, { get?: { description?: string; parameters?: { name: string }[] } }>;
    };
    const op = doc.paths['/v1/experience']?.get;
    expect(op?.description).toContain('?key=pk_');
    expect(op?.description).toContain('preflight');
    expect(op?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['key', 'device', 'locale', 'gpc']),
    );
  });
});

describe('CORS on every widget answer', () => {
  const cors = (res: Response) => ({
    status: res.status,
    origin: res.headers.get('access-control-allow-origin'),
    vary: res.headers.get('vary'),
  });

  it('refusals that reveal nothing about a property are readable by the page: unknown key, no key, body too large, wrong method', async () => {
    const headers = { origin: TEST_ORIGIN };
    const unknownKey = await plain.app.request(
      `/v1/experience?key=pk_nope&device=${plain.newDevice()}`,
      { headers },
    );
    const noKey = await plain.app.request('/v1/consents', {
      headers: { ...headers, 'x-assent-device': plain.newDevice() },
    });
    const huge = 'x'.repeat(70_000);
    const tooLarge = await plain.app.request('/v1/consents', {
      method: 'POST',
      headers: { ...plain.widgetHeaders(plain.newDevice()), 'content-length': String(huge.length) },
      body: huge,
    });
    const wrongMethod = await plain.app.request('/v1/experience', {
      method: 'PUT',
      headers: plain.widgetHeaders(plain.newDevice()),
    });
    expect([unknownKey, noKey, tooLarge, wrongMethod].map(cors)).toEqual([
      { status: 401, origin: TEST_ORIGIN, vary: 'Origin' },
      { status: 401, origin: TEST_ORIGIN, vary: 'Origin' },
      { status: 413, origin: TEST_ORIGIN, vary: 'Origin' },
      { status: 405, origin: TEST_ORIGIN, vary: 'Origin' },
    ]);
    // Nothing but the problem is in them.
    expect(await unknownKey.json()).toMatchObject({ code: 'unauthorized' });
  });

  it('an origin the property does not allow gets no grant on its refusal; every answer varies on Origin', async () => {
    const evil = await plain.app.request(query(plain.newDevice()), {
      headers: { origin: 'https://evil.example' },
    });
    expect(cors(evil)).toEqual({ status: 403, origin: null, vary: 'Origin' });
    expect(evil.headers.get('access-control-expose-headers')).toBeNull();
    const noOrigin = await plain.app.request(query(plain.newDevice()));
    expect(cors(noOrigin)).toEqual({ status: 200, origin: null, vary: 'Origin' });
  });
});

describe('server-set device cookie (ASSENT_DEVICE_COOKIE=true)', () => {
  it('sets assent_device (400 days, Lax, Secure, Domain) and allows credentials for the exact origin', async () => {
    const device = cookie.newDevice();
    const res = await cookie.app.request(query(device), { headers: { origin: TEST_ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(TEST_ORIGIN);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('set-cookie')).toBe(
      `assent_device=${device}; Path=/; Max-Age=34560000; SameSite=Lax; Domain=shop.example; Secure`,
    );
    const write = await grantAnalytics(cookie, device);
    expect(write.status).toBe(201);
    expect(write.headers.get('set-cookie')).toContain(`assent_device=${device};`);
    expect(write.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('the cookie wins over the id in the header or query: the same subject after storage was wiped', async () => {
    const device = cookie.newDevice();
    expect((await grantAnalytics(cookie, device)).status).toBe(201);
    const wiped = cookie.newDevice(); // what a widget whose storage was cleared would send
    const res = await cookie.app.request(query(wiped), {
      headers: { origin: TEST_ORIGIN, cookie: `assent_device=${device}` },
    });
    const exp = Experience.parse(await res.json());
    expect(exp.purposes.find((p) => p.key === 'analytics')?.state.status).toBe('granted');
    expect(res.headers.get('set-cookie')).toContain(`assent_device=${device};`);
    // The write path uses the cookie too.
    const write = await grantAnalytics(cookie, wiped, { cookie: `assent_device=${device}` });
    const body = (await write.json()) as { consents: Record<string, { status: string }> };
    expect(body.consents.analytics?.status).toBe('granted');
  });

  it('identify and the receipt read the device from the cookie too, not only from the header', async () => {
    const device = cookie.newDevice();
    const write = await grantAnalytics(cookie, device);
    const eventId = ((await write.json()) as { events: { id: string }[] }).events[0]?.id;
    const wiped = cookie.newDevice();
    const withCookie = { origin: TEST_ORIGIN, cookie: `assent_device=${device}` };
    // The receipt of the cookie's device, asked for with another id in the header.
    const receipt = await cookie.app.request(`/v1/receipts/${eventId}`, {
      headers: { ...cookie.widgetHeaders(wiped), ...withCookie },
    });
    expect(receipt.status).toBe(200);
    // identify links the cookie's device (its grant follows the user to a second device).
    const now = Math.floor(cookie.clock.now() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user_cookie_1')
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(new TextEncoder().encode(DEMO_IDENTITY_SECRET));
    const linked = await cookie.app.request('/v1/identify', {
      method: 'POST',
      headers: { ...cookie.widgetHeaders(wiped), ...withCookie },
      body: JSON.stringify({ token }),
    });
    expect(linked.status).toBe(200);
    const second = cookie.newDevice();
    await cookie.app.request('/v1/identify', {
      method: 'POST',
      headers: cookie.widgetHeaders(second),
      body: JSON.stringify({ token }),
    });
    const exp = Experience.parse(
      await (await cookie.app.request(query(second), { headers: { origin: TEST_ORIGIN } })).json(),
    );
    expect(exp.purposes.find((p) => p.key === 'analytics')?.state.status).toBe('granted');
  });

  it('a preflight allows credentials; a refused origin gets neither cookie nor credentials', async () => {
    const pre = await cookie.app.request('/v1/consents', {
      method: 'OPTIONS',
      headers: { origin: TEST_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-allow-origin')).toBe(TEST_ORIGIN);
    const evil = await cookie.app.request(query(cookie.newDevice()), {
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-credentials')).toBeNull();
    expect(evil.headers.get('set-cookie')).toBeNull();
  });

  it('a refused write still carries CORS for the allowed origin (the widget reads the problem) but no cookie', async () => {
    const res = await cookie.app.request('/v1/consents', {
      method: 'POST',
      headers: cookie.widgetHeaders(cookie.newDevice()),
      body: JSON.stringify({ decisions: [{ purpose: 'analytics', decision: 'maybe' }] }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('access-control-allow-origin')).toBe(TEST_ORIGIN);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toContain('Origin');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('without the setting the cookie is ignored and never set (plain app)', async () => {
    const device = plain.newDevice();
    expect((await grantAnalytics(plain, device)).status).toBe(201);
    const res = await plain.app.request(query(plain.newDevice()), {
      headers: { origin: TEST_ORIGIN, cookie: `assent_device=${device}` },
    });
    const exp = Experience.parse(await res.json());
    expect(exp.purposes.find((p) => p.key === 'analytics')?.state.status).toBe('unset');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('no Secure attribute and no Domain on plain-HTTP localhost without a cookie domain', async () => {
    const local = await createTestApp({ ASSENT_DEVICE_COOKIE: 'true' });
    try {
      const device = local.newDevice();
      const res = await local.app.request(query(device), { headers: { origin: TEST_ORIGIN } });
      expect(res.headers.get('set-cookie')).toBe(
        `assent_device=${device}; Path=/; Max-Age=34560000; SameSite=Lax`,
      );
    } finally {
      await local.dispose();
    }
  });
});
