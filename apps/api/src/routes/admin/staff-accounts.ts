// Staff accounts over the admin API (REQUIREMENTS S5): list, create (with the one-time TOTP
// enrolment link and recovery codes, as `pnpm assent staff create` prints them), disable and
// enable. Admin role only, on a session opened with password + second factor; all audited.
// Mounted inside staffRoutes (staff.ts), whose `/staff/*` middleware authenticates.
import { randomBytes } from 'node:crypto';
import { StaffCreated, StaffCreateInput, StaffList, StaffMember } from '@assent/contract';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createStaffMember } from '../../domain/staff.ts';
import { listStaff, type StaffListing, setStaffDisabled } from '../../domain/staff-accounts.ts';
import type { Role } from '../../domain/staff-roles.ts';
import { errorResponses, router } from '../../openapi.ts';
import { type AdminEnv, needAdmin, requiresAdmin } from './auth.ts';

const ADMIN_ONLY =
  'Admin role only (`staff.manage` through the role itself; a temporary grant is not enough).';

const list = createRoute({
  method: 'get',
  path: '/staff',
  tags: ['admin'],
  summary: 'List staff members',
  description: `${ADMIN_ONLY} The staff directory: no credentials, no customer data.`,
  ...requiresAdmin(),
  responses: {
    200: {
      description: 'Staff, oldest first',
      content: { 'application/json': { schema: StaffList } },
    },
    ...errorResponses('unauthorized', 'forbidden'),
  },
});
const create = createRoute({
  method: 'post',
  path: '/staff',
  tags: ['admin'],
  summary: 'Create a staff member',
  description: `${ADMIN_ONLY} Answers once with the TOTP enrolment link (\`otpauth://\`), ten recovery codes and, when no password was given, a generated one; hand them over in person. Audited \`staff.create\`. 400 \`invalid_request\` for a taken email.`,
  ...requiresAdmin(),
  request: {
    body: { content: { 'application/json': { schema: StaffCreateInput } }, required: true },
  },
  responses: {
    201: {
      description: 'Created; the secrets are not shown again',
      content: { 'application/json': { schema: StaffCreated } },
    },
    ...errorResponses('unauthorized', 'forbidden'),
  },
});
const params = z.object({ id: z.string().max(64) });
const disable = createRoute({
  method: 'post',
  path: '/staff/{id}/disable',
  tags: ['admin'],
  summary: 'Disable a staff member',
  description: `${ADMIN_ONLY} The member can no longer sign in and every session of theirs ends now. Not one's own account, not the last enabled admin. Audited \`staff.disable\`.`,
  ...requiresAdmin(),
  request: { params },
  responses: {
    200: { description: 'Disabled', content: { 'application/json': { schema: StaffMember } } },
    ...errorResponses('unauthorized', 'forbidden', 'not_found'),
  },
});
const enable = createRoute({
  method: 'post',
  path: '/staff/{id}/enable',
  tags: ['admin'],
  summary: 'Enable a disabled staff member',
  description: `${ADMIN_ONLY} Audited \`staff.enable\`.`,
  ...requiresAdmin(),
  request: { params },
  responses: {
    200: { description: 'Enabled', content: { 'application/json': { schema: StaffMember } } },
    ...errorResponses('unauthorized', 'forbidden', 'not_found'),
  },
});

const view = (m: StaffListing) => ({
  ...m,
  role: m.role as Role,
  createdAt: m.createdAt.toISOString(),
  disabledAt: m.disabledAt?.toISOString() ?? null,
});

export const staffAccountRoutes = router<AdminEnv>();
staffAccountRoutes
  .openapi(list, async (c) => {
    needAdmin(c);
    return c.json({ staff: (await listStaff(c.get('deps').database.db)).map(view) }, 200);
  })
  .openapi(create, async (c) => {
    const who = needAdmin(c);
    const { database, keyring, clock } = c.get('deps');
    const body = c.req.valid('json');
    const password = body.password ?? randomBytes(18).toString('base64url');
    const out = await createStaffMember(
      database.db,
      keyring,
      { email: body.email, name: body.name, role: body.role, password },
      { type: 'staff', id: who.member.id },
      clock(),
    );
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        id: out.id,
        email: body.email.trim().toLowerCase(),
        role: body.role,
        password: body.password ? null : password,
        totpUri: out.totpUri,
        recoveryCodes: out.recoveryCodes,
      },
      201,
    );
  })
  .openapi(disable, (c) => setDisabled(c, true))
  .openapi(enable, (c) => setDisabled(c, false));

/** Disables or re-enables the member named in the path, as the signed-in admin (audited). */
async function setDisabled(c: Context<AdminEnv>, disabled: boolean) {
  const who = needAdmin(c);
  const { database, clock } = c.get('deps');
  const actor = { type: 'staff' as const, id: who.member.id };
  const id = c.req.param('id') ?? '';
  const after = await setStaffDisabled(database.db, actor, id, disabled, clock());
  return c.json(view(after), 200);
}
