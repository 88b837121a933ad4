// Security of the public routes: keys, origins, devices and identity tokens. Nobody reads or
// changes another subject's consents by guessing an id.
import { createHmac } from 'node:crypto';
import { IdentifyOutput, Problem } from '@assent/contract';
import { schema } from '@assent/db';
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectsByIds } from '../domain/subjects.ts';
import { DEMO_IDENTITY_SECRET } from '../seed/demo-property.ts';
import { createTestApp, type TestApp } from '../testing.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

async function token(
  claims: { sub: string; email?: string },
  opts: { secret?: string; ttl?: number } = {},
) {
  const now = Math.floor(t.clock.now() / 1000);
  return new SignJWT(claims.email ? { email: claims.email } : {})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.ttl ?? 300))
    .sign(new TextEncoder().encode(opts.secret ?? DEMO_IDENTITY_SECRET));
}

/** Signs any claims (also ill-typed ones) with the demo secret, as a backend would: 5 minutes. */
async function signClaims(claims: Record<string, unknown>) {
  const now = Math.floor(t.clock.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(new TextEncoder().encode(DEMO_IDENTITY_SECRET));
}

/** Posts an identity token for `device`, as the widget does. */
const identifyWith = (device: string, tok: string) =>
  t.app.request('/v1/identify', {
    method: 'POST',
    headers: t.widgetHeaders(device),
    body: JSON.stringify({ token: tok }),
  });

const grantAnalytics = (device: string) => t.recordDecision(device, 'analytics');

async function analyticsStatus(device: string) {
  const res = await t.app.request('/v1/consents', { headers: t.widgetHeaders(device) });
  const body = (await res.json()) as { consents: Record<string, { status: string }> };
  return body.consents.analytics?.status;
}

describe('publishable key and origin', () => {
  it('refuses a missing or unknown key with 401 problem+json', async () => {
    const none = await t.app.request('/v1/experience', {
      headers: { 'x-assent-device': t.newDevice() },
    });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await t.app.request('/v1/experience', {
      headers: t.widgetHeaders(t.newDevice(), { 'x-assent-key': 'pk_nope_123456' }),
    });
    expect(Problem.parse(await wrong.json()).code).toBe('unauthorized');
  });

  it('refuses an origin that is not on the property allow-list, without a CORS grant', async () => {
    const res = await t.app.request('/v1/experience', {
      headers: t.widgetHeaders(t.newDevice(), { origin: 'https://evil.example' }),
    });
    expect(res.status).toBe(403);
    expect(Problem.parse(await res.json()).code).toBe('origin_not_allowed');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('grants CORS to an allowed origin only, never with credentials or a wildcard', async () => {
    const res = await t.app.request('/v1/experience', { headers: t.widgetHeaders(t.newDevice()) });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('refuses a device id that is too short to be random', async () => {
    const res = await t.app.request('/v1/experience', { headers: t.widgetHeaders('abc') });
    expect(res.status).toBe(400);
  });
});

describe('devices are isolated', () => {
  it("one device never sees or changes another device's consents", async () => {
    const a = t.newDevice();
    const b = t.newDevice();
    await grantAnalytics(a);
    expect(await analyticsStatus(a)).toBe('granted');
    expect(await analyticsStatus(b)).toBe('unset');
    // Device ids are stored only as hashes: the raw id is not in the database.
    const rows = await t.database.db.select().from(schema.devices);
    expect(rows.some((r) => r.id === a)).toBe(false);
  });
});

describe('POST /v1/identify', () => {
  it('refuses a token signed with another secret, an expired one, and one living over 10 minutes', async () => {
    const device = t.newDevice();
    const call = (tok: string) => identifyWith(device, tok);
    const forged = await call(await token({ sub: 'user_1' }, { secret: 'x'.repeat(40) }));
    expect(forged.status).toBe(401);
    expect(Problem.parse(await forged.json()).code).toBe('invalid_token');
    const expired = await token({ sub: 'user_1' });
    t.clock.advanceDays(1);
    try {
      expect((await call(expired)).status).toBe(401);
    } finally {
      t.clock.advanceDays(-1);
    }
    expect((await call(await token({ sub: 'user_1' }, { ttl: 3600 }))).status).toBe(401);
    const unsigned = `${btoa(JSON.stringify({ alg: 'none' }))}.${btoa(JSON.stringify({ sub: 'user_1' }))}.`;
    expect((await call(unsigned)).status).toBe(401);
  });

  it('refuses a token issued in the future (which would outlive 10 minutes) and a sub that is not a string', async () => {
    const device = t.newDevice();
    const call = (tok: string) => identifyWith(device, tok);
    const now = Math.floor(t.clock.now() / 1000);
    const key = new TextEncoder().encode(DEMO_IDENTITY_SECRET);
    // exp - iat is 10 minutes, but iat is 50 minutes ahead: usable for an hour.
    const future = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user_1')
      .setIssuedAt(now + 3000)
      .setExpirationTime(now + 3600)
      .sign(key);
    const early = await call(future);
    expect(early.status).toBe(401);
    expect(Problem.parse(await early.json()).code).toBe('invalid_token');
    const numeric = await new SignJWT({ sub: 12345 } as unknown as Record<string, string>)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(key);
    const wrongSub = await call(numeric);
    expect(wrongSub.status).toBe(401);
    expect(Problem.parse(await wrongSub.json()).code).toBe('invalid_token');
  });

  it('refuses a token whose email claim is not an address, and stores a good one lowercased', async () => {
    const device = t.newDevice();
    const call = async (email: unknown) =>
      identifyWith(device, await signClaims({ sub: 'user_email_check', email }));
    for (const bad of ['not-an-email', 'a@', 42, `${'x'.repeat(250)}@example.com`]) {
      const res = await call(bad);
      expect(res.status).toBe(401);
      expect(Problem.parse(await res.json()).code).toBe('invalid_token');
    }
    const ok = await call(' Mixed.Case@Example.com ');
    expect(ok.status).toBe(200);
    const { subjectId } = IdentifyOutput.parse(await ok.json());
    const [row] = await subjectsByIds(t.database.db, [subjectId], t.keyring);
    expect(row?.email).toBe('mixed.case@example.com');
  });

  it('P1: refuses a sub with a lone surrogate or NUL, or a payload that is not UTF-8, instead of storing U+FFFD', async () => {
    const device = t.newDevice();
    const call = (tok: string) => identifyWith(device, tok);
    const subjectRows = async () =>
      (await t.database.db.select({ id: schema.subjects.id }).from(schema.subjects)).length;
    const before = await subjectRows();
    for (const sub of ['user_\ud800', '\udc00user', 'user_\u0000x']) {
      const res = await call(await token({ sub }));
      expect(res.status, JSON.stringify(sub)).toBe(401);
      const problemBody = Problem.parse(await res.json());
      expect(problemBody.code).toBe('invalid_token');
      expect(problemBody.detail).toMatch(/^sub must be well-formed Unicode text without NUL/);
    }
    // Correctly signed, but the payload bytes hold 0xFF (which a lenient decoder reads as U+FFFD).
    const now = Math.floor(t.clock.now() / 1000);
    const segment = (bytes: Buffer) => bytes.toString('base64url');
    const header = segment(Buffer.from(JSON.stringify({ alg: 'HS256' })));
    const payload = segment(
      Buffer.concat([
        Buffer.from('{"sub":"user_'),
        Buffer.from([0xff]),
        Buffer.from(`","iat":${now},"exp":${now + 300}}`),
      ]),
    );
    const signature = createHmac('sha256', DEMO_IDENTITY_SECRET)
      .update(`${header}.${payload}`)
      .digest('base64url');
    const notUtf8 = await call(`${header}.${payload}.${signature}`);
    expect(notUtf8.status).toBe(401);
    const notUtf8Body = Problem.parse(await notUtf8.json());
    expect(notUtf8Body.code).toBe('invalid_token');
    expect(await subjectRows()).toBe(before);
    // Well-formed text beyond ASCII (CJK, an emoji: a surrogate pair) is a user id like any other.
    for (const sub of ['用户_42', 'user_\u{1F44D}']) {
      const ok = await call(await token({ sub }));
      expect(ok.status, sub).toBe(200);
    }
    expect(await subjectRows()).toBe(before + 2);
  });

  it('merges the anonymous device history into the user; a second device of that user sees it', async () => {
    const phone = t.newDevice();
    await grantAnalytics(phone);
    const res = await t.app.request('/v1/identify', {
      method: 'POST',
      headers: t.widgetHeaders(phone),
      body: JSON.stringify({
        token: await token({ sub: 'user_merge', email: 'Merge@Example.com' }),
      }),
    });
    expect(res.status).toBe(200);
    const out = IdentifyOutput.parse(await res.json());
    expect(out.merged).toBe(true);
    const laptop = t.newDevice();
    expect(await analyticsStatus(laptop)).toBe('unset');
    await t.app.request('/v1/identify', {
      method: 'POST',
      headers: t.widgetHeaders(laptop),
      body: JSON.stringify({ token: await token({ sub: 'user_merge' }) }),
    });
    expect(await analyticsStatus(laptop)).toBe('granted');
    const [user] = await t.database.db
      .select()
      .from(schema.subjects)
      .where(eq(schema.subjects.id, out.subjectId));
    // Stored encrypted (S1, S4); the domain reads it back in clear.
    expect(user?.email).toMatch(/^enc1:/);
    const [clear] = await subjectsByIds(t.database.db, [out.subjectId], t.keyring);
    expect(clear?.email).toBe('merge@example.com');
  });
});

describe('errors', () => {
  it('unknown routes answer 404 problem+json', async () => {
    const res = await t.app.request('/v1/nothing-here', {
      headers: t.widgetHeaders(t.newDevice()),
    });
    expect(res.status).toBe(404);
    expect(Problem.parse(await res.json()).code).toBe('not_found');
    // Without any key too: an unknown route is 404, not 401.
    const bare = await t.app.request('/v1/nope');
    expect(bare.status).toBe(404);
    expect(Problem.parse(await bare.json()).code).toBe('not_found');
  });

  it('serves an OpenAPI 3.1 document that lists every public and portal route', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/experience',
      '/v1/consents',
      '/v1/identify',
      '/portal/api/me',
      '/portal/api/consents',
      '/portal/api/sign-in/start',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});
