// Staff account management in the admin API (REQUIREMENTS S5): create, list, disable and
// enable staff members; admin role only. The enrolment secrets come back once, at creation.
import { z } from '@hono/zod-openapi';
import { IsoTime } from '../common.ts';
import { StaffRole } from './staff.ts';

export const StaffCreateInput = z
  .object({
    email: z.string().email().max(254),
    name: z.string().min(1).max(200),
    role: StaffRole,
    /** At least 12 characters; omitted = a random one is generated and returned once. */
    password: z.string().min(12).max(1024).optional(),
  })
  .openapi('StaffCreate');

export const StaffCreated = z
  .object({
    id: z.string(),
    email: z.string(),
    role: StaffRole,
    /** The generated password when none was given (shown once), else null. */
    password: z.string().nullable(),
    /** `otpauth://totp/…` URI to enrol the authenticator app (shown once). */
    totpUri: z.string(),
    /** Ten one-time recovery codes (shown once; only their hashes are kept). */
    recoveryCodes: z.array(z.string()),
  })
  .openapi('StaffCreated');

export const StaffMember = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: StaffRole,
    createdAt: IsoTime,
    /** Set while the account is disabled (no sign-in, sessions ended). */
    disabledAt: IsoTime.nullable(),
    /** True while customer-data access is suspended pending an alert review (S6). */
    suspended: z.boolean(),
  })
  .openapi('StaffMember');

export const StaffList = z.object({ staff: z.array(StaffMember) }).openapi('StaffList');
