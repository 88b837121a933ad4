// The portal history: every decision with its signed receipt (P4), and only one's own.
import { PortalHistory, SignedReceipt } from '@assent/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing.ts';
import { decide, linkEmail, portal, signIn } from './portal-test-kit.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

describe('history', () => {
  it('P4: a timeline of every decision, newest first, each with a signed receipt', async () => {
    const device = await linkEmail(t, 'hist@example.com');
    await decide(t, device, 'analytics', 'granted');
    t.clock.advanceDays(1);
    await decide(t, device, 'analytics', 'denied');
    const cookie = await signIn(t, 'hist@example.com');
    const list = PortalHistory.parse(await (await portal(t, cookie, '/history')).json());
    const analytics = list.events.filter((e) => e.purpose === 'analytics');
    expect(analytics.map((e) => e.decision)).toEqual(['denied', 'granted']);
    expect(analytics[0]?.title).toBeTruthy();
    const res = await portal(t, cookie, (analytics[0]?.receipt ?? '').replace('/portal/api', ''));
    expect(res.status).toBe(200);
    expect(SignedReceipt.parse(await res.json()).jws).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("security: another customer's history is empty and their receipts answer 404", async () => {
    const device = await linkEmail(t, 'owner@example.com');
    await decide(t, device, 'analytics', 'granted');
    await linkEmail(t, 'snoop@example.com');
    const owner = await signIn(t, 'owner@example.com');
    const snoop = await signIn(t, 'snoop@example.com');
    const [event] = PortalHistory.parse(await (await portal(t, owner, '/history')).json()).events;
    expect(
      PortalHistory.parse(await (await portal(t, snoop, '/history')).json()).events,
    ).toHaveLength(0);
    expect((await portal(t, snoop, `/receipts/${event?.id}`)).status).toBe(404);
    expect((await t.app.request(`/portal/api/receipts/${event?.id}`)).status).toBe(401);
  });
});
