// Staff accounts (procedure §2.2; REQUIREMENTS S5): scrypt passwords, a TOTP second factor or
// a one-time recovery code, sessions that exist only after both factors, and effective
// permissions = role + live temporary grants, minus customer data while suspended (S6).
import { createHash, randomBytes } from 'node:crypto';
import { type Db, newId, schema } from '@assent/db';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import type { Keyring } from '../security/keyring.ts';
import { fieldAad } from '../security/keyring.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from '../security/password.ts';
import { checkTotp, hashRecoveryCode, newRecoveryCodes, newTotpSecret } from '../security/totp.ts';
import { recordAudit } from './audit.ts';
import { notifyAlert, outsideWorkingHours, raiseAlert } from './staff-alerts.ts';
import {
  beginAttempt,
  clearAttempts,
  lockoutKey,
  recordFailure,
  StaffLockedError,
} from './staff-lockout.ts';
import { DATA_PERMISSIONS, isRole, type Permission, ROLES } from './staff-roles.ts';

/** A staff session ends this long after sign-in (ms): one working day. */
export const STAFF_SESSION_MS = 10 * 3_600_000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Compared against when the email is unknown, so timing does not reveal staff addresses. */
const DUMMY_HASH = hashPassword('not a real password, for timing');

export type StaffRow = typeof schema.staffMembers.$inferSelect;
export interface StaffPrincipal {
  member: StaffRow;
  permissions: Set<Permission>;
  sessionId: string;
}

/**
 * Creates a staff member with a TOTP secret (stored encrypted) and ten recovery codes.
 * @returns the id, the `otpauth://` URI to enrol and the recovery codes, shown once
 * @throws ApiError `invalid_request` for an unknown role, a short password or a taken email
 */
export async function createStaffMember(
  db: Db,
  keyring: Keyring,
  input: { email: string; name: string; role: string; password: string },
  actor: { type: 'staff' | 'system'; id: string },
  now: number,
) {
  if (!isRole(input.role)) throw new ApiError('invalid_request', `Unknown role ${input.role}.`);
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw new ApiError(
      'invalid_request',
      `Passwords have at least ${MIN_PASSWORD_LENGTH} characters.`,
    );
  const id = newId('stf', now);
  const email = input.email.trim().toLowerCase();
  const totp = newTotpSecret(email);
  const recovery = newRecoveryCodes();
  const row = {
    id,
    email,
    name: input.name,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    totpSecret: await keyring.encrypt(totp.secret, fieldAad('staff_members', 'totp_secret', id)),
    recoveryCodes: recovery.hashes,
    createdAt: new Date(now),
  };
  await db.transaction(async (tx) => {
    const taken = await tx
      .select({ id: schema.staffMembers.id })
      .from(schema.staffMembers)
      .where(eq(schema.staffMembers.email, email));
    if (taken.length > 0) throw new ApiError('invalid_request', 'A staff member has this email.');
    await tx.insert(schema.staffMembers).values(row);
    await recordAudit(
      tx,
      { actor, action: 'staff.create', target: id, details: { role: input.role } },
      now,
    );
  });
  return { id, totpUri: totp.uri, recoveryCodes: recovery.codes };
}

/**
 * Signs a staff member in with password and second factor (a TOTP code, or a recovery code
 * which is then used up). A sign-in outside working hours succeeds but raises an alert that
 * suspends customer-data access until reviewed (S6). Every attempt is audited.
 * Lockout (S5): `config.security.staffLockout.attempts` failures within its period lock the
 * address for that period (`staff.sign_in_locked`); meanwhile every attempt, right or wrong,
 * is refused unchecked. Unknown addresses are counted and locked the same way.
 * @returns the session token (Bearer), shown once
 * @throws ApiError `unauthorized` for any wrong factor (the answer does not say which)
 * @throws StaffLockedError (429 `too_many_attempts`, with `retryAfterS`) while locked
 */
export async function signInStaff(
  deps: Pick<Deps, 'database' | 'keyring' | 'config' | 'clock'>,
  input: { email: string; password: string; code: string },
  ip: string | null,
): Promise<{ token: string; staffId: string; suspended: boolean }> {
  const { db } = deps.database;
  const now = deps.clock();
  const email = input.email.trim().toLowerCase();
  const [member] = await db
    .select()
    .from(schema.staffMembers)
    .where(eq(schema.staffMembers.email, email));
  const lockout = deps.config.security.staffLockout;
  const key = lockoutKey(deps.keyring, email);
  const failed = (details: Record<string, unknown>) =>
    db.transaction((tx) =>
      recordAudit(
        tx,
        {
          actor: { type: 'staff', id: member?.id ?? null },
          action: 'staff.sign_in_failed',
          ip,
          details,
        },
        now,
      ),
    );
  let attempt: { failures: number };
  try {
    attempt = await beginAttempt(db, key, lockout, now);
  } catch (err) {
    if (err instanceof StaffLockedError) await failed({ locked: true });
    throw err;
  }
  const passwordOk = await verifyPassword(
    input.password,
    member?.passwordHash ?? (await DUMMY_HASH),
  );
  let mfa: 'totp' | 'recovery_code' | null = null;
  let step: number | null = null;
  if (member && passwordOk && !member.disabledAt) {
    const secret = await deps.keyring.decrypt(
      member.totpSecret,
      fieldAad('staff_members', 'totp_secret', member.id),
    );
    step = checkTotp(secret, input.code, now);
    if (step !== null && step > Number(member.lastTotpStep ?? -1)) mfa = 'totp';
    else if (member.recoveryCodes.includes(hashRecoveryCode(input.code))) mfa = 'recovery_code';
  }
  if (!member || !mfa) {
    await failed({});
    if (await recordFailure(db, key, attempt.failures, lockout, now))
      await db.transaction((tx) =>
        recordAudit(
          tx,
          {
            actor: { type: 'staff', id: member?.id ?? null },
            action: 'staff.sign_in_locked',
            ip,
            details: { failures: attempt.failures, minutes: lockout.ms / 60_000 },
          },
          now,
        ),
      );
    throw new ApiError('unauthorized', 'Wrong email, password or code.');
  }
  const token = `ast_${randomBytes(32).toString('base64url')}`;
  const offHours = outsideWorkingHours(deps.config.security, now);
  const alert = await db.transaction(async (tx) => {
    await clearAttempts(tx, key);
    await tx
      .update(schema.staffMembers)
      .set(
        mfa === 'totp'
          ? { lastTotpStep: String(step) }
          : {
              recoveryCodes: member.recoveryCodes.filter((h) => h !== hashRecoveryCode(input.code)),
            },
      )
      .where(eq(schema.staffMembers.id, member.id));
    await tx.insert(schema.staffSessions).values({
      id: sha256(token),
      staffId: member.id,
      mfa,
      createdAt: new Date(now),
      expiresAt: new Date(now + STAFF_SESSION_MS),
    });
    await recordAudit(
      tx,
      { actor: { type: 'staff', id: member.id }, action: 'staff.sign_in', ip, details: { mfa } },
      now,
    );
    return offHours
      ? raiseAlert(tx, member.id, 'off_hours_sign_in', { at: new Date(now).toISOString() }, now)
      : null;
  });
  if (alert) await notifyAlert(deps.config.security, alert);
  return { token, staffId: member.id, suspended: !!alert || !!member.suspendedAt };
}

/** Effective permissions: the role's, plus live grants; none on customer data while suspended. */
export async function effectivePermissions(
  db: Db,
  member: StaffRow,
  now: number,
): Promise<Set<Permission>> {
  const role = isRole(member.role) ? ROLES[member.role] : [];
  const grants = await db
    .select({ permission: schema.staffGrants.permission })
    .from(schema.staffGrants)
    .where(
      and(
        eq(schema.staffGrants.staffId, member.id),
        isNull(schema.staffGrants.revokedAt),
        gt(schema.staffGrants.expiresAt, new Date(now)),
      ),
    );
  const all = new Set<Permission>([...role, ...grants.map((g) => g.permission as Permission)]);
  if (member.suspendedAt) for (const p of DATA_PERMISSIONS) all.delete(p);
  return all;
}

/** The principal of a live session token, or null (expired, unknown, disabled member). */
export async function staffSession(
  db: Db,
  token: string,
  now: number,
): Promise<StaffPrincipal | null> {
  const id = sha256(token);
  const [row] = await db
    .select({ member: schema.staffMembers })
    .from(schema.staffSessions)
    .innerJoin(schema.staffMembers, eq(schema.staffMembers.id, schema.staffSessions.staffId))
    .where(and(eq(schema.staffSessions.id, id), gt(schema.staffSessions.expiresAt, new Date(now))));
  if (!row || row.member.disabledAt) return null;
  return {
    member: row.member,
    permissions: await effectivePermissions(db, row.member, now),
    sessionId: id,
  };
}

/** Ends a staff session. */
export async function endStaffSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(schema.staffSessions).where(eq(schema.staffSessions.id, sessionId));
}
