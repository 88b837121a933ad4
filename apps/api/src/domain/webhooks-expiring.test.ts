// `consent.expiring` on a real database and a real receiver, with the clock moved across the
// re-confirmation term; and `externalId` in payloads of identified subjects.
import { REMINDER_WINDOW_DAYS } from '@assent/policy';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../context.ts';
import { consentExpiringJob, webhookDispatchJob } from '../jobs/webhooks.ts';
import { DEMO_IDENTITY_SECRET } from '../seed/demo-property.ts';
import { createTestApp, type TestApp } from '../testing.ts';
import { announceExpiringGrants } from './webhooks-expiring.ts';
import {
  depsOf,
  grantAnalytics,
  register,
  startReceiver,
  verifySignature,
} from './webhooks-test-kit.ts';

let t: TestApp;
let deps: Deps;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  t = await createTestApp();
  deps = depsOf(t);
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await t.dispose();
});

const dispatch = () => webhookDispatchJob.handler(deps, {});
const bodies = (path: string) => receiver.at(path).map((r) => JSON.parse(r.body));

describe('consent.expiring', () => {
  it('C10: announces a grant once when its term ends within the reminder window', async () => {
    const endpoint = await register(t, receiver.url('/expiring'), ['consent.expiring']);
    await grantAnalytics(t); // analytics: re-confirm after 365 days
    await grantAnalytics(t, 'denied'); // refusals have no term: never announced
    await consentExpiringJob.handler(deps, {});
    await dispatch();
    expect(receiver.at('/expiring')).toHaveLength(0); // 365 days away: not yet

    t.clock.advanceDays(365 - REMINDER_WINDOW_DAYS + 1); // 29 days left
    await consentExpiringJob.handler(deps, {});
    await dispatch();
    const [sent, ...rest] = receiver.at('/expiring');
    expect(rest).toHaveLength(0);
    if (!sent) throw new Error('not announced');
    expect(verifySignature(endpoint.secret, sent)).toBe(true);
    const body = JSON.parse(sent.body);
    expect(body).toMatchObject({
      type: 'consent.expiring',
      data: { purpose: 'analytics', propertyId: t.propertyId, externalId: null },
    });
    const left = Date.parse(body.data.expiresAt) - t.clock.now();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(REMINDER_WINDOW_DAYS * 86_400_000);

    t.clock.advanceDays(10); // still inside the window: nothing new
    await consentExpiringJob.handler(deps, {});
    await dispatch();
    expect(receiver.at('/expiring')).toHaveLength(1);

    t.clock.advanceDays(30); // past the end: expired grants are not "expiring"
    expect(await announceExpiringGrants(deps, t.clock.now())).toBe(0);
  });

  it('C10: a re-confirmed grant is a new grant, announced again near its own end', async () => {
    await register(t, receiver.url('/renewed'), ['consent.expiring']);
    await dispatch();
    const device = await grantAnalytics(t);
    t.clock.advanceDays(340);
    expect(await announceExpiringGrants(deps, t.clock.now())).toBe(1);
    expect(await announceExpiringGrants(deps, t.clock.now())).toBe(0);
    await grantAnalytics(t, 'granted', device); // the person re-confirms: a new 365-day term
    expect(await announceExpiringGrants(deps, t.clock.now())).toBe(0);
    t.clock.advanceDays(340);
    expect(await announceExpiringGrants(deps, t.clock.now())).toBe(1);
    await dispatch();
    const sent = bodies('/renewed');
    expect(sent).toHaveLength(2);
    expect(sent[0].data.eventId).not.toBe(sent[1].data.eventId);
    expect(sent[0].data.subjectId).toBe(sent[1].data.subjectId);
  });
});

describe('payloads name the product user', () => {
  it("consent.changed carries the identified subject's externalId (from the signed token)", async () => {
    await register(t, receiver.url('/identified'), ['consent.changed']);
    const device = await grantAnalytics(t);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-42')
      .setIssuedAt(Math.floor(t.clock.now() / 1000))
      .setExpirationTime(Math.floor(t.clock.now() / 1000) + 300)
      .sign(new TextEncoder().encode(DEMO_IDENTITY_SECRET));
    const res = await t.app.request('/v1/identify', {
      method: 'POST',
      headers: t.widgetHeaders(device),
      body: JSON.stringify({ token }),
    });
    expect(res.status).toBe(200);
    await dispatch();
    const exp = await t.app.request('/v1/experience', { headers: t.widgetHeaders(device) });
    const { purposes } = (await exp.json()) as {
      purposes: { key: string; notice: { id: string; hash: string } }[];
    };
    const p = purposes.find((x) => x.key === 'analytics');
    await t.app.request('/v1/consents', {
      method: 'POST',
      headers: t.widgetHeaders(device),
      body: JSON.stringify({
        decisions: [
          {
            purpose: 'analytics',
            decision: 'withdrawn',
            noticeId: p?.notice.id,
            noticeHash: p?.notice.hash,
          },
        ],
        source: 'preferences',
        surface: 'preferences_save',
        locale: 'en',
      }),
    });
    await dispatch();
    const last = bodies('/identified').at(-1);
    expect(last.data.externalId).toBe('user-42');
    expect(last.data.events[0]).toMatchObject({ purpose: 'analytics', decision: 'withdrawn' });
  });
});
