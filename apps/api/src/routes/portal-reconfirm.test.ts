// Re-confirming everything that is due in one place (C8, C10), never bulk-granting a
// separate-consent purpose (C5, C6), and only ever for one's own consents.
import { PortalMe, Problem, ReconfirmOutput } from '@assent/contract';
import { schema } from '@assent/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPropertyConfig } from '../domain/property-config.ts';
import { demoPropertyConfig } from '../seed/demo-property.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../testing.ts';
import { json, linkEmail, portal, signIn } from './portal-test-kit.ts';

const DAY = 86_400_000;
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

async function me(cookie: string) {
  const res = await portal(t, cookie, '/me?locale=en');
  expect(res.status).toBe(200);
  return PortalMe.parse(await res.json());
}

/** The page's items for the given purposes: property, key and the notice shown. */
function items(body: Awaited<ReturnType<typeof me>>, keys: string[]) {
  return body.properties.flatMap(({ property, purposes }) =>
    purposes
      .filter((p) => keys.includes(p.key))
      .map((p) => ({ propertyId: property.id, purpose: p.key, noticeId: p.notice.id })),
  );
}

async function eventsOf(purpose: string, surface: string) {
  return t.database.db
    .select()
    .from(schema.consentEvents)
    .innerJoin(schema.purposes, eq(schema.purposes.id, schema.consentEvents.purposeId))
    .where(and(eq(schema.purposes.key, purpose), eq(schema.consentEvents.surface, surface)));
}

describe('re-confirm everything that is due', () => {
  it('C10: grants ending within the reminder window or expired are listed, and one action renews the ordinary ones', async () => {
    const device = await linkEmail(t, 'due-all@example.com');
    await t.recordDecision(device, 'analytics', 'granted');
    await t.recordDecision(device, 'marketing_email', 'granted');
    await t.recordDecision(device, 'face_login', 'granted', {
      source: 'sensitive_dialog',
      surface: 'separate_dialog',
    });
    await t.recordDecision(device, 'personalized_ads', 'denied');
    expect((await me(await signIn(t, 'due-all@example.com'))).properties[0]?.reconfirm).toEqual([]);

    // 340 days on: the 365-day grants end within 30 days; the 180-day sensitive one has expired.
    t.clock.advanceDays(340);
    const cookie = await signIn(t, 'due-all@example.com');
    const page = await me(cookie);
    const [property] = page.properties;
    expect(property?.reconfirm).toEqual(['analytics', 'marketing_email', 'face_login']);
    const face = property?.purposes.find((p) => p.key === 'face_login');
    expect(face?.state.status).toBe('expired');
    expect(face?.separateConsent).toBe('sensitive');

    const res = await portal(t, cookie, '/reconfirm', {
      items: items(page, ['analytics', 'marketing_email', 'personalized_ads']),
      locale: 'en',
    });
    expect(res.status).toBe(201);
    const out = ReconfirmOutput.parse(await res.json());
    expect(out.recorded.map((r) => [r.purpose, r.decision])).toEqual([
      ['analytics', 'granted'],
      ['marketing_email', 'granted'],
    ]);
    // A refusal is never "due": it is skipped, not turned into a grant.
    expect(out.skipped).toEqual([
      { propertyId: property?.property.id, purpose: 'personalized_ads' },
    ]);

    const after = await me(cookie);
    expect(after.properties[0]?.reconfirm).toEqual(['face_login']);
    const analytics = after.properties[0]?.purposes.find((p) => p.key === 'analytics');
    expect(analytics?.state).toMatchObject({ status: 'granted', effective: true });
    expect(Date.parse(analytics?.state.expiresAt ?? '')).toBe(t.clock.now() + 365 * DAY);
    expect(analytics?.source).toBe('portal');
    expect(await eventsOf('analytics', 'portal_reconfirm_all')).toHaveLength(1);
    expect(
      after.properties[0]?.purposes.find((p) => p.key === 'personalized_ads')?.state.status,
    ).toBe('denied');
  });

  it('C5/C6: a separate-consent purpose is never re-confirmed in bulk; it keeps its own dialog', async () => {
    const device = await linkEmail(t, 'sep-due@example.com');
    await t.recordDecision(device, 'analytics', 'granted');
    await t.recordDecision(device, 'face_login', 'granted', {
      source: 'sensitive_dialog',
      surface: 'separate_dialog',
    });
    t.clock.advanceDays(181);
    const cookie = await signIn(t, 'sep-due@example.com');
    const page = await me(cookie);
    const before = (await eventsOf('analytics', 'portal_reconfirm_all')).length;
    const res = await portal(t, cookie, '/reconfirm', {
      items: items(page, ['analytics', 'face_login']),
    });
    expect(res.status).toBe(422);
    expect(Problem.parse(await res.json()).code).toBe('separate_consent_required');
    // All or nothing: the ordinary purpose in the same batch was not recorded either.
    expect(await eventsOf('analytics', 'portal_reconfirm_all')).toHaveLength(before);
    expect(await eventsOf('face_login', 'portal_reconfirm_all')).toHaveLength(0);
    expect((await me(cookie)).properties[0]?.reconfirm).toContain('face_login');

    // Its own confirmation, after the dialog showed necessity and impact, works.
    const face = page.properties[0]?.purposes.find((p) => p.key === 'face_login');
    expect(face?.notice.necessity).toBeTruthy();
    expect(face?.notice.impact).toBeTruthy();
    const own = await portal(t, cookie, '/consents', {
      propertyId: page.properties[0]?.property.id,
      purpose: 'face_login',
      decision: 'granted',
      surface: 'separate_dialog',
    });
    expect(own.status).toBe(201);
    expect((await me(cookie)).properties[0]?.reconfirm).not.toContain('face_login');
  });

  it("security: only one's own properties; signed out 401; no CSRF header 403", async () => {
    const device = await linkEmail(t, 'owner-due@example.com');
    await t.recordDecision(device, 'analytics', 'granted');
    await linkEmail(t, 'other-due@example.com');
    t.clock.advanceDays(360);
    const owner = await signIn(t, 'owner-due@example.com');
    const other = await signIn(t, 'other-due@example.com');
    const body = { items: items(await me(owner), ['analytics']) };
    const foreign = await portal(t, other, '/reconfirm', {
      items: [{ ...body.items[0], propertyId: 'prop_not_mine' }],
    });
    expect(foreign.status).toBe(404);
    expect(Problem.parse(await foreign.json()).code).toBe('not_found');
    // The other customer re-confirming on the shared property touches only their own subject.
    const own = ReconfirmOutput.parse(await (await portal(t, other, '/reconfirm', body)).json());
    expect(own.recorded).toHaveLength(0);
    expect((await me(owner)).properties[0]?.reconfirm).toContain('analytics');
    expect(
      (
        await t.app.request('/portal/api/reconfirm', {
          method: 'POST',
          headers: json,
          body: JSON.stringify(body),
        })
      ).status,
    ).toBe(401);
    const csrf = await t.app.request('/portal/api/reconfirm', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: owner },
      body: JSON.stringify(body),
    });
    expect(csrf.status).toBe(403);
    expect(Problem.parse(await csrf.json()).code).toBe('csrf_failed');
  });

  // Last: it publishes a new notice version on the shared demo property.
  it('C8: after a material notice change the grant is stale and listed with the notice that changed; only the new notice can be agreed to', async () => {
    const device = await linkEmail(t, 'stale@example.com');
    await t.recordDecision(device, 'analytics', 'granted');
    const cookie = await signIn(t, 'stale@example.com');
    const cfg = demoPropertyConfig([TEST_ORIGIN]);
    const analytics = cfg.purposes.find((p) => p.key === 'analytics');
    if (!analytics?.notices.en) throw new Error('fixture');
    analytics.notices.en.methods = 'A first-party script and a new session-replay tool.';
    await applyPropertyConfig(t.database.db, cfg);

    const page = await me(cookie);
    expect(page.properties[0]?.reconfirm).toContain('analytics');
    const shown = page.properties[0]?.purposes.find((p) => p.key === 'analytics');
    expect(shown?.state.status).toBe('stale');
    expect(shown?.agreedNotice?.version).toBeLessThan(shown?.notice.version ?? 0);
    expect(shown?.notice.methods).toMatch(/session-replay/);

    const old = await portal(t, cookie, '/reconfirm', {
      items: [
        {
          propertyId: page.properties[0]?.property.id,
          purpose: 'analytics',
          noticeId: shown?.agreedNotice?.id,
        },
      ],
    });
    expect(old.status).toBe(409);
    expect(Problem.parse(await old.json()).code).toBe('notice_outdated');
    const ok = await portal(t, cookie, '/reconfirm', { items: items(page, ['analytics']) });
    expect(ok.status).toBe(201);
    const now = (await me(cookie)).properties[0]?.purposes.find((p) => p.key === 'analytics');
    expect(now?.state.status).toBe('granted');
    expect(now?.agreedNotice?.version).toBe(now?.notice.version);
  });
});
