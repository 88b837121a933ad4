// Test helpers for the portal's request tests: link an email through identify, sign in with
// the mailed code, record a consent from the widget, and the deps the request jobs take.
import { schema } from '@assent/db';
import { desc, eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import type { Deps } from '../context.ts';
import { loadConfig } from '../env.ts';
import { devMailer } from '../mailer.ts';
import { DEMO_IDENTITY_SECRET } from '../seed/demo-property.ts';
import type { TestApp } from '../testing.ts';
import { CSRF_VALUE } from './portal.ts';

export const json = { 'content-type': 'application/json', 'x-requested-with': CSRF_VALUE };

/** Links a new device to user `user_<email>` with this email, as the demo shop does. */
export async function linkEmail(t: TestApp, email: string, device = t.newDevice()) {
  const now = Math.floor(t.clock.now() / 1000);
  const tok = await new SignJWT({ email })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`user_${email}`)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(new TextEncoder().encode(DEMO_IDENTITY_SECRET));
  const res = await t.app.request('/v1/identify', {
    method: 'POST',
    headers: t.widgetHeaders(device),
    body: JSON.stringify({ token: tok }),
  });
  expect(res.status).toBe(200);
  return device;
}

/** The newest 6-digit code mailed to `email`. */
export async function lastCode(t: TestApp, email: string) {
  const [mail] = await t.database.db
    .select()
    .from(schema.devMailbox)
    .where(eq(schema.devMailbox.to, email))
    .orderBy(desc(schema.devMailbox.createdAt))
    .limit(1);
  const code = mail?.body.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error('no code mailed');
  return code;
}

/** Signs in with a mailed code; @returns the `cookie` header value. */
export async function signIn(t: TestApp, email: string): Promise<string> {
  const start = await t.app.request('/portal/api/sign-in/start', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email }),
  });
  expect(start.status).toBe(202);
  const res = await t.app.request('/portal/api/sign-in/verify', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, code: await lastCode(t, email) }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Lax/i);
  return cookie.split(';')[0] ?? '';
}

/** Records one widget decision for `purpose` on `device`. */
export async function decide(
  t: TestApp,
  device: string,
  purpose: string,
  decision: 'granted' | 'denied',
) {
  await t.recordDecision(device, purpose, decision);
}

/** The dependencies the request jobs take, on the test app's database and clock. */
export function jobDeps(t: TestApp, env: Record<string, string> = {}): Deps {
  return {
    database: t.database,
    config: loadConfig({ NODE_ENV: 'test', ASSENT_PUBLIC_URL: 'http://localhost:4000', ...env }),
    clock: t.clock.now,
    mailer: devMailer(t.database, () => {}),
    keyring: t.keyring,
  };
}

/** A portal call with the session cookie (and the CSRF header on POST). */
export function portal(t: TestApp, cookie: string, path: string, body?: unknown) {
  return t.app.request(`/portal/api${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? { cookie } : { ...json, cookie },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
