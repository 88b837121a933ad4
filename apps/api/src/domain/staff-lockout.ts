// Staff sign-in lockout (procedure §2.2; REQUIREMENTS S5): after `attempts` failed sign-ins
// (wrong password or second factor) within the lockout period, the address is locked for that
// period (default 5 within 15 minutes, 15 minutes; ASSENT_STAFF_LOCKOUT_*). Counted per
// address through a keyed blind index, whether or not an account has it, so a lock tells an
// outsider nothing about which addresses are staff. The per-network limit is the
// `staffSignInRateLimit` middleware. Counters live in Postgres so every API process shares them.
import { type Db, schema } from '@assent/db';
import { eq, sql } from 'drizzle-orm';
import { ApiError } from '../errors.ts';
import type { Keyring } from '../security/keyring.ts';

export interface LockoutConfig {
  /** Failures within `ms` that lock the address. */
  attempts: number;
  /** Lock length, and the window failures are counted in (ms). */
  ms: number;
}

/** Refusal of a locked address; `retryAfterS` goes into the Retry-After header. */
export class StaffLockedError extends ApiError {
  readonly retryAfterS: number;
  constructor(retryAfterS: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterS / 60));
    super('too_many_attempts', `Too many failed sign-ins; try again in ${minutes} min.`);
    this.retryAfterS = retryAfterS;
  }
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
const t = schema.staffSignInAttempts;
const at = (ms: number) => sql`${new Date(ms).toISOString()}::timestamptz`;

/** The lockout key of a sign-in address: its keyed blind index, normalised. */
export function lockoutKey(keyring: Keyring, email: string): string {
  return keyring.blindIndex('staff_sign_in', email.trim().toLowerCase());
}

/**
 * Counts one sign-in attempt before its credentials are checked, in one upsert, so parallel
 * attempts cannot outrun the count: a lock that has ended, or a window older than `cfg.ms`,
 * starts a new count.
 * @returns `failures`: attempts counted in this window including this one (pass it to
 *   `recordFailure`)
 * @throws StaffLockedError (429 `too_many_attempts`) while the address is locked, or when
 *   this attempt is beyond `cfg.attempts` (parallel attempts).
 */
export async function beginAttempt(
  db: Db,
  key: string,
  cfg: LockoutConfig,
  now: number,
): Promise<{ failures: number }> {
  const locked = sql`${t.lockedUntil} > ${at(now)}`;
  const fresh = sql`(${t.lockedUntil} is not null or ${t.windowStart} <= ${at(now - cfg.ms)})`;
  const [row] = await db
    .insert(t)
    .values({ key, failures: 1, windowStart: new Date(now), updatedAt: new Date(now) })
    .onConflictDoUpdate({
      target: t.key,
      set: {
        failures: sql`case when ${locked} then ${t.failures} when ${fresh} then 1 else ${t.failures} + 1 end`,
        windowStart: sql`case when ${locked} then ${t.windowStart} when ${fresh} then ${at(now)} else ${t.windowStart} end`,
        lockedUntil: sql`case when ${locked} then ${t.lockedUntil} else null end`,
        updatedAt: new Date(now),
      },
    })
    .returning({ failures: t.failures, lockedUntil: t.lockedUntil });
  const until = row?.lockedUntil?.getTime() ?? 0;
  if (until > now) throw new StaffLockedError(Math.ceil((until - now) / 1000));
  const failures = row?.failures ?? 1;
  if (failures > cfg.attempts) throw new StaffLockedError(Math.ceil(cfg.ms / 1000));
  return { failures };
}

/**
 * After a failed check: locks the address for `cfg.ms` once `failures` reached `cfg.attempts`.
 * @returns true when this failure locked it
 */
export async function recordFailure(
  db: Db,
  key: string,
  failures: number,
  cfg: LockoutConfig,
  now: number,
): Promise<boolean> {
  if (failures < cfg.attempts) return false;
  await db
    .update(t)
    .set({ lockedUntil: new Date(now + cfg.ms), updatedAt: new Date(now) })
    .where(eq(t.key, key));
  return true;
}

/** After a successful sign-in: the count starts again. */
export async function clearAttempts(db: Db | Tx, key: string): Promise<void> {
  await db.delete(t).where(eq(t.key, key));
}
