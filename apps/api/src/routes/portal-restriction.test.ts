// Restriction of processing (GDPR art. 18; PIPL art. 44): a restriction request made in the
// portal is in force at once; `may()` then answers false for every purpose that is not
// necessary (reason `restricted`); the portal shows it; lifting it restores normal answers.
import { CreateRequestOutput, MayOutput, PortalMe, Problem } from '@assent/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeOldRequests } from '../domain/requests/progress.ts';
import { DEMO_SECRET_KEY } from '../seed/demo-property.ts';
import { createTestApp, type TestApp } from '../testing.ts';
import { jobDeps, linkEmail, portal, signIn } from './portal-test-kit.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

/** The product's backend asking `may(user, purpose)` with its secret key. */
async function may(externalId: string, purpose: string) {
  const res = await t.app.request('/v1/server/may', {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_SECRET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ externalId, purpose }),
  });
  expect(res.status).toBe(200);
  return MayOutput.parse(await res.json());
}

async function me(cookie: string) {
  return PortalMe.parse(await (await portal(t, cookie, '/me')).json());
}

async function restrict(cookie: string) {
  const res = await portal(t, cookie, '/requests', {
    type: 'restriction',
    note: 'pending a dispute',
  });
  expect(res.status).toBe(201);
  const [request] = CreateRequestOutput.parse(await res.json()).requests;
  if (!request) throw new Error('no request');
  return request;
}

describe('restriction of processing', () => {
  it('GDPR 18/PIPL 44: while restricted, may() refuses every non-necessary purpose with reason restricted; lifting restores it', async () => {
    const email = 'restrict@example.com';
    const user = `user_${email}`;
    const device = await linkEmail(t, email);
    await t.recordDecision(device, 'analytics', 'granted');
    expect(await may(user, 'analytics')).toMatchObject({ allowed: true, reason: 'granted' });

    const cookie = await signIn(t, email);
    const request = await restrict(cookie);
    expect(request.status).toBe('verified');

    expect(await may(user, 'analytics')).toMatchObject({
      allowed: false,
      status: 'granted', // the consent itself is untouched
      reason: 'restricted',
    });
    expect(await may(user, 'marketing_email')).toMatchObject({
      allowed: false,
      reason: 'restricted',
    });
    // What the service needs still runs.
    expect(await may(user, 'essential')).toMatchObject({ allowed: true, reason: 'necessary' });

    // The portal says so.
    const restricted = (await me(cookie)).properties[0]?.restriction;
    expect(restricted).toMatchObject({ requestId: request.id, status: 'verified' });

    // A second restriction adds nothing.
    const again = await portal(t, cookie, '/requests', { type: 'restriction' });
    expect(again.status).toBe(409);
    expect(Problem.parse(await again.json()).code).toBe('request_pending');

    // Lifting it (the customer's own action) restores normal answers at once.
    const lifted = await portal(t, cookie, `/requests/${request.id}/lift`, {});
    expect(lifted.status).toBe(200);
    const [view] = CreateRequestOutput.parse(await lifted.json()).requests;
    expect(view?.status).toBe('lifted');
    expect(view?.timeline.at(-1)?.kind).toBe('lifted');
    expect(await may(user, 'analytics')).toMatchObject({ allowed: true, reason: 'granted' });
    expect((await me(cookie)).properties[0]?.restriction).toBeNull();
    const twice = await portal(t, cookie, `/requests/${request.id}/lift`, {});
    expect(twice.status).toBe(409);
    expect(Problem.parse(await twice.json()).code).toBe('invalid_transition');
  });

  it('GDPR 18: a restriction also binds the subject id the webhooks name, and a completed one stays in force', async () => {
    const email = 'restrict2@example.com';
    const device = await linkEmail(t, email);
    await t.recordDecision(device, 'analytics', 'granted');
    const { subjectId } = await may(`user_${email}`, 'analytics');
    const cookie = await signIn(t, email);
    const request = await restrict(cookie);
    const { transition } = await import('../domain/requests/requests.ts');
    for (const to of ['in_progress', 'completed'] as const)
      await t.database.db.transaction((tx) =>
        transition(tx, request.id, to, { actor: { type: 'staff', id: 'stf_x' } }, t.clock.now()),
      );
    t.clock.advanceDays(1200); // past the request-record retention (R8): kept while in force
    await purgeOldRequests(jobDeps(t));
    const res = await t.app.request('/v1/server/may', {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_SECRET_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subjectId, purpose: 'analytics' }),
    });
    expect(MayOutput.parse(await res.json())).toMatchObject({
      allowed: false,
      reason: 'restricted',
    });
  });

  it("security: one customer cannot lift another's restriction", async () => {
    await linkEmail(t, 'holder@example.com');
    await linkEmail(t, 'meddler@example.com');
    const holder = await signIn(t, 'holder@example.com');
    const meddler = await signIn(t, 'meddler@example.com');
    const request = await restrict(holder);
    const res = await portal(t, meddler, `/requests/${request.id}/lift`, {});
    expect(res.status).toBe(404);
    expect((await me(holder)).properties[0]?.restriction?.requestId).toBe(request.id);
    expect((await me(meddler)).properties[0]?.restriction).toBeNull();
  });
});
