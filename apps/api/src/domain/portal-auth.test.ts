// Portal sign-in keeps no plain email (sign-in emails are L1: DESIGN "Data protection";
// REQUIREMENTS S1), and step-up codes are limited per client network as well as per address
// (R7), on the real app and database.
import { Problem } from '@assent/contract';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, lastCode, linkEmail, portal } from '../routes/portal-test-kit.ts';
import { DEMO_IDENTITY_SECRET, DEMO_PUBLISHABLE_KEY } from '../seed/demo-property.ts';
import { createTestApp, type TestApp } from '../testing.ts';
import { emailIndexOf } from './portal-auth.ts';

const SIGN_IN_LIMIT = 3;
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    ASSENT_TRUST_PROXY: 'true',
    ASSENT_RATE_LIMIT_SIGN_IN: String(SIGN_IN_LIMIT),
  });
});
afterAll(() => t.dispose());

let network = 0;
/** A fresh client network (the limiter keys on the truncated address: /24). */
const newNetwork = () => `10.${Math.floor(++network / 250)}.${network % 250}.7`;

function call(path: string, body: unknown, from: string, cookie?: string) {
  return t.app.request(`/portal/api${path}`, {
    method: 'POST',
    headers: { ...json, 'x-forwarded-for': from, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

/** Signs in with a mailed code from network `from`; @returns the cookie header value. */
async function signIn(email: string, from = newNetwork()) {
  expect((await call('/sign-in/start', { email }, from)).status).toBe(202);
  const code = await lastCode(t, email.trim().toLowerCase());
  const res = await call('/sign-in/verify', { email, code }, from);
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** Every row of the sign-in tables as JSON text. */
async function signInRows() {
  const rows = await t.database.sql<{ row: string }[]>`
    select row_to_json(c)::text as row from portal_codes c
    union all select row_to_json(s)::text from portal_sessions s`;
  return rows.map((r) => r.row);
}

describe('portal sign-in storage', () => {
  it('S1: after code sign-in, link sign-in and step-up, no plain email is in portal_codes or portal_sessions', async () => {
    const email = 'Mei.Plain@Example.com';
    await linkEmail(t, email.toLowerCase());
    const cookie = await signIn(email);
    const from = newNetwork();
    expect((await call('/step-up/start', {}, from, cookie)).status).toBe(202);
    const code = await lastCode(t, email.toLowerCase());
    expect((await call('/step-up/verify', { code }, from, cookie)).status).toBe(200);
    const now = Math.floor(t.clock.now() / 1000);
    const token = await new SignJWT({ email })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(`user_${email.toLowerCase()}`)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(new TextEncoder().encode(DEMO_IDENTITY_SECRET));
    const link = await call(
      '/sign-in/link',
      { publishableKey: DEMO_PUBLISHABLE_KEY, token },
      newNetwork(),
    );
    expect(link.status).toBe(200);

    const rows = await signInRows();
    expect(rows.length).toBeGreaterThanOrEqual(5); // 2 codes + 1 link marker + 2 sessions
    for (const row of rows) {
      expect(row.toLowerCase()).not.toContain('mei.plain');
      expect(row.toLowerCase()).not.toContain('example.com');
    }
    const sessions = await t.database.sql<{ email: string; email_index: string }[]>`
      select email, email_index from portal_sessions`;
    expect(sessions).toHaveLength(2);
    for (const s of sessions) {
      expect(s.email).toMatch(/^enc1:dk_/);
      expect(s.email_index).toBe(emailIndexOf(t.keyring, email));
    }
    // The portal still knows who is signed in (decrypted for the session only).
    const me = (await (await portal(t, cookie, '/me')).json()) as { email: string };
    expect(me.email).toBe(email.toLowerCase());
    // Sign out everywhere finds both sessions through the blind index.
    expect((await call('/sign-out-everywhere', {}, newNetwork(), cookie)).status).toBe(204);
    expect(await t.database.sql`select 1 from portal_sessions`).toHaveLength(0);
  });
});

describe('step-up rate limits', () => {
  it('R7: a burst of step-up codes from one network over many addresses is refused with 429 problem+json', async () => {
    const cookies: string[] = [];
    for (let i = 0; i < SIGN_IN_LIMIT + 2; i++) {
      const email = `burst${i}@example.com`;
      await linkEmail(t, email);
      cookies.push(await signIn(email)); // each from its own network
    }
    const attacker = '203.0.113.9';
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (const cookie of cookies) {
      const res = await call('/step-up/start', {}, attacker, cookie);
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
    }
    // Each address asked only once: the per-address limit alone would have let all through.
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    expect(refused?.headers.get('content-type')).toBe('application/problem+json');
    expect(Problem.parse(await refused?.json()).code).toBe('rate_limited');
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Step-up verification from that network is refused too; another network is not limited.
    expect((await call('/step-up/verify', { code: '000000' }, attacker, cookies[0])).status).toBe(
      429,
    );
    expect((await call('/step-up/start', {}, newNetwork(), cookies[4])).status).toBe(202);
  });
});
