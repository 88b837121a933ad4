// Staff authentication for /admin/api: `Authorization: Bearer <token>` from a sign-in that
// passed password and TOTP (sessions exist only after MFA), and per-route permission checks.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../context.ts';
import { truncateIp } from '../../domain/consents.ts';
import { type StaffPrincipal, staffSession } from '../../domain/staff.ts';
import type { Permission } from '../../domain/staff-roles.ts';
import { ApiError } from '../../errors.ts';
import { bearerToken } from '../../middleware/secret-key.ts';

export type AdminEnv = AppEnv & { Variables: AppEnv['Variables'] & { staff: StaffPrincipal } };

/** Requires a live staff session (401 `unauthorized`) and exposes it as `c.get('staff')`. */
export const staffAuth = createMiddleware<AdminEnv>(async function staffAuth(c, next) {
  const token = bearerToken(c.req.header('authorization'));
  const { database, clock } = c.get('deps');
  const who = token.startsWith('ast_') ? await staffSession(database.db, token, clock()) : null;
  if (!who)
    throw new ApiError('unauthorized', 'Sign in at /admin/api/sign-in and send the Bearer token.');
  c.set('staff', who);
  await next();
});

/** @throws ApiError `forbidden` unless the signed-in member holds `permission` now. */
export function need(c: Context<AdminEnv>, permission: Permission): StaffPrincipal {
  const who = c.get('staff');
  if (!who.permissions.has(permission)) throw new ApiError('forbidden', `Needs ${permission}.`);
  return who;
}

/** OpenAPI fields naming the permission a route requires. */
export function requires(...permissions: Permission[]) {
  return {
    security: [{ staffBearer: [] }],
    'x-required-permissions': permissions,
  };
}

/**
 * Staff account management: `staff.manage` held through the `admin` role itself; a temporary
 * grant of `staff.manage` to another role is not enough (REQUIREMENTS S5).
 * @throws ApiError `forbidden`
 */
export function needAdmin(c: Context<AdminEnv>): StaffPrincipal {
  const who = need(c, 'staff.manage');
  if (who.member.role !== 'admin')
    throw new ApiError('forbidden', 'Only the admin role manages staff accounts.');
  return who;
}

/** OpenAPI fields of an admin-only route: `staff.manage` and `x-required-role: admin`. */
export function requiresAdmin() {
  return { ...requires('staff.manage'), 'x-required-role': 'admin' };
}

/** The caller's address, truncated like consent evidence, for audit rows. */
export function clientIp(c: Context): string | null {
  try {
    return truncateIp(getConnInfo(c).remote.address);
  } catch {
    return null;
  }
}
