// Staff roles and permissions (procedure §2.2; PIPL 51; REQUIREMENTS S5): least privilege by
// role, down to the field. Support reads customers with L2 masked and L1 hidden; the privacy
// officer may unmask with a stated reason; admins manage staff and configuration but read no
// customer data unless granted it for a while.

import { STAFF_PERMISSIONS, type STAFF_ROLES } from '@assent/contract';

/** Every permission (the contract's list, documented there). */
export const PERMISSIONS = STAFF_PERMISSIONS;
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
} as const satisfies Record<(typeof STAFF_ROLES)[number], readonly Permission[]>;
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
