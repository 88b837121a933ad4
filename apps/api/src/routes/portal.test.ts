// The portal API: sign-in by emailed code, the customer's consents, one-click changes, and
// that one customer can never act on another's data.
import { PortalMe, Problem } from '@assent/contract';
import { schema } from '@assent/db';
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing.ts';
import * as kit from './portal-test-kit.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

const linkEmail = (email: string) => kit.linkEmail(t, email);
const lastCode = (email: string) => kit.lastCode(t, email);
const signIn = (email: string) => kit.signIn(t, email);
const { json } = kit;

/** Asks for a sign-in code with this request body; @returns the newest mail to its address. */
async function codeMail(body: { email: string; locale?: string }) {
  const res = await t.app.request('/portal/api/sign-in/start', {
    method: 'POST',
    headers: json,
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  const [mail] = await t.database.db
    .select()
    .from(schema.devMailbox)
    .where(eq(schema.devMailbox.to, body.email))
    .orderBy(desc(schema.devMailbox.createdAt))
    .limit(1);
  if (!mail) throw new Error('no mail sent');
  return { subject: mail.subject, body: mail.body, code: await lastCode(body.email) };
}

async function me(cookie: string) {
  const res = await t.app.request('/portal/api/me', { headers: { cookie } });
  expect(res.status).toBe(200);
  return PortalMe.parse(await res.json());
}

describe('sign-in', () => {
  it('answers the same for known and unknown addresses', async () => {
    await linkEmail('known@example.com');
    const a = await t.app.request('/portal/api/sign-in/start', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'known@example.com' }),
    });
    const b = await t.app.request('/portal/api/sign-in/start', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'nobody@example.com' }),
    });
    expect(a.status).toBe(b.status);
    expect(await a.text()).toBe(await b.text());
  });

  it('a code cannot be brute-forced: five wrong tries lock it, even the right code then fails', async () => {
    const email = 'brute@example.com';
    await t.app.request('/portal/api/sign-in/start', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email }),
    });
    const code = await lastCode(email);
    const wrong = code === '000000' ? '111111' : '000000';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await t.app.request('/portal/api/sign-in/verify', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email, code: wrong }),
      });
      statuses.push(r.status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 429]);
    const right = await t.app.request('/portal/api/sign-in/verify', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email, code }),
    });
    expect(right.status).toBe(429);
    expect(Problem.parse(await right.json()).code).toBe('too_many_attempts');
  });

  it('a code expires after 10 minutes', async () => {
    const email = 'slow@example.com';
    await t.app.request('/portal/api/sign-in/start', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email }),
    });
    const code = await lastCode(email);
    t.clock.advanceDays(11 / 1440);
    try {
      const r = await t.app.request('/portal/api/sign-in/verify', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email, code }),
      });
      expect(Problem.parse(await r.json()).code).toBe('invalid_code');
    } finally {
      t.clock.advanceDays(-11 / 1440);
    }
  });

  it('writes the code email in Simplified Chinese when the portal asks in a zh locale', async () => {
    for (const [i, locale] of ['zh-CN', 'zh-tw'].entries()) {
      const email = `zh${i}@example.com`;
      const mail = await codeMail({ email, locale });
      expect(mail.subject).toBe(`您的 Assent 登录验证码：${mail.code}`);
      expect(mail.body).toBe(
        `您的登录验证码是 ${mail.code}，10 分钟内有效。如果您没有申请此验证码，请忽略此邮件。`,
      );
    }
    // The code read from the Chinese mail signs in.
    const { code } = await codeMail({ email: 'zh-verify@example.com', locale: 'zh-CN' });
    const res = await t.app.request('/portal/api/sign-in/verify', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'zh-verify@example.com', code }),
    });
    expect(res.status).toBe(200);
  });

  it('writes the code email in English without a locale or with a non-Chinese one', async () => {
    const bodies = [
      { email: 'nolocale@example.com' },
      { email: 'fr@example.com', locale: 'fr-FR' },
      { email: 'en@example.com', locale: 'en' },
    ];
    for (const body of bodies) {
      const mail = await codeMail(body);
      expect(mail.subject).toBe(`Your Assent sign-in code: ${mail.code}`);
      expect(mail.body).toBe(
        `Your sign-in code is ${mail.code}. It expires in 10 minutes. If you did not ask for it, ignore this message.`,
      );
    }
  });

  it('refuses state-changing calls without the CSRF header', async () => {
    const r = await t.app.request('/portal/api/sign-in/start', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'csrf@example.com' }),
    });
    expect(r.status).toBe(403);
    expect(Problem.parse(await r.json()).code).toBe('csrf_failed');
  });

  it('signing out ends the session', async () => {
    await linkEmail('out@example.com');
    const cookie = await signIn('out@example.com');
    const out = await t.app.request('/portal/api/sign-out', {
      method: 'POST',
      headers: { ...json, cookie },
    });
    expect(out.status).toBe(204);
    expect((await t.app.request('/portal/api/me', { headers: { cookie } })).status).toBe(401);
  });
});

describe('the customer sees and changes their consents', () => {
  it('R1/C9: shows every purpose with its state and the notice agreed to; withdraws with one call', async () => {
    const device = await linkEmail('alice@example.com');
    const exp = (await (
      await t.app.request('/v1/experience', { headers: t.widgetHeaders(device) })
    ).json()) as {
      purposes: { key: string; notice: { id: string; hash: string } }[];
    };
    const analytics = exp.purposes.find((p) => p.key === 'analytics');
    await t.app.request('/v1/consents', {
      method: 'POST',
      headers: t.widgetHeaders(device),
      body: JSON.stringify({
        decisions: [
          {
            purpose: 'analytics',
            decision: 'granted',
            noticeId: analytics?.notice.id,
            noticeHash: analytics?.notice.hash,
          },
        ],
        source: 'preferences',
        surface: 'preferences_save',
        locale: 'en',
      }),
    });
    const cookie = await signIn('alice@example.com');
    const before = await me(cookie);
    expect(before.properties).toHaveLength(1);
    const [prop] = before.properties;
    const a = prop?.purposes.find((p) => p.key === 'analytics');
    expect(a?.state).toMatchObject({ status: 'granted', effective: true });
    expect(a?.agreedNotice?.hash).toBe(analytics?.notice.hash);
    expect(a?.source).toBe('preferences');
    expect(prop?.purposes.find((p) => p.key === 'marketing_email')?.state.status).toBe('unset');

    const res = await t.app.request('/portal/api/consents', {
      method: 'POST',
      headers: { ...json, cookie },
      body: JSON.stringify({
        propertyId: prop?.property.id,
        purpose: 'analytics',
        decision: 'withdrawn',
      }),
    });
    expect(res.status).toBe(201);
    const after = await me(cookie);
    expect(after.properties[0]?.purposes.find((p) => p.key === 'analytics')?.state.status).toBe(
      'withdrawn',
    );
    // The widget on the customer's device sees the same state.
    const widget = (await (
      await t.app.request('/v1/consents', { headers: t.widgetHeaders(device) })
    ).json()) as {
      consents: Record<string, { status: string }>;
    };
    expect(widget.consents.analytics?.status).toBe('withdrawn');
  });

  it('C5: the portal grants a separate-consent purpose only through its own dialog', async () => {
    await linkEmail('bob@example.com');
    const cookie = await signIn('bob@example.com');
    const propertyId = (await me(cookie)).properties[0]?.property.id;
    const plain = await t.app.request('/portal/api/consents', {
      method: 'POST',
      headers: { ...json, cookie },
      body: JSON.stringify({ propertyId, purpose: 'face_login', decision: 'granted' }),
    });
    expect(plain.status).toBe(422);
    expect(Problem.parse(await plain.json()).code).toBe('separate_consent_required');
    const dialog = await t.app.request('/portal/api/consents', {
      method: 'POST',
      headers: { ...json, cookie },
      body: JSON.stringify({
        propertyId,
        purpose: 'face_login',
        decision: 'granted',
        surface: 'separate_dialog',
      }),
    });
    expect(dialog.status).toBe(201);
  });

  it("one customer can never read or change another's consents", async () => {
    await linkEmail('carol@example.com');
    const carol = await signIn('carol@example.com');
    // Dave is signed in but unknown to any property: he sees nothing...
    const dave = await signIn('dave@example.com');
    expect((await me(dave)).properties).toEqual([]);
    // ...and cannot act on Carol's property even knowing its id.
    const propertyId = (await me(carol)).properties[0]?.property.id;
    const res = await t.app.request('/portal/api/consents', {
      method: 'POST',
      headers: { ...json, cookie: dave },
      body: JSON.stringify({ propertyId, purpose: 'analytics', decision: 'granted' }),
    });
    expect(res.status).toBe(404);
    expect(
      (await me(carol)).properties[0]?.purposes.find((p) => p.key === 'analytics')?.state.status,
    ).toBe('unset');
    // Without a session: 401.
    expect((await t.app.request('/portal/api/me')).status).toBe(401);
  });
});
