// Permission changes by staff managers (REQUIREMENTS S5): temporary grants with an end time,
// revocation, role changes (admin role only); all audited. Staff accounts themselves (list,
// create, disable, enable) are in staff-accounts.ts, behind the same authentication.
import { Grant, GrantInput, RoleChangeInput } from '@assent/contract';
import { createRoute, z } from '@hono/zod-openapi';
import { changeRole, grantPermission, revokeGrant } from '../../domain/staff-grants.ts';
import { errorResponses, router } from '../../openapi.ts';
import { type AdminEnv, need, needAdmin, requires, requiresAdmin, staffAuth } from './auth.ts';
import { staffAccountRoutes } from './staff-accounts.ts';

const grant = createRoute({
  method: 'post',
  path: '/staff/{id}/grants',
  tags: ['admin'],
  summary: 'Grant a permission until an end time',
  description:
    'Requires `staff.manage`. The grant ends by itself at `expiresAt` (at most 30 days ahead); nobody grants to themselves. Audited `staff.grant`.',
  ...requires('staff.manage'),
  request: {
    params: z.object({ id: z.string().max(64) }),
    body: { content: { 'application/json': { schema: GrantInput } }, required: true },
  },
  responses: {
    201: { description: 'Granted', content: { 'application/json': { schema: Grant } } },
    ...errorResponses('unauthorized', 'forbidden', 'not_found'),
  },
});
const revoke = createRoute({
  method: 'delete',
  path: '/grants/{id}',
  tags: ['admin'],
  summary: 'Revoke a grant now',
  description: 'Requires `staff.manage`. Audited `staff.revoke`.',
  ...requires('staff.manage'),
  request: { params: z.object({ id: z.string().max(64) }) },
  responses: {
    204: { description: 'Revoked' },
    ...errorResponses('unauthorized', 'forbidden', 'not_found'),
  },
});
const role = createRoute({
  method: 'put',
  path: '/staff/{id}/role',
  tags: ['admin'],
  summary: "Change a member's role",
  description:
    "Admin role only (`staff.manage` through the role itself); not one's own role. A permission change: audited `staff.role_change` with the old and new role.",
  ...requiresAdmin(),
  request: {
    params: z.object({ id: z.string().max(64) }),
    body: { content: { 'application/json': { schema: RoleChangeInput } }, required: true },
  },
  responses: {
    204: { description: 'Changed' },
    ...errorResponses('unauthorized', 'forbidden', 'not_found'),
  },
});

export const staffRoutes = router<AdminEnv>();
staffRoutes.use('/staff/*', staffAuth);
staffRoutes.use('/grants/*', staffAuth);
staffRoutes.route('/', staffAccountRoutes);
staffRoutes
  .openapi(grant, async (c) => {
    const who = need(c, 'staff.manage');
    const body = c.req.valid('json');
    const row = await grantPermission(
      c.get('deps').database.db,
      who.member.id,
      {
        staffId: c.req.valid('param').id,
        permission: body.permission,
        expiresAt: Date.parse(body.expiresAt),
        reason: body.reason,
      },
      c.get('deps').clock(),
    );
    return c.json(
      {
        id: row.id,
        staffId: row.staffId,
        permission: body.permission,
        reason: row.reason,
        grantedBy: row.grantedBy,
        expiresAt: row.expiresAt.toISOString(),
      },
      201,
    );
  })
  .openapi(revoke, async (c) => {
    const who = need(c, 'staff.manage');
    await revokeGrant(
      c.get('deps').database.db,
      who.member.id,
      c.req.valid('param').id,
      c.get('deps').clock(),
    );
    return c.body(null, 204);
  })
  .openapi(role, async (c) => {
    const who = needAdmin(c);
    await changeRole(
      c.get('deps').database.db,
      who.member.id,
      c.req.valid('param').id,
      c.req.valid('json').role,
      c.get('deps').clock(),
    );
    return c.body(null, 204);
  });
