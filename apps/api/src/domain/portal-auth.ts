// Portal sign-in: an emailed one-time code (6 digits, 10 minutes, 5 tries) then a session
// cookie whose value is only stored hashed.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { type Db, newId, schema } from '@assent/db';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { ApiError } from '../errors.ts';
import type { Mailer } from '../mailer.ts';

export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
/** Codes one address may request per window (the answer stays the same past it). */
export const CODES_PER_WINDOW = 5;
export const CODE_WINDOW_MS = 15 * 60_000;
/** A portal session ends after this much inactivity. */
export const SESSION_IDLE_MS = 30 * 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Normalises an email address for lookup (trimmed, lowercased). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Sends a sign-in code to `email`. Answers the same whether or not the address is known;
 * past 5 codes in 15 minutes it silently sends nothing.
 */
export async function startSignIn(
  db: Db,
  mailer: Mailer,
  rawEmail: string,
  now: number,
): Promise<void> {
  const email = normalizeEmail(rawEmail);
  const recent = await db
    .select({ id: schema.portalCodes.id })
    .from(schema.portalCodes)
    .where(
      and(
        eq(schema.portalCodes.email, email),
        gt(schema.portalCodes.createdAt, new Date(now - CODE_WINDOW_MS)),
      ),
    );
  if (recent.length >= CODES_PER_WINDOW) return;
  const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
  await db.insert(schema.portalCodes).values({
    id: newId('otp'),
    email,
    codeHash: sha256(`${email}:${code}`),
    expiresAt: new Date(now + CODE_TTL_MS),
    createdAt: new Date(now),
  });
  await mailer.send({
    to: email,
    subject: `Your Assent sign-in code: ${code}`,
    body: `Your sign-in code is ${code}. It expires in 10 minutes. If you did not ask for it, ignore this message.`,
  });
}

/**
 * Checks a code and opens a session.
 * @returns the session cookie value (random 256 bits, base64url) to set.
 * @throws ApiError `invalid_code` (wrong, expired, used) or `too_many_attempts` (5 wrong tries).
 */
export async function verifySignIn(
  db: Db,
  rawEmail: string,
  code: string,
  now: number,
): Promise<string> {
  const email = normalizeEmail(rawEmail);
  const [row] = await db
    .select()
    .from(schema.portalCodes)
    .where(
      and(
        eq(schema.portalCodes.email, email),
        isNull(schema.portalCodes.consumedAt),
        gt(schema.portalCodes.expiresAt, new Date(now)),
      ),
    )
    .orderBy(desc(schema.portalCodes.createdAt))
    .limit(1);
  if (!row) throw new ApiError('invalid_code');
  if (row.attempts >= CODE_MAX_ATTEMPTS)
    throw new ApiError('too_many_attempts', 'Request a new code.');
  const ok = timingSafeEqual(Buffer.from(row.codeHash), Buffer.from(sha256(`${email}:${code}`)));
  if (!ok) {
    await db
      .update(schema.portalCodes)
      .set({ attempts: row.attempts + 1 })
      .where(eq(schema.portalCodes.id, row.id));
    if (row.attempts + 1 >= CODE_MAX_ATTEMPTS)
      throw new ApiError('too_many_attempts', 'Request a new code.');
    throw new ApiError('invalid_code');
  }
  const token = randomBytes(32).toString('base64url');
  await db.transaction(async (tx) => {
    await tx
      .update(schema.portalCodes)
      .set({ consumedAt: new Date(now) })
      .where(eq(schema.portalCodes.id, row.id));
    await tx.insert(schema.portalSessions).values({
      id: sha256(token),
      email,
      createdAt: new Date(now),
      expiresAt: new Date(now + SESSION_IDLE_MS),
    });
  });
  return token;
}

/**
 * The email of a live session, sliding its idle timeout; null when absent or expired.
 */
export async function sessionEmail(
  db: Db,
  token: string | undefined,
  now: number,
): Promise<string | null> {
  if (!token) return null;
  const id = sha256(token);
  const [row] = await db
    .update(schema.portalSessions)
    .set({ expiresAt: new Date(now + SESSION_IDLE_MS) })
    .where(
      and(eq(schema.portalSessions.id, id), gt(schema.portalSessions.expiresAt, new Date(now))),
    )
    .returning({ email: schema.portalSessions.email });
  return row?.email ?? null;
}

/** Ends a session. */
export async function endSession(db: Db, token: string | undefined): Promise<void> {
  if (token)
    await db.delete(schema.portalSessions).where(eq(schema.portalSessions.id, sha256(token)));
}
