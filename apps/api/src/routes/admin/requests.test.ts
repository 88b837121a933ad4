import {
  CreateRequestOutput,
  LegalHoldEvidence,
  LegalHoldList,
  MayOutput,
  PortalRequests,
  Problem,
  StaffRequest,
  StaffRequestList,
  StaffRequestSummary,
} from '@assent/contract';
import { schema } from '@assent/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeReadyRequests, executeDueErasures } from '../../domain/requests/progress.ts';
import { totpCode } from '../../security/totp.ts';
import { DEMO_SECRET_KEY } from '../../seed/demo-property.ts';
import { createTestApp, type TestApp } from '../../testing.ts';
import { jobDeps, linkEmail, portal, signIn } from '../portal-test-kit.ts';
import { addStaffMember, STAFF_PASSWORD } from './admin-test-kit.ts';

const PASSWORD = STAFF_PASSWORD;
const ENV = { ASSENT_ERASURE_COOLING_OFF_DAYS: '0' };
let t: TestApp;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

/** Creates a member of `role` and signs them in with password + TOTP; @returns the Bearer token. */
async function staffToken(role: string): Promise<string> {
  const { id, email, secret } = await addStaffMember(t, role);
  ids[role] = id;
  const res = await t.app.request('/admin/api/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, code: totpCode(secret, t.clock.now()) }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

const get = (role: string, path: string) =>
  t.app.request(`/admin/api${path}`, { headers: { authorization: `Bearer ${tokens[role]}` } });
const post = (role: string, path: string, body: unknown) =>
  t.app.request(`/admin/api${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** A customer linked to the demo shop who made a request of `type` in the portal. */
async function customerRequest(email: string, type: 'access' | 'erasure' | 'restriction') {
  await linkEmail(t, email);
  const cookie = await signIn(t, email); // the sign-in code counts as step-up
  const res = await portal(t, cookie, '/requests', { type, note: 'a note from the customer' });
  expect(res.status).toBe(201);
  const [request] = CreateRequestOutput.parse(await res.json()).requests;
  if (!request) throw new Error('no request');
  return { cookie, request };
}

async function audits(action: string, actorId?: string) {
  return t.database.db
    .select()
    .from(schema.auditEvents)
    .where(
      and(
        eq(schema.auditEvents.action, action),
        actorId ? eq(schema.auditEvents.actorId, actorId) : undefined,
      ),
    );
}

async function may(email: string, purpose: string) {
  const res = await t.app.request('/v1/server/may', {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_SECRET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ externalId: `user_${email}`, purpose }),
  });
  return MayOutput.parse(await res.json());
}

beforeAll(async () => {
  t = await createTestApp(ENV);
  t.clock.advanceDays(10 / 24); // 10:00 UTC: inside the default working hours (no S6 alert)
  for (const role of ['support', 'privacy_officer', 'legal', 'auditor'])
    tokens[role] = await staffToken(role);
});
afterAll(() => t.dispose());

describe('reading requests', () => {
  it('R5/S7: staff list requests by filter, earliest due first; every customer listed is audited', async () => {
    const { request } = await customerRequest('listed@example.com', 'restriction');
    const res = await get('support', '/requests?type=restriction&status=verified');
    expect(res.status).toBe(200);
    const { requests } = StaffRequestList.parse(await res.json());
    expect(requests.map((r) => r.id)).toContain(request.id);
    expect(requests.every((r) => r.type === 'restriction' && r.status === 'verified')).toBe(true);
    const due = requests.map((r) => Date.parse(r.dueAt));
    expect(due).toEqual([...due].sort((a, b) => a - b));
    const reads = await audits('request.read', ids.support);
    const subjectId = requests.find((r) => r.id === request.id)?.subjectId;
    expect(reads.some((a) => a.subjectId === subjectId && a.target?.includes(request.id))).toBe(
      true,
    );
    const none = StaffRequestList.parse(
      await (await get('support', '/requests?status=lifted')).json(),
    );
    expect(none.requests).toHaveLength(0);
  });

  it('R5: one request with its timeline and details; overdue ones are found by filter', async () => {
    const { request } = await customerRequest('shown@example.com', 'restriction');
    const res = await get('support', `/requests/${request.id}`);
    expect(res.status).toBe(200);
    const shown = StaffRequest.parse(await res.json());
    expect(shown.timeline.map((e) => e.kind)).toEqual(['received', 'verified']);
    expect(shown.details).toEqual({ note: 'a note from the customer' });
    expect(shown).toMatchObject({ overdue: false, legalHold: false, providerCalls: [] });
    const reads = await audits('request.read', ids.support);
    expect(reads.some((a) => a.target === request.id)).toBe(true);
    expect((await get('support', '/requests/req_missing')).status).toBe(404);

    t.clock.advanceDays(31);
    // Staff sessions last a working day: everyone signs in again on the later day.
    for (const role of Object.keys(tokens)) tokens[role] = await staffToken(role);
    const overdue = StaffRequestList.parse(
      await (await get('support', '/requests?overdue=true&limit=100')).json(),
    );
    expect(overdue.requests.find((r) => r.id === request.id)?.overdue).toBe(true);
  });

  it('S5: reading needs requests.read; no token is 401; bad filters are 400', async () => {
    const res = await get('auditor', '/requests');
    expect(res.status).toBe(403);
    expect(Problem.parse(await res.json()).code).toBe('forbidden');
    expect((await t.app.request('/admin/api/requests')).status).toBe(401);
    const bad = await get('support', '/requests?limit=1000');
    expect(bad.status).toBe(400);
    expect(Problem.parse(await bad.json()).code).toBe('invalid_request');
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { 'x-required-permissions'?: string[] }>>;
    };
    expect(doc.paths['/admin/api/requests']?.get?.['x-required-permissions']).toEqual([
      'requests.read',
    ]);
    expect(doc.paths['/admin/api/requests/{id}/reject']?.post?.['x-required-permissions']).toEqual([
      'requests.manage',
    ]);
    expect(
      doc.paths['/admin/api/legal-holds/{subjectId}']?.get?.['x-required-permissions'],
    ).toEqual(['legal_hold.read']);
  });
});

describe('moving requests', () => {
  it('R6: a rejection needs a reason, and the customer sees it with the complaint route', async () => {
    const email = 'rejected@example.com';
    const { cookie, request } = await customerRequest(email, 'restriction');
    expect(await may(email, 'analytics')).toMatchObject({ reason: 'restricted' });
    const denied = await post('support', `/requests/${request.id}/reject`, {
      reason: 'We cannot verify that this account is yours.',
    });
    expect(denied.status).toBe(403);
    const short = await post('privacy_officer', `/requests/${request.id}/reject`, { reason: 'no' });
    expect(short.status).toBe(400);
    const res = await post('privacy_officer', `/requests/${request.id}/reject`, {
      reason: 'We cannot verify that this account is yours.',
    });
    expect(res.status).toBe(200);
    expect(StaffRequestSummary.parse(await res.json()).status).toBe('rejected');
    const mine = PortalRequests.parse(await (await portal(t, cookie, '/requests')).json());
    const shown = mine.requests.find((r) => r.id === request.id);
    expect(shown).toMatchObject({
      status: 'rejected',
      reason: 'We cannot verify that this account is yours.',
    });
    expect(shown?.complaintRoute).toMatch(/complain/i);
    // A rejected restriction does not restrict.
    expect(await may(email, 'analytics')).not.toMatchObject({ reason: 'restricted' });
    const audit = await audits('request.rejected', ids.privacy_officer);
    expect(audit.some((a) => a.target === request.id)).toBe(true);
    expect(
      (
        await post('privacy_officer', `/requests/${request.id}/reject`, {
          reason: 'Rejected a second time, which is not possible.',
        })
      ).status,
    ).toBe(409);
  });

  it('a restriction moves forward to completed and stays in force; staff lift it and the customer is told', async () => {
    const email = 'lift@example.com';
    const { cookie, request } = await customerRequest(email, 'restriction');
    for (const to of ['in_progress', 'completed']) {
      const res = await post('privacy_officer', `/requests/${request.id}/advance`, {
        to,
        note: 'marked in every system',
      });
      expect(res.status).toBe(200);
      expect(StaffRequestSummary.parse(await res.json()).status).toBe(to);
    }
    expect(await may(email, 'analytics')).toMatchObject({ allowed: false, reason: 'restricted' });
    const lifted = await post('privacy_officer', `/requests/${request.id}/lift`, {
      note: 'The accuracy check is finished.',
    });
    expect(lifted.status).toBe(200);
    expect(StaffRequestSummary.parse(await lifted.json()).status).toBe('lifted');
    expect(await may(email, 'analytics')).not.toMatchObject({ reason: 'restricted' });
    const mails = await t.database.db
      .select()
      .from(schema.devMailbox)
      .where(eq(schema.devMailbox.to, email));
    expect(mails.some((m) => m.body.includes('The accuracy check is finished.'))).toBe(true);
    const mine = PortalRequests.parse(await (await portal(t, cookie, '/requests')).json());
    expect(mine.requests.find((r) => r.id === request.id)?.timeline.at(-1)).toMatchObject({
      kind: 'lifted',
      note: 'The accuracy check is finished.',
    });
  });

  it('access and erasure are driven by the engine: staff cannot start an erasure early or complete either', async () => {
    const { request: erasure } = await customerRequest('early@example.com', 'erasure');
    const early = await post('privacy_officer', `/requests/${erasure.id}/advance`, {
      to: 'in_progress',
    });
    expect(early.status).toBe(409);
    expect(Problem.parse(await early.json()).code).toBe('invalid_transition');
    const { request: access } = await customerRequest('copy@example.com', 'access');
    const done = await post('privacy_officer', `/requests/${access.id}/advance`, {
      to: 'completed',
    });
    expect(done.status).toBe(409);
    const liftAccess = await post('privacy_officer', `/requests/${access.id}/lift`, {
      note: 'not a restriction',
    });
    expect(liftAccess.status).toBe(409);
    await completeReadyRequests(jobDeps(t, ENV));
  });
});

describe('legal holds', () => {
  it('R4: only the legal role reads what an erasure left under legal hold; every reading and refusal is audited', async () => {
    const email = 'held@example.com';
    const device = await linkEmail(t, email);
    await t.recordDecision(device, 'analytics', 'granted');
    const cookie = await signIn(t, email);
    const made = await portal(t, cookie, '/requests', { type: 'erasure' });
    expect(made.status).toBe(201);
    const [erasure] = CreateRequestOutput.parse(await made.json()).requests;
    expect(await executeDueErasures(jobDeps(t, ENV))).toBeGreaterThanOrEqual(1);

    const list = await get('legal', '/legal-holds?limit=100');
    expect(list.status).toBe(200);
    const mine = LegalHoldList.parse(await list.json()).holds.filter(
      (h) => h.requestId === erasure?.id,
    );
    expect(mine.length).toBeGreaterThan(0);
    const events = [];
    for (const hold of mine) {
      const res = await get('legal', `/legal-holds/${hold.subjectId}`);
      expect(res.status).toBe(200);
      events.push(...LegalHoldEvidence.parse(await res.json()).events);
    }
    expect(events.map((e) => e.decision)).toContain('granted');
    expect(events[0]?.noticeHash).toMatch(/^[0-9a-f]{64}$/);
    const subjectId = mine[0]?.subjectId ?? '';
    expect(
      (await audits('legal_hold.read', ids.legal)).some((a) => a.subjectId === subjectId),
    ).toBe(true);
    expect(await audits('legal_hold.list', ids.legal)).toHaveLength(1);

    for (const role of ['privacy_officer', 'support']) {
      const refused = await get(role, `/legal-holds/${subjectId}`);
      expect(refused.status).toBe(403);
      expect((await get(role, '/legal-holds')).status).toBe(403);
    }
    expect(
      (await audits('legal_hold.read_denied', ids.privacy_officer)).some(
        (a) => a.subjectId === subjectId,
      ),
    ).toBe(true);
    expect((await get('legal', '/legal-holds/sub_not_held')).status).toBe(404);
  });
});
