// Staff sign-in and session (REQUIREMENTS S5): password + TOTP (or a recovery code) in one
// step; the Bearer token exists only after both factors.
import { StaffMe, StaffSignedIn, StaffSignInInput } from '@assent/contract';
import { createRoute } from '@hono/zod-openapi';
import { endStaffSession, signInStaff } from '../../domain/staff.ts';
import { StaffLockedError } from '../../domain/staff-lockout.ts';
import { staffSignInRateLimit } from '../../middleware/rate-limit.ts';
import { errorResponses, router } from '../../openapi.ts';
import { type AdminEnv, clientIp, requires, staffAuth } from './auth.ts';

const signIn = createRoute({
  method: 'post',
  path: '/sign-in',
  tags: ['admin'],
  summary: 'Staff sign-in (password + TOTP)',
  description:
    'Checks the password (scrypt) and a TOTP code or an unused recovery code; every attempt is audited (`staff.sign_in`, `staff.sign_in_failed`). A sign-in outside the configured working hours succeeds but raises an `off_hours_sign_in` alert that suspends customer-data access until a second person reviews it (procedure §2.3). Lockout: ASSENT_STAFF_LOCKOUT_ATTEMPTS (5) failures within ASSENT_STAFF_LOCKOUT_MINUTES (15) lock the address for that long (`staff.sign_in_locked`): 429 `too_many_attempts` with `Retry-After`, for unknown addresses alike. Per network at most ASSENT_RATE_LIMIT_STAFF_SIGN_IN attempts per window (429 `rate_limited`). No permission required.',
  request: {
    body: { content: { 'application/json': { schema: StaffSignInInput } }, required: true },
  },
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: StaffSignedIn } } },
    ...errorResponses('unauthorized', 'too_many_attempts', 'rate_limited'),
  },
});
const me = createRoute({
  method: 'get',
  path: '/me',
  tags: ['admin'],
  summary: 'The signed-in staff member and their effective permissions',
  description:
    'Role permissions plus live temporary grants; customer-data permissions are absent while suspended. Any signed-in member.',
  ...requires(),
  responses: {
    200: { description: 'Member', content: { 'application/json': { schema: StaffMe } } },
    ...errorResponses('unauthorized'),
  },
});
const signOut = createRoute({
  method: 'post',
  path: '/sign-out',
  tags: ['admin'],
  summary: 'End the staff session',
  ...requires(),
  responses: { 204: { description: 'Signed out' }, ...errorResponses('unauthorized') },
});

export const sessionRoutes = router<AdminEnv>();
sessionRoutes.use('/sign-in', staffSignInRateLimit());
sessionRoutes.use('/me', staffAuth);
sessionRoutes.use('/sign-out', staffAuth);
sessionRoutes
  .openapi(signIn, async (c) => {
    try {
      const out = await signInStaff(c.get('deps'), c.req.valid('json'), clientIp(c));
      return c.json(out, 200);
    } catch (err) {
      if (err instanceof StaffLockedError) c.header('Retry-After', String(err.retryAfterS));
      throw err;
    }
  })
  .openapi(me, (c) => {
    const { member, permissions } = c.get('staff');
    return c.json(
      {
        id: member.id,
        email: member.email,
        name: member.name,
        role: member.role as 'support',
        permissions: [...permissions],
        suspended: member.suspendedAt !== null,
      },
      200,
    );
  })
  .openapi(signOut, async (c) => {
    await endStaffSession(c.get('deps').database.db, c.get('staff').sessionId);
    return c.body(null, 204);
  });
