// The staff admin API: MFA sign-in, field masking, unmask with reason, temporary grants,
// behaviour alerts with second-person review (REQUIREMENTS S5, S6, S7).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Problem, StaffSubject } from '@assent/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyDevice } from '../../domain/identity.ts';
import { expireGrants } from '../../domain/staff-grants.ts';
import { deviceKey } from '../../domain/subjects.ts';
import { totpCode } from '../../security/totp.ts';
import { createTestApp, type TestApp } from '../../testing.ts';
import { addStaffMember, STAFF_PASSWORD, type TestStaffMember } from './admin-test-kit.ts';

const HOUR = 3_600_000;
let t: TestApp;
let hook: Server;
const received: { type: string; alert: { kind: string; staffId: string } }[] = [];
const PASSWORD = STAFF_PASSWORD;

type Member = TestStaffMember;
const members: Record<string, Member> = {};
const addMember = (role: string) => addStaffMember(t, role);

const tick = () => t.clock.advanceDays(1 / 24 / 60); // one minute: a fresh TOTP step

async function signIn(m: Member, given?: string) {
  tick();
  const code = given ?? totpCode(m.secret, t.clock.now());
  const res = await t.app.request('/admin/api/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: m.email, password: PASSWORD, code }),
  });
  return { res, body: (await res.json()) as { token: string; suspended: boolean } };
}

async function tokenOf(m: Member) {
  const { res, body } = await signIn(m, totpCode(m.secret, t.clock.now() + 60_000));
  expect(res.status).toBe(200);
  return body.token;
}

const get = (token: string, path: string) =>
  t.app.request(`/admin/api${path}`, { headers: { authorization: `Bearer ${token}` } });
const send = (token: string, method: string, path: string, body: unknown) =>
  t.app.request(`/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function newCustomer(n: string) {
  const { subjectId } = await identifyDevice(
    t.database.db,
    t.propertyId,
    deviceKey(t.newDevice()),
    { userId: `user-${n}`, email: `${n}@example.com` },
    t.keyring,
  );
  return subjectId;
}

async function auditRows(action: string) {
  return t.database.sql<
    { actor_id: string; subject_id: string; details: Record<string, unknown> }[]
  >`
    select actor_id, subject_id, details from audit_events where action = ${action} order by seq`;
}

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const port = (hook.address() as AddressInfo).port;
  t = await createTestApp({
    ASSENT_ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/alerts`,
    ASSENT_STAFF_WORKING_HOURS: '08:00-20:00',
    ASSENT_STAFF_TIME_ZONE: 'Asia/Shanghai',
  });
  t.clock.advanceDays(2 / 24); // 02:00 UTC = 10:00 in Shanghai: working hours
  for (const role of ['support', 'privacy_officer', 'admin', 'auditor'])
    members[role] = await addMember(role);
});
afterAll(async () => {
  await t.dispose();
  await new Promise((r) => hook.close(r));
});

const m = (role: string) => members[role] as Member;

describe('staff sign-in', () => {
  it('S5: needs password and a TOTP code; a code works once; a recovery code works once; all audited', async () => {
    const support = m('support');
    const wrong = await t.app.request('/admin/api/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: support.email, password: PASSWORD, code: '000000' }),
    });
    expect(wrong.status).toBe(401);
    Problem.parse(await wrong.json());
    const code = totpCode(support.secret, t.clock.now() + 60_000);
    expect((await signIn(support, code)).res.status).toBe(200);
    expect((await signIn(support, code)).res.status).toBe(401); // replay
    const recovery = support.recoveryCodes[0] ?? '';
    expect((await signIn(support, recovery)).res.status).toBe(200);
    expect((await signIn(support, recovery)).res.status).toBe(401);
    const badPassword = await t.app.request('/admin/api/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: support.email,
        password: 'nope',
        code: totpCode(support.secret, t.clock.now()),
      }),
    });
    expect(badPassword.status).toBe(401);
    expect(
      (await auditRows('staff.sign_in')).filter((r) => r.actor_id === support.id),
    ).toHaveLength(2);
    expect((await auditRows('staff.sign_in_failed')).length).toBeGreaterThanOrEqual(4);
  });

  it('S5: no token, a made-up token, or an expired session gets 401', async () => {
    expect((await t.app.request('/admin/api/me')).status).toBe(401);
    expect((await get('ast_madeup', '/me')).status).toBe(401);
    const token = await tokenOf(m('auditor'));
    expect((await get(token, '/me')).status).toBe(200);
    t.clock.advanceDays(11 / 24);
    expect((await get(token, '/me')).status).toBe(401);
    t.clock.advanceDays(13 / 24); // back in working hours the next day
  });
});

describe('field-level access', () => {
  it('S5: support sees L2 masked and never L1; each read is audited', async () => {
    const id = await newCustomer('grace');
    const token = await tokenOf(m('support'));
    const res = await get(token, `/subjects/${id}`);
    expect(res.status).toBe(200);
    const view = StaffSubject.parse(await res.json());
    expect(view.fields).toEqual({ externalId: null, email: 'g***@example.com' });
    expect(view.restricted).toEqual(['externalId']);
    expect(JSON.stringify(view)).not.toContain('grace@');
    expect((await get(token, `/subjects/${id}?unmask=true&reason=customer called in`)).status).toBe(
      403,
    );
    const reads = await auditRows('subject.read');
    expect(reads.at(-1)).toMatchObject({ actor_id: m('support').id, subject_id: id });
  });

  it('S5: the privacy officer unmasks only with a stated reason, which is audited', async () => {
    const id = await newCustomer('ada');
    const token = await tokenOf(m('privacy_officer'));
    expect((await get(token, `/subjects/${id}?unmask=true`)).status).toBe(400);
    const res = await get(
      token,
      `/subjects/${id}?unmask=true&reason=${encodeURIComponent('erasure dispute #4411')}`,
    );
    expect(res.status).toBe(200);
    expect(StaffSubject.parse(await res.json()).fields).toEqual({
      externalId: 'user-ada',
      email: 'ada@example.com',
    });
    const [row] = (await auditRows('subject.unmask')).slice(-1);
    expect(row).toMatchObject({ subject_id: id, details: { reason: 'erasure dispute #4411' } });
    // Search goes through the blind index.
    const found = await get(token, '/subjects?email=ADA@example.com');
    expect(
      ((await found.json()) as { subjects: { id: string }[] }).subjects.map((s) => s.id),
    ).toEqual([id]);
  });

  it('S5: admins read no customer data; a temporary grant works until it ends, and every change is audited', async () => {
    const id = await newCustomer('linus');
    const admin = await tokenOf(m('admin'));
    expect((await get(admin, `/subjects/${id}`)).status).toBe(403);
    const support = await tokenOf(m('support'));
    // Support cannot grant; nobody grants to themselves.
    expect(
      (
        await send(support, 'POST', `/staff/${m('support').id}/grants`, {
          permission: 'subjects.unmask',
          expiresAt: new Date(t.clock.now() + HOUR).toISOString(),
          reason: 'self',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await send(admin, 'POST', `/staff/${m('admin').id}/grants`, {
          permission: 'subjects.read',
          expiresAt: new Date(t.clock.now() + HOUR).toISOString(),
          reason: 'self',
        })
      ).status,
    ).toBe(400);
    const granted = await send(admin, 'POST', `/staff/${m('support').id}/grants`, {
      permission: 'subjects.unmask',
      expiresAt: new Date(t.clock.now() + HOUR).toISOString(),
      reason: 'ticket 812: verify identity',
    });
    expect(granted.status).toBe(201);
    const grant = (await granted.json()) as { id: string };
    const reason = 'ticket 812: verify identity';
    expect(
      (await get(support, `/subjects/${id}?unmask=true&reason=${encodeURIComponent(reason)}`))
        .status,
    ).toBe(200);
    t.clock.advanceDays(2 / 24); // the grant has ended
    expect(
      (await get(support, `/subjects/${id}?unmask=true&reason=${encodeURIComponent(reason)}`))
        .status,
    ).toBe(403);
    expect(await expireGrants(t.database.db, t.clock.now())).toBe(1);
    expect((await auditRows('staff.grant')).at(-1)).toMatchObject({ actor_id: m('admin').id });
    expect((await auditRows('staff.grant_expired')).at(-1)?.details).toMatchObject({
      staffId: m('support').id,
    });
    expect((await send(admin, 'DELETE', `/grants/${grant.id}`, {})).status).toBe(404); // already ended
    expect(
      (await send(admin, 'PUT', `/staff/${m('auditor').id}/role`, { role: 'support' })).status,
    ).toBe(204);
    expect((await auditRows('staff.role_change')).at(-1)?.details).toEqual({
      from: 'auditor',
      to: 'support',
    });
    expect(
      (await send(admin, 'PUT', `/staff/${m('auditor').id}/role`, { role: 'auditor' })).status,
    ).toBe(204);
  });
});

describe('behaviour alerts', () => {
  it('S6: more than 50 customers read in a day raises an alert, calls the webhook and suspends access until a second person reviews it', async () => {
    const reader = await addMember('support');
    const ids: string[] = [];
    for (let i = 0; i < 51; i++) ids.push(await newCustomer(`bulk${i}`));
    const token = await tokenOf(reader);
    for (const [i, id] of ids.entries()) {
      const res = await get(token, `/subjects/${id}`);
      expect(res.status, `read ${i + 1}`).toBe(200);
    }
    const blocked = await get(token, `/subjects/${ids[0]}`);
    expect(blocked.status).toBe(403);
    expect(Problem.parse(await blocked.json()).code).toBe('access_suspended');
    expect(received.at(-1)).toMatchObject({
      type: 'staff.alert',
      alert: { kind: 'bulk_reads', staffId: reader.id },
    });
    const officer = await tokenOf(m('privacy_officer'));
    const list = (await (await get(officer, '/alerts')).json()) as {
      alerts: { id: string; staffId: string }[];
    };
    const alert = list.alerts.find((a) => a.staffId === reader.id);
    expect(alert).toBeDefined();
    // The member cannot clear their own alert (and support lacks alerts.review anyway).
    expect(
      (await send(token, 'POST', `/alerts/${alert?.id}/review`, { note: 'all fine' })).status,
    ).toBe(403);
    const reviewed = await send(officer, 'POST', `/alerts/${alert?.id}/review`, {
      note: 'bulk export for an audit, approved',
    });
    expect(await reviewed.json()).toEqual({ id: alert?.id, restored: true });
    expect((await get(token, `/subjects/${ids[0]}`)).status).toBe(200);
  }, 120_000);

  it('S6: a sign-in outside working hours raises an alert and suspends data access', async () => {
    const night = await addMember('support');
    const id = await newCustomer('night');
    t.clock.advanceDays(14 / 24); // +14 h: outside 08:00-20:00 in Shanghai
    const { res, body } = await signIn(night);
    expect(res.status).toBe(200);
    expect(body.suspended).toBe(true);
    expect(received.at(-1)).toMatchObject({
      alert: { kind: 'off_hours_sign_in', staffId: night.id },
    });
    expect((await get(body.token, `/subjects/${id}`)).status).toBe(403);
    t.clock.advanceDays(10 / 24);
  });
});

describe('OpenAPI', () => {
  it('S5: staff endpoints are documented with their required permissions', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { 'x-required-permissions'?: string[] }>>;
      components: { securitySchemes?: Record<string, unknown> };
    };
    expect(doc.paths['/admin/api/subjects/{id}']?.get?.['x-required-permissions']).toEqual([
      'subjects.read',
    ]);
    expect(doc.paths['/admin/api/staff/{id}/grants']?.post?.['x-required-permissions']).toEqual([
      'staff.manage',
    ]);
    expect(doc.paths['/admin/api/audit/export']?.get?.['x-required-permissions']).toEqual([
      'audit.export',
    ]);
    expect(doc.components.securitySchemes?.staffBearer).toBeDefined();
  });

  it('S7: an auditor exports a date range as NDJSON, and the export is audited', async () => {
    const token = await tokenOf(m('auditor'));
    const res = await get(token, '/audit/export?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z');
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ type: 'assent-audit-export/1' });
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({
      type: 'trailer',
      count: lines.length - 2,
    });
    const support = await tokenOf(m('support'));
    expect(
      (await get(support, '/audit/export?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z'))
        .status,
    ).toBe(403);
    expect((await auditRows('audit.export')).at(-1)?.actor_id).toBe(m('auditor').id);
  });
});
