// The staff admin API (/admin/api): sign-in with password + TOTP, customer reads with field
// masking, temporary grants, behaviour alerts, audit export (REQUIREMENTS S5-S7).
import { z } from '@hono/zod-openapi';
import { IsoTime } from '../common.ts';

/** Every staff permission (procedure §2.2; PIPL 51; REQUIREMENTS S5), the one list. */
export const STAFF_PERMISSIONS = [
  /** Read a customer's record (L2 masked, L1 hidden). */
  'subjects.read',
  /** See a customer's L1/L2 values in clear; each use states a reason (audited). */
  'subjects.unmask',
  /** Create staff, change roles, grant and revoke temporary permissions. */
  'staff.manage',
  /** Review behaviour alerts of other staff members (second person). */
  'alerts.review',
  /** Export the audit log. */
  'audit.export',
  /** List and read privacy requests with their timeline (each read audited). */
  'requests.read',
  /** Move privacy requests forward, reject them with a reason, lift a restriction. */
  'requests.manage',
  /** Read consent evidence kept under legal hold after an erasure (R4; legal role only). */
  'legal_hold.read',
] as const;
/** Every staff role; what each may do is `ROLES` in the API (staff-roles.ts). */
export const STAFF_ROLES = ['support', 'privacy_officer', 'admin', 'auditor', 'legal'] as const;

export const StaffPermission = z.enum(STAFF_PERMISSIONS).openapi('StaffPermission');
export const StaffRole = z.enum(STAFF_ROLES).openapi('StaffRole');

export const StaffSignInInput = z
  .object({
    email: z.string().email().max(254),
    password: z.string().min(1).max(1024),
    /** A 6-digit TOTP code, or one of the recovery codes. */
    code: z.string().min(6).max(64),
  })
  .openapi('StaffSignIn');
export const StaffSignedIn = z
  .object({
    /** Bearer token for `Authorization: Bearer …`; valid 10 hours. */
    token: z.string(),
    staffId: z.string(),
    /** True when customer-data access is suspended pending an alert review. */
    suspended: z.boolean(),
  })
  .openapi('StaffSignedIn');

export const StaffMe = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: StaffRole,
    permissions: z.array(StaffPermission),
    suspended: z.boolean(),
  })
  .openapi('StaffMe');

export const StaffSubjectQuery = z.object({
  email: z.string().email().max(254).optional(),
  unmask: z.enum(['true', 'false']).optional(),
  /** Why the values are needed in clear (required with unmask=true, audited). */
  reason: z.string().max(500).optional(),
});
export const StaffSubject = z
  .object({
    id: z.string(),
    propertyId: z.string(),
    createdAt: IsoTime,
    fields: z.record(z.string(), z.string().nullable()),
    masked: z.array(z.string()),
    restricted: z.array(z.string()),
    consents: z.array(
      z.object({ purposeId: z.string(), decision: z.string(), decidedAt: IsoTime }),
    ),
  })
  .openapi('StaffSubject');
export const StaffSubjectList = z
  .object({ subjects: z.array(StaffSubject) })
  .openapi('StaffSubjectList');

export const GrantInput = z
  .object({
    permission: StaffPermission,
    expiresAt: IsoTime,
    reason: z.string().min(3).max(500),
  })
  .openapi('GrantInput');
export const Grant = z
  .object({
    id: z.string(),
    staffId: z.string(),
    permission: StaffPermission,
    reason: z.string(),
    grantedBy: z.string(),
    expiresAt: IsoTime,
  })
  .openapi('Grant');
export const RoleChangeInput = z.object({ role: StaffRole }).openapi('RoleChange');

export const StaffAlert = z
  .object({
    id: z.string(),
    staffId: z.string(),
    kind: z.enum(['bulk_reads', 'off_hours_sign_in']),
    details: z.record(z.string(), z.unknown()).openapi({ additionalProperties: true }),
    createdAt: IsoTime,
    reviewedBy: z.string().nullable(),
    reviewedAt: IsoTime.nullable(),
  })
  .openapi('StaffAlert');
export const StaffAlertList = z.object({ alerts: z.array(StaffAlert) }).openapi('StaffAlertList');
export const AlertReviewInput = z
  .object({ note: z.string().min(3).max(1000) })
  .openapi('AlertReview');

export const AuditExportQuery = z.object({ from: IsoTime, to: IsoTime });
