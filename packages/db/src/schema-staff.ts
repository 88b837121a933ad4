// Security area tables: wrapped data keys (envelope encryption), staff accounts, their
// sessions, temporary grants and behaviour alerts (procedure §2.1-2.3; PIPL 51).
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Data keys (AES-256), stored only wrapped (AES-256-GCM) by a master key from configuration.
 * Rotation re-wraps them under a new master key; the data encrypted with them is untouched.
 */
export const dataKeys = pgTable('data_keys', {
  id: text('id').primaryKey(),
  /** `field` (field encryption) | `index` (blind index HMAC key). */
  purpose: text('purpose').notNull(),
  /** Fingerprint of the master key that wraps this key (`mk_…`). */
  masterKeyId: text('master_key_id').notNull(),
  /** base64url(iv | ciphertext | tag); AAD = `data_keys:<id>`. */
  wrapped: text('wrapped').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** A retired key still decrypts; new values use the newest active key. */
  retiredAt: ts('retired_at'),
});

/** Staff members of the operator (support, privacy officer, admin, auditor). */
export const staffMembers = pgTable('staff_members', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  /** `support` | `privacy_officer` | `admin` | `auditor` */
  role: text('role').notNull(),
  /** scrypt: `scrypt$N$r$p$salt$hash` (base64url). */
  passwordHash: text('password_hash').notNull(),
  /** TOTP secret (base32), encrypted (L1). */
  totpSecret: text('totp_secret').notNull(),
  /** SHA-256 hex of each unused recovery code. */
  recoveryCodes: text('recovery_codes').array().notNull().default(sql`'{}'::text[]`),
  /** Set while a behaviour alert waits for review: no customer data access. */
  suspendedAt: ts('suspended_at'),
  /** Last accepted TOTP time step, so one code is used once. */
  lastTotpStep: text('last_totp_step'),
  createdAt: ts('created_at').notNull().defaultNow(),
  disabledAt: ts('disabled_at'),
});

/** Staff sessions, only opened after password + second factor; `id` = SHA-256 of the token. */
export const staffSessions = pgTable('staff_sessions', {
  id: text('id').primaryKey(),
  staffId: text('staff_id')
    .notNull()
    .references(() => staffMembers.id),
  /** `totp` | `recovery_code`: the second factor that opened it. */
  mfa: text('mfa').notNull(),
  createdAt: ts('created_at').notNull(),
  expiresAt: ts('expires_at').notNull(),
});

/**
 * Failed staff sign-ins per address (REQUIREMENTS S5): after N failures within the lockout
 * period the address is locked for that period. Keyed by a blind index of the normalised email,
 * known account or not, so a lock says nothing about whether the account exists.
 */
export const staffSignInAttempts = pgTable('staff_sign_in_attempts', {
  /** Keyed blind index (HMAC-SHA-256) of the normalised email, kind `staff_sign_in`. */
  key: text('key').primaryKey(),
  /** Attempts counted since `windowStart` (a success deletes the row). */
  failures: integer('failures').notNull(),
  windowStart: ts('window_start').notNull(),
  /** Set when the address is locked; sign-ins are refused until then. */
  lockedUntil: ts('locked_until'),
  updatedAt: ts('updated_at').notNull(),
});

/** Temporary grants of a permission, revoked when `expiresAt` passes. */
export const staffGrants = pgTable(
  'staff_grants',
  {
    id: text('id').primaryKey(),
    staffId: text('staff_id')
      .notNull()
      .references(() => staffMembers.id),
    permission: text('permission').notNull(),
    reason: text('reason').notNull(),
    grantedBy: text('granted_by').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('staff_grants_staff').on(t.staffId)],
);

/** Behaviour alerts (procedure §2.3): open until a second staff member reviews them. */
export const staffAlerts = pgTable(
  'staff_alerts',
  {
    id: text('id').primaryKey(),
    staffId: text('staff_id')
      .notNull()
      .references(() => staffMembers.id),
    /** `bulk_reads` | `off_hours_sign_in` */
    kind: text('kind').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull(),
    reviewedBy: text('reviewed_by'),
    reviewedAt: ts('reviewed_at'),
    reviewNote: text('review_note'),
  },
  (t) => [index('staff_alerts_staff').on(t.staffId)],
);
