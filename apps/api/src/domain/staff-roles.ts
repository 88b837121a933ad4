// Staff roles and permissions (procedure §2.2; PIPL 51; REQUIREMENTS S5): least privilege by
// role, down to the field. Support reads customers with L2 masked and L1 hidden; the privacy
// officer may unmask with a stated reason; admins manage staff and configuration but read no
// customer data unless granted it for a while.

export const PERMISSIONS = [
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
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = {
  support: ['subjects.read', 'requests.read'],
  privacy_officer: [
    'subjects.read',
    'subjects.unmask',
    'alerts.review',
    'audit.export',
    'requests.read',
    'requests.manage',
  ],
  admin: ['staff.manage', 'alerts.review'],
  auditor: ['audit.export'],
  /** Reads what an erasure left under legal hold, and the requests behind it (R4). */
  legal: ['requests.read', 'legal_hold.read'],
} as const satisfies Record<string, readonly Permission[]>;
export type Role = keyof typeof ROLES;

export const ROLE_NAMES = Object.keys(ROLES) as Role[];

/** Permissions that touch customer data: unavailable while a member is suspended (S6). */
export const DATA_PERMISSIONS: readonly Permission[] = [
  'subjects.read',
  'subjects.unmask',
  'requests.read',
  'requests.manage',
  'legal_hold.read',
];

/** Longest temporary grant (ms): 30 days. */
export const MAX_GRANT_MS = 30 * 86_400_000;

/** True when `role` is a known role name. */
export function isRole(role: string): role is Role {
  return role in ROLES;
}
