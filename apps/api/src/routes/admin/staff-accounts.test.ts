// Staff access hardening on the real app (REQUIREMENTS S5): sign-in lockout per address (the
// same for unknown addresses) and per network, and staff accounts managed over the admin API
// by the admin role only, every change audited.
import { Problem, StaffCreated, StaffList, StaffMember } from '@assent/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantPermission } from '../../domain/staff-grants.ts';
import { totpCode } from '../../security/totp.ts';
import { createTestApp, type TestApp } from '../../testing.ts';
import { addStaffMember, STAFF_PASSWORD, type TestStaffMember } from './admin-test-kit.ts';

const PASSWORD = STAFF_PASSWORD;
const NETWORK_LIMIT = 4;
let t: TestApp;
let admin: Member;
let officer: Member;

type Member = TestStaffMember;

beforeAll(async () => {
  t = await createTestApp({
    ASSENT_TRUST_PROXY: 'true',
    ASSENT_RATE_LIMIT_STAFF_SIGN_IN: String(NETWORK_LIMIT),
    ASSENT_STAFF_WORKING_HOURS: '00:00-24:00',
  });
  admin = await addMember('admin');
  officer = await addMember('privacy_officer');
});
afterAll(() => t.dispose());

const addMember = (role: string) => addStaffMember(t, role);

const minute = () => t.clock.advanceDays(1 / 1440); // a fresh TOTP step

function signIn(
  body: { email: string; password: string; code: string },
  headers: Record<string, string> = {},
) {
  return t.app.request('/admin/api/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function tokenOf(m: Member, password = PASSWORD) {
  minute();
  const res = await signIn({ email: m.email, password, code: totpCode(m.secret, t.clock.now()) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

const api = (token: string, method: string, path: string, body?: unknown) =>
  t.app.request(`/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function audit(action: string) {
  return t.database.sql<{ actor_id: string | null; target: string | null }[]>`
    select actor_id, target from audit_events where action = ${action} order by seq`;
}

/** The parts of a refusal that reach the caller (the instance path is the same route). */
async function answer(res: Response) {
  const p = Problem.parse(await res.json());
  return { status: res.status, code: p.code, title: p.title, detail: p.detail };
}

describe('staff sign-in lockout', () => {
  it('S5: five failed sign-ins lock the address for 15 minutes, even with the right factors; unknown addresses get the same answer; audited', async () => {
    const member = await addMember('support');
    const code = () => totpCode(member.secret, t.clock.now());
    // Three wrong passwords and two wrong second factors.
    for (const attempt of [
      { password: 'wrong password 1', code: code() },
      { password: 'wrong password 2', code: code() },
      { password: 'wrong password 3', code: code() },
      { password: PASSWORD, code: '000000' },
      { password: PASSWORD, code: 'not-a-recovery-code' },
    ])
      expect((await signIn({ email: member.email, ...attempt })).status).toBe(401);
    const locked = await signIn({ email: member.email, password: PASSWORD, code: code() });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(13 * 60);
    const known = await answer(locked);
    expect(known.code).toBe('too_many_attempts');

    const ghost = 'nobody-here@assent.example';
    for (let i = 0; i < 5; i++)
      expect((await signIn({ email: ghost, password: `guess ${i}`, code: '123456' })).status).toBe(
        401,
      );
    const unknown = await signIn({ email: ghost, password: PASSWORD, code: '123456' });
    expect(unknown.headers.get('retry-after')).toBe(locked.headers.get('retry-after'));
    expect(await answer(unknown)).toEqual(known);

    const locks = await audit('staff.sign_in_locked');
    expect(locks.map((l) => l.actor_id)).toEqual([member.id, null]);
    const refused = await t.database.sql<{ details: { locked?: boolean } }[]>`
      select details from audit_events where action = 'staff.sign_in_failed' order by seq`;
    expect(refused.filter((r) => r.details.locked)).toHaveLength(2);
    // The lock ends after 15 minutes; a success starts the count again.
    t.clock.advanceDays(15 / 1440);
    expect((await signIn({ email: member.email, password: PASSWORD, code: code() })).status).toBe(
      200,
    );
    for (let i = 0; i < 4; i++)
      expect(
        (await signIn({ email: member.email, password: 'wrong again', code: code() })).status,
      ).toBe(401);
    minute();
    expect((await signIn({ email: member.email, password: PASSWORD, code: code() })).status).toBe(
      200,
    );
  });

  it('S5: staff sign-in attempts are limited per client network, over any number of addresses', async () => {
    const from = { 'x-forwarded-for': '198.51.100.23' };
    const statuses: number[] = [];
    for (let i = 0; i <= NETWORK_LIMIT; i++) {
      const res = await signIn(
        { email: `probe${i}@assent.example`, password: 'guess', code: '123456' },
        from,
      );
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(Problem.parse(await res.json()).code).toBe('rate_limited');
      }
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    // Another network is not affected.
    minute();
    const other = await signIn(
      { email: admin.email, password: PASSWORD, code: totpCode(admin.secret, t.clock.now()) },
      { 'x-forwarded-for': '192.0.2.44' },
    );
    expect(other.status).toBe(200);
  });
});

describe('staff accounts over the admin API', () => {
  it('S5: an admin creates a member who enrols with the one-time TOTP link; lists, disables and enables; all audited', async () => {
    const token = await tokenOf(admin);
    const res = await api(token, 'POST', '/staff', {
      email: 'New.Hire@assent.example',
      name: 'New Hire',
      role: 'support',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const created = StaffCreated.parse(await res.json());
    expect(created).toMatchObject({ email: 'new.hire@assent.example', role: 'support' });
    expect(created.totpUri).toMatch(/^otpauth:\/\/totp\//);
    expect(created.recoveryCodes).toHaveLength(10);
    const hire: Member = {
      id: created.id,
      email: created.email,
      secret: new URL(created.totpUri).searchParams.get('secret') ?? '',
      recoveryCodes: created.recoveryCodes,
    };
    // The generated password and the enrolled authenticator sign the new member in.
    const hireToken = await tokenOf(hire, created.password ?? '');
    expect(
      (await api(token, 'POST', '/staff', { email: hire.email, name: 'x', role: 'support' }))
        .status,
    ).toBe(400);

    const list = StaffList.parse(await (await api(token, 'GET', '/staff')).json());
    expect(list.staff.find((s) => s.id === hire.id)).toMatchObject({
      name: 'New Hire',
      role: 'support',
      disabledAt: null,
    });
    expect(JSON.stringify(list)).not.toMatch(/scrypt|totp|recovery/i);

    const disabled = await api(token, 'POST', `/staff/${hire.id}/disable`);
    expect(disabled.status).toBe(200);
    expect(StaffMember.parse(await disabled.json()).disabledAt).not.toBeNull();
    // Disabled: the open session ends at once and sign-in is refused.
    expect((await api(hireToken, 'GET', '/me')).status).toBe(401);
    minute();
    expect(
      (
        await signIn({
          email: hire.email,
          password: created.password ?? '',
          code: totpCode(hire.secret, t.clock.now()),
        })
      ).status,
    ).toBe(401);
    const enabled = await api(token, 'POST', `/staff/${hire.id}/enable`);
    expect(StaffMember.parse(await enabled.json()).disabledAt).toBeNull();
    await tokenOf(hire, created.password ?? '');

    // Nobody disables themselves; an unknown id is 404.
    expect((await api(token, 'POST', `/staff/${admin.id}/disable`)).status).toBe(400);
    expect((await api(token, 'POST', '/staff/stf_unknown/disable')).status).toBe(404);

    // Role change: a permission change, audited with the old and new role.
    expect((await api(token, 'PUT', `/staff/${hire.id}/role`, { role: 'auditor' })).status).toBe(
      204,
    );
    const [change] = (
      await t.database.sql<{ actor_id: string; details: unknown }[]>`
        select actor_id, details from audit_events where action = 'staff.role_change' and target = ${hire.id}`
    ).slice(-1);
    expect(change).toEqual({ actor_id: admin.id, details: { from: 'support', to: 'auditor' } });

    expect((await audit('staff.create')).at(-1)).toEqual({ actor_id: admin.id, target: hire.id });
    expect((await audit('staff.disable')).map((a) => a.target)).toEqual([hire.id]);
    expect((await audit('staff.enable')).map((a) => a.target)).toEqual([hire.id]);
  });

  it('S5: only the admin role manages accounts: other roles, even with a temporary staff.manage grant, get 403', async () => {
    const token = await tokenOf(officer);
    const attempts = () => [
      api(token, 'GET', '/staff'),
      api(token, 'POST', '/staff', { email: 'x@assent.example', name: 'x', role: 'admin' }),
      api(token, 'POST', `/staff/${admin.id}/disable`),
      api(token, 'PUT', `/staff/${admin.id}/role`, { role: 'support' }),
    ];
    for (const res of await Promise.all(attempts())) {
      expect(res.status).toBe(403);
      expect(Problem.parse(await res.json()).code).toBe('forbidden');
    }
    await grantPermission(
      t.database.db,
      admin.id,
      {
        staffId: officer.id,
        permission: 'staff.manage',
        expiresAt: t.clock.now() + 3_600_000,
        reason: 'test: a grant is not the role',
      },
      t.clock.now(),
    );
    for (const res of await Promise.all(attempts())) expect(res.status).toBe(403);
    expect((await t.app.request('/admin/api/staff')).status).toBe(401);
    expect((await api('ast_madeup', 'GET', '/staff')).status).toBe(401);
  });

  it('S5: the account routes are in the OpenAPI document with their permission and role', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<string, { 'x-required-permissions'?: string[]; 'x-required-role'?: string }>
      >;
    };
    for (const [path, method] of [
      ['/admin/api/staff', 'get'],
      ['/admin/api/staff', 'post'],
      ['/admin/api/staff/{id}/disable', 'post'],
      ['/admin/api/staff/{id}/enable', 'post'],
      ['/admin/api/staff/{id}/role', 'put'],
    ] as const) {
      const op = doc.paths[path]?.[method];
      expect(op?.['x-required-permissions'], `${method} ${path}`).toEqual(['staff.manage']);
      expect(op?.['x-required-role'], `${method} ${path}`).toBe('admin');
    }
  });
});
