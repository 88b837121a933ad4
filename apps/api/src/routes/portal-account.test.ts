// Portal account: correction of profile fields (R3) behind step-up (R7), the wording and
// language of the step-up code email and its per-address cap (R7), sign-out everywhere, and the
// retention of closed request records (R8).
import { PortalRequests, Problem, ProfileView } from '@assent/contract';
import { schema } from '@assent/db';
import { and, desc, eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_WINDOW_MS, CODES_PER_WINDOW } from '../domain/portal-auth.ts';
import { purgeOldRequests } from '../domain/requests/progress.ts';
import { DEMO_IDENTITY_SECRET, DEMO_PUBLISHABLE_KEY } from '../seed/demo-property.ts';
import { createTestApp, type TestApp } from '../testing.ts';
import { CSRF_VALUE } from './portal.ts';
import { jobDeps, json, lastCode, linkEmail, portal, signIn } from './portal-test-kit.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

describe('profile', () => {
  it('R3: the customer corrects their name and phone; an audit event names the fields, not the values', async () => {
    await linkEmail(t, 'rita@example.com');
    const cookie = await signIn(t, 'rita@example.com');
    const res = await portal(t, cookie, '/profile', {
      propertyId: t.propertyId,
      name: 'Rita Li',
      phone: '+86 21 5555 0000',
    });
    expect(res.status).toBe(200);
    expect(ProfileView.parse(await res.json()).profiles[0]).toMatchObject({
      name: 'Rita Li',
      phone: '+86 21 5555 0000',
    });
    const fix = await portal(t, cookie, '/profile', { propertyId: t.propertyId, name: 'Rita Lee' });
    expect(ProfileView.parse(await fix.json()).profiles[0]).toMatchObject({
      name: 'Rita Lee',
      phone: '+86 21 5555 0000',
    });

    const audits = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'subject.rectify'));
    expect(audits.map((a) => a.details.fields)).toEqual([['name', 'phone'], ['name']]);
    expect(JSON.stringify(audits)).not.toContain('Rita');
    const list = PortalRequests.parse(await (await portal(t, cookie, '/requests')).json());
    expect(list.requests.filter((r) => r.type === 'rectification').map((r) => r.status)).toEqual([
      'completed',
      'completed',
    ]);
  });

  it('R7: a correction needs a fresh code within 10 minutes', async () => {
    await linkEmail(t, 'stale@example.com');
    const cookie = await signIn(t, 'stale@example.com');
    t.clock.advanceDays(11 / 1440);
    const res = await portal(t, cookie, '/profile', { propertyId: t.propertyId, name: 'X' });
    expect(res.status).toBe(403);
    expect(Problem.parse(await res.json()).code).toBe('step_up_required');
  });

  it('security: a customer cannot correct a profile at a property they are not known to; bad input is 400', async () => {
    await linkEmail(t, 'mal@example.com');
    const cookie = await signIn(t, 'mal@example.com');
    expect(
      (await portal(t, cookie, '/profile', { propertyId: 'prop_other', name: 'X' })).status,
    ).toBe(404);
    expect(
      (await portal(t, cookie, '/profile', { propertyId: t.propertyId, phone: '<script>' })).status,
    ).toBe(400);
  });
});

describe('step-up code email', () => {
  /**
   * Signs `email` in, then asks for a step-up code with these extra headers and this raw body.
   * @returns the session cookie, the step-up code, and the subject and body of the step-up mail
   *   (checked to be the address's second mail, with a code other than the sign-in one)
   */
  async function stepUpMail(
    email: string,
    init: { headers?: Record<string, string>; body?: string },
  ) {
    await linkEmail(t, email);
    const cookie = await signIn(t, email);
    const signInCode = await lastCode(t, email);
    const res = await t.app.request('/portal/api/step-up/start', {
      method: 'POST',
      headers: { 'x-requested-with': CSRF_VALUE, cookie, ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    expect(res.status).toBe(202);
    const mails = await t.database.db
      .select()
      .from(schema.devMailbox)
      .where(eq(schema.devMailbox.to, email))
      .orderBy(desc(schema.devMailbox.createdAt));
    // Sign-in mail, then the step-up mail: two, and the newest carries a new code.
    expect(mails).toHaveLength(2);
    const [mail] = mails;
    const code = await lastCode(t, email);
    expect(code).not.toBe(signInCode);
    return { cookie, code, subject: mail?.subject, body: mail?.body };
  }
  const jsonType = { 'content-type': 'application/json' };

  it('R7: writes the step-up code email as a confirmation code in Simplified Chinese for a zh-CN portal, and its code steps up', async () => {
    const mail = await stepUpMail('zh-step@example.com', {
      headers: jsonType,
      body: JSON.stringify({ locale: 'zh-CN' }),
    });
    expect(mail.subject).toBe(`您的 Assent 确认验证码：${mail.code}`);
    expect(mail.body).toBe(
      `您用于确认此操作的验证码是 ${mail.code}，10 分钟内有效。如果您没有申请此验证码，请忽略此邮件。`,
    );
    const ok = await portal(t, mail.cookie, '/step-up/verify', { code: mail.code });
    expect(ok.status).toBe(200);
  });

  it('R7: writes the step-up code email as a confirmation code in English with no body, {} or a non-zh locale', async () => {
    const requests = [
      {},
      { headers: jsonType, body: '{}' },
      { headers: jsonType, body: JSON.stringify({ locale: 'fr-FR' }) },
    ];
    for (const [i, init] of requests.entries()) {
      const mail = await stepUpMail(`en-step${i}@example.com`, init);
      expect(mail.subject).toBe(`Your Assent confirmation code: ${mail.code}`);
      expect(mail.body).toBe(
        `Your code to confirm this action is ${mail.code}. It expires in 10 minutes. If you did not ask for it, change nothing and ignore this message.`,
      );
    }
  });

  it('refuses a JSON step-up body that is malformed or has a locale that is not BCP 47 (400)', async () => {
    await linkEmail(t, 'bad-step@example.com');
    const cookie = await signIn(t, 'bad-step@example.com');
    for (const body of ['{', JSON.stringify({ locale: '<zh>' })]) {
      const res = await t.app.request('/portal/api/step-up/start', {
        method: 'POST',
        headers: { ...json, cookie },
        body,
      });
      expect(res.status).toBe(400);
      expect(Problem.parse(await res.json()).code).toBe('invalid_request');
    }
  });
});

describe('step-up code cap', () => {
  /** Mails sent to `email` so far (the dev mailbox). */
  const mailCount = async (email: string) =>
    (await t.database.db.select().from(schema.devMailbox).where(eq(schema.devMailbox.to, email)))
      .length;
  const minutes = (n: number) => t.clock.advanceDays(n / 1440);
  const stepUpStart = (cookie: string) =>
    t.app.request('/portal/api/step-up/start', {
      method: 'POST',
      headers: { 'x-requested-with': CSRF_VALUE, cookie },
    });

  it('R7: past the per-address cap, step-up start answers 429 rate_limited with Retry-After, and sends nothing', async () => {
    const email = 'cap-step@example.com';
    await linkEmail(t, email);
    const cookie = await signIn(t, email); // the first code of the window, at T0
    for (let i = 1; i < CODES_PER_WINDOW; i++) {
      minutes(1);
      expect((await stepUpStart(cookie)).status).toBe(202);
    }
    expect(await mailCount(email)).toBe(CODES_PER_WINDOW);

    const refused = await stepUpStart(cookie); // at T0 + 4 min
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(Problem.parse(await refused.json()).code).toBe('rate_limited');
    const retry = Number(refused.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(CODE_WINDOW_MS / 1000);
    // Seconds until the oldest code (the sign-in one, at T0) leaves the 15-minute window.
    expect(retry).toBe(15 * 60 - (CODES_PER_WINDOW - 1) * 60);
    expect(await mailCount(email)).toBe(CODES_PER_WINDOW);

    // One second early it is still refused (and says 1 s); at Retry-After a code goes again.
    t.clock.advanceDays((retry - 1) / 86_400);
    const early = await stepUpStart(cookie);
    expect(early.status).toBe(429);
    expect(early.headers.get('retry-after')).toBe('1');
    t.clock.advanceDays(1 / 86_400);
    expect((await stepUpStart(cookie)).status).toBe(202);
    expect(await mailCount(email)).toBe(CODES_PER_WINDOW + 1);
    const ok = await portal(t, cookie, '/step-up/verify', { code: await lastCode(t, email) });
    expect(ok.status).toBe(200);
  });

  it('R7: past the cap, sign-in start at the same address still answers a silent 202 and sends nothing', async () => {
    const email = 'cap-silent@example.com';
    await linkEmail(t, email);
    const cookie = await signIn(t, email);
    for (let i = 1; i < CODES_PER_WINDOW; i++) expect((await stepUpStart(cookie)).status).toBe(202);
    expect((await stepUpStart(cookie)).status).toBe(429);
    const silent = await t.app.request('/portal/api/sign-in/start', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email }),
    });
    expect(silent.status).toBe(202);
    expect(await silent.json()).toEqual({ ok: true });
    expect(silent.headers.get('retry-after')).toBeNull();
    expect(await mailCount(email)).toBe(CODES_PER_WINDOW);
    // An unknown address answers exactly alike, so the silence still tells an outsider nothing.
    const unknown = await t.app.request('/portal/api/sign-in/start', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'nobody-cap@example.com' }),
    });
    expect(unknown.status).toBe(silent.status);
  });
});

describe('sessions', () => {
  it('an active customer stays signed in: each answer renews the session cookie for 30 minutes', async () => {
    await linkEmail(t, 'active@example.com');
    const cookie = await signIn(t, 'active@example.com');
    for (let i = 0; i < 3; i++) {
      t.clock.advanceDays(20 / 1440); // 20 minutes, 60 in all: past the first cookie's life
      const res = await portal(t, cookie, '/me');
      expect(res.status).toBe(200);
      const set = res.headers.get('set-cookie') ?? '';
      expect(set).toContain(cookie);
      expect(set).toMatch(/Max-Age=1800/);
      expect(set).toMatch(/HttpOnly/i);
    }
    // Idle for longer than 30 minutes: signed out, and no cookie is renewed.
    t.clock.advanceDays(31 / 1440);
    const idle = await portal(t, cookie, '/me');
    expect(idle.status).toBe(401);
    expect(idle.headers.get('set-cookie')).toBeNull();
  });

  it('sign out everywhere ends every session of the address', async () => {
    await linkEmail(t, 'two@example.com');
    const a = await signIn(t, 'two@example.com');
    const b = await signIn(t, 'two@example.com');
    expect((await portal(t, a, '/sign-out-everywhere', {})).status).toBe(204);
    expect((await portal(t, b, '/me')).status).toBe(401);
    expect((await portal(t, a, '/me')).status).toBe(401);
  });
});

describe('retention', () => {
  it('R8: closed request records are kept for the retention period (3 years by default), then purged', async () => {
    await linkEmail(t, 'old@example.com');
    const cookie = await signIn(t, 'old@example.com');
    await portal(t, cookie, '/profile', { propertyId: t.propertyId, name: 'Old' });
    const [subject] = await t.database.db
      .select()
      .from(schema.subjectProfiles)
      .where(eq(schema.subjectProfiles.propertyId, t.propertyId));
    const mine = () =>
      t.database.db
        .select()
        .from(schema.privacyRequests)
        .where(and(eq(schema.privacyRequests.type, 'rectification')));
    const before = (await mine()).length;
    expect(subject).toBeDefined();
    t.clock.advanceDays(2 * 365);
    expect(await purgeOldRequests(jobDeps(t))).toBe(0);
    expect((await mine()).length).toBe(before);
    t.clock.advanceDays(366);
    expect(await purgeOldRequests(jobDeps(t))).toBeGreaterThanOrEqual(before);
    expect(await mine()).toHaveLength(0);
  });
});

describe('sign-in link', () => {
  async function token(claims: Record<string, unknown>, secret = DEMO_IDENTITY_SECRET, life = 300) {
    const now = Math.floor(t.clock.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user_link')
      .setIssuedAt(now)
      .setExpirationTime(now + life)
      .sign(new TextEncoder().encode(secret));
  }
  const post = (body: unknown) =>
    t.app.request('/portal/api/sign-in/link', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(body),
    });

  it('R7: a link signed by the product signs in once and counts as step-up', async () => {
    await linkEmail(t, 'link@example.com');
    const tok = await token({ email: 'link@example.com' });
    const res = await post({ publishableKey: DEMO_PUBLISHABLE_KEY, token: tok });
    expect(res.status).toBe(200);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect((await portal(t, cookie, '/requests', { type: 'access' })).status).toBe(201);
    const again = await post({ publishableKey: DEMO_PUBLISHABLE_KEY, token: tok });
    expect(again.status).toBe(401);
  });

  it('R7: sign-ins by link do not use up the emailed codes of the address', async () => {
    const email = 'link-cap@example.com';
    await linkEmail(t, email);
    for (let i = 0; i < CODES_PER_WINDOW + 1; i++) {
      const res = await post({
        publishableKey: DEMO_PUBLISHABLE_KEY,
        token: await token({ email, jti: `link-${i}` }),
      });
      expect(res.status).toBe(200);
    }
    // A code is still mailed: the links sent nothing.
    const cookie = await signIn(t, email);
    expect((await portal(t, cookie, '/me')).status).toBe(200);
  });

  it('security: a forged, emailless or over-long token is refused', async () => {
    for (const tok of [
      await token({ email: 'x@example.com' }, 'not-the-secret-not-the-secret-0000'),
      await token({}),
      await token({ email: 'x@example.com' }, DEMO_IDENTITY_SECRET, 3600),
    ]) {
      const res = await post({ publishableKey: DEMO_PUBLISHABLE_KEY, token: tok });
      expect(res.status).toBe(401);
      expect(Problem.parse(await res.json()).code).toBe('invalid_token');
    }
    expect(
      (await post({ publishableKey: 'pk_unknown', token: await token({ email: 'x@example.com' }) }))
        .status,
    ).toBe(401);
  });
});
