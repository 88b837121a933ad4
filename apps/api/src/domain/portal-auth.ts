// Portal sign-in: an emailed one-time code (6 digits, 10 minutes, 5 tries) then a session
// cookie whose value is only stored hashed. Sign-in emails are L1 (DESIGN "Data protection"):
// codes keep only the address's keyed blind index, sessions the index plus the address
// encrypted under the keyring (step-up mail goes to it); nothing stores it in plain text.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { type Db, newId, schema } from '@assent/db';
import { and, asc, desc, eq, gt, inArray, isNull } from 'drizzle-orm';
import { ApiError } from '../errors.ts';
import type { Mailer } from '../mailer.ts';
import { fieldAad, type Keyring } from '../security/keyring.ts';

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
 * The keyed blind index (HMAC-SHA-256) of a sign-in address, normalised: the same value
 * `subjects.email_index` holds, so codes, sessions and subjects meet on it.
 */
export function emailIndexOf(keyring: Keyring, email: string): string {
  return keyring.blindIndex('email', normalizeEmail(email));
}

const sessionEmailAad = (sessionId: string) => fieldAad('portal_sessions', 'email', sessionId);

/** The languages a code email (sign-in or step-up) is written in (the portal ships these two). */
export type SignInMailLocale = 'en' | 'zh-CN';

/**
 * The language of the code email (sign-in or step-up) for the portal's UI locale (BCP 47): any tag whose
 * primary subtag is `zh` (`zh`, `zh-CN`, `zh-TW`, `zh-Hans-CN`) → `zh-CN`; anything else, or
 * none → `en`. Mirrors the portal's own choice by primary subtag (apps/portal i18n).
 */
export function signInMailLocale(locale: string | undefined): SignInMailLocale {
  return locale?.split('-')[0]?.toLowerCase() === 'zh' ? 'zh-CN' : 'en';
}

/** Whole minutes a code lives, as the email states it (from `CODE_TTL_MS`). */
const CODE_TTL_MINUTES = Math.round(CODE_TTL_MS / 60_000);

/** What a code email is for: signing in, or a signed-in person confirming a sensitive action (R7). */
export type CodePurpose = 'sign_in' | 'step_up';

type CodeMail = (code: string) => { subject: string; body: string };

/**
 * Subject and body of the code email per purpose and language; the code is the only variable.
 * A step-up code confirms export, deletion or correction, so its email says so rather than
 * "sign-in".
 */
const CODE_MAIL: Record<CodePurpose, Record<SignInMailLocale, CodeMail>> = {
  sign_in: {
    en: (code) => ({
      subject: `Your Assent sign-in code: ${code}`,
      body: `Your sign-in code is ${code}. It expires in ${CODE_TTL_MINUTES} minutes. If you did not ask for it, ignore this message.`,
    }),
    'zh-CN': (code) => ({
      subject: `您的 Assent 登录验证码：${code}`,
      body: `您的登录验证码是 ${code}，${CODE_TTL_MINUTES} 分钟内有效。如果您没有申请此验证码，请忽略此邮件。`,
    }),
  },
  step_up: {
    en: (code) => ({
      subject: `Your Assent confirmation code: ${code}`,
      body: `Your code to confirm this action is ${code}. It expires in ${CODE_TTL_MINUTES} minutes. If you did not ask for it, change nothing and ignore this message.`,
    }),
    'zh-CN': (code) => ({
      subject: `您的 Assent 确认验证码：${code}`,
      body: `您用于确认此操作的验证码是 ${code}，${CODE_TTL_MINUTES} 分钟内有效。如果您没有申请此验证码，请忽略此邮件。`,
    }),
  },
};

/**
 * What asking for a code did: `sent`, or refused by the per-address cap (`CODES_PER_WINDOW`
 * codes in `CODE_WINDOW_MS`) with `retryAfterS`, the whole seconds (1 to 900) until enough codes
 * have left the window for the next one to be sent.
 */
export type CodeIssue = { sent: true } | { sent: false; retryAfterS: number };

/**
 * The one code path for emailed codes (sign-in and step-up): unless the address already had
 * `CODES_PER_WINDOW` codes in the last `CODE_WINDOW_MS`, stores a new 6-digit code's hash under
 * the address's blind index (never the address) and emails the code, worded for `purpose` in
 * the language of `locale` (`signInMailLocale`).
 * @returns `{ sent: true }`, or `{ sent: false, retryAfterS }` past the cap (nothing stored or
 *   sent); callers decide whether to tell (step-up) or stay silent (sign-in).
 */
/** Id prefix of the row that marks a product sign-in link as used (`signInWithLink`). */
const LINK_MARKER = 'lnk_';

async function issueCode(
  db: Db,
  mailer: Mailer,
  rawEmail: string,
  now: number,
  keyring: Keyring,
  purpose: CodePurpose,
  locale: string | undefined,
): Promise<CodeIssue> {
  const email = normalizeEmail(rawEmail);
  const emailIndex = emailIndexOf(keyring, email);
  const recent = (
    await db
      .select({ id: schema.portalCodes.id, createdAt: schema.portalCodes.createdAt })
      .from(schema.portalCodes)
      .where(
        and(
          eq(schema.portalCodes.emailIndex, emailIndex),
          gt(schema.portalCodes.createdAt, new Date(now - CODE_WINDOW_MS)),
        ),
      )
      .orderBy(asc(schema.portalCodes.createdAt))
  ).filter((r) => !r.id.startsWith(LINK_MARKER)); // used sign-in links mailed nothing
  if (recent.length >= CODES_PER_WINDOW) {
    // The next code may go once the count falls below the cap: when this row leaves the window
    // (with exactly CODES_PER_WINDOW rows, the oldest). It is inside the window, so 0 < ms ≤ window.
    const freeing = recent[recent.length - CODES_PER_WINDOW]?.createdAt.getTime() ?? now;
    const ms = freeing + CODE_WINDOW_MS - now;
    const retryAfterS = Math.min(CODE_WINDOW_MS / 1000, Math.max(1, Math.ceil(ms / 1000)));
    return { sent: false, retryAfterS };
  }
  const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
  await db.insert(schema.portalCodes).values({
    id: newId('otp'),
    emailIndex,
    codeHash: sha256(`${emailIndex}:${code}`),
    expiresAt: new Date(now + CODE_TTL_MS),
    createdAt: new Date(now),
  });
  await mailer.send({ to: email, ...CODE_MAIL[purpose][signInMailLocale(locale)](code) });
  return { sent: true };
}

/**
 * Sends a sign-in code to `email`. The sign-in route answers the same whether or not the
 * address is known, and past 5 codes in 15 minutes (`CODES_PER_WINDOW`, `CODE_WINDOW_MS`)
 * nothing is sent and the route stays silent all the same (no address enumeration). Stores the
 * code's hash under the address's blind index, never the address.
 * @param keyring computes the address's blind index (`deps.keyring`)
 * @param locale the portal's UI locale (BCP 47): a `zh` tag gets the email in Simplified
 *   Chinese, anything else or none in English (`signInMailLocale`)
 * @returns whether a code was sent (`CodeIssue`); the sign-in route ignores it.
 */
export function startSignIn(
  db: Db,
  mailer: Mailer,
  rawEmail: string,
  now: number,
  keyring: Keyring,
  locale?: string,
): Promise<CodeIssue> {
  return issueCode(db, mailer, rawEmail, now, keyring, 'sign_in', locale);
}

/**
 * Sends a step-up code (R7) to a signed-in session's own address, in an email that asks to
 * confirm an action rather than to sign in. Shares the per-address cap with sign-in codes (one
 * count per address, so step-up cannot be used to get around it); the caller is already signed
 * in, so the step-up route reports the refusal (429 `rate_limited` with `Retry-After`).
 * @param email the session's address (`sessionEmail`)
 * @param keyring computes the address's blind index (`deps.keyring`)
 * @param locale the portal's UI locale (BCP 47), as for `startSignIn`
 * @returns `{ sent: true }`, or `{ sent: false, retryAfterS }` (1 to 900 s) past the cap.
 */
export function startStepUp(
  db: Db,
  mailer: Mailer,
  email: string,
  now: number,
  keyring: Keyring,
  locale?: string,
): Promise<CodeIssue> {
  return issueCode(db, mailer, email, now, keyring, 'step_up', locale);
}

/**
 * Checks the newest live code of the address with blind index `emailIndex` and consumes it.
 * @throws ApiError `invalid_code` (wrong, expired, used) or `too_many_attempts` (5 wrong tries).
 */
async function consumeCode(db: Db, emailIndex: string, code: string, now: number): Promise<void> {
  const [row] = await db
    .select()
    .from(schema.portalCodes)
    .where(
      and(
        eq(schema.portalCodes.emailIndex, emailIndex),
        isNull(schema.portalCodes.consumedAt),
        gt(schema.portalCodes.expiresAt, new Date(now)),
      ),
    )
    .orderBy(desc(schema.portalCodes.createdAt))
    .limit(1);
  if (!row) throw new ApiError('invalid_code');
  if (row.attempts >= CODE_MAX_ATTEMPTS)
    throw new ApiError('too_many_attempts', 'Request a new code.');
  const ok = timingSafeEqual(
    Buffer.from(row.codeHash),
    Buffer.from(sha256(`${emailIndex}:${code}`)),
  );
  if (!ok) {
    await db
      .update(schema.portalCodes)
      .set({ attempts: row.attempts + 1 })
      .where(eq(schema.portalCodes.id, row.id));
    if (row.attempts + 1 >= CODE_MAX_ATTEMPTS)
      throw new ApiError('too_many_attempts', 'Request a new code.');
    throw new ApiError('invalid_code');
  }
  const [used] = await db
    .update(schema.portalCodes)
    .set({ consumedAt: new Date(now) })
    .where(and(eq(schema.portalCodes.id, row.id), isNull(schema.portalCodes.consumedAt)))
    .returning({ id: schema.portalCodes.id });
  // Two requests raced with the same code: only one wins.
  if (!used) throw new ApiError('invalid_code');
}

/**
 * Opens a session for a proven address, counting as step-up (R7): stores the session id
 * (SHA-256 of the cookie), the address's blind index and the address encrypted.
 * @returns the session cookie value (random 256 bits, base64url)
 */
async function openSession(db: Db, ring: Keyring, email: string, now: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const id = sha256(token);
  const sealed = await ring.encrypt(email, sessionEmailAad(id));
  await db.transaction(async (tx) => {
    await tx.insert(schema.portalSessions).values({
      id,
      email: sealed,
      emailIndex: emailIndexOf(ring, email),
      createdAt: new Date(now),
      expiresAt: new Date(now + SESSION_IDLE_MS),
    });
    await tx.insert(schema.portalStepUps).values({ sessionId: id, verifiedAt: new Date(now) });
  });
  return token;
}

/**
 * Checks a code and opens a session. A fresh code also counts as step-up for 10 minutes (R7).
 * @param keyring computes the blind index and seals the session's address (`deps.keyring`)
 * @returns the session cookie value (random 256 bits, base64url) to set.
 * @throws ApiError `invalid_code` (wrong, expired, used) or `too_many_attempts` (5 wrong tries).
 */
export async function verifySignIn(
  db: Db,
  rawEmail: string,
  code: string,
  now: number,
  keyring: Keyring,
): Promise<string> {
  const email = normalizeEmail(rawEmail);
  await consumeCode(db, emailIndexOf(keyring, email), code, now);
  return openSession(db, keyring, email, now);
}

/** Step-up lasts this long after a fresh code (R7; 11 CCR §7060-7062). */
export const STEP_UP_MS = 10 * 60_000;

/**
 * Step-up: a fresh code emailed to the session's own address proves the person is still there.
 * @param keyring computes the address's blind index (`deps.keyring`)
 * @throws ApiError `invalid_code` / `too_many_attempts` like sign-in.
 */
export async function verifyStepUp(
  db: Db,
  token: string,
  email: string,
  code: string,
  now: number,
  keyring: Keyring,
): Promise<void> {
  await consumeCode(db, emailIndexOf(keyring, email), code, now);
  await db
    .insert(schema.portalStepUps)
    .values({ sessionId: sha256(token), verifiedAt: new Date(now) })
    .onConflictDoUpdate({
      target: schema.portalStepUps.sessionId,
      set: { verifiedAt: new Date(now) },
    });
}

/**
 * Refuses export, deletion and correction unless this session proved a fresh code within the
 * last 10 minutes (R7).
 * @throws ApiError `step_up_required` (403)
 */
export async function requireStepUp(db: Db, token: string | undefined, now: number) {
  if (!token) throw new ApiError('step_up_required');
  const [row] = await db
    .select()
    .from(schema.portalStepUps)
    .where(eq(schema.portalStepUps.sessionId, sha256(token)));
  if (!row || now - row.verifiedAt.getTime() > STEP_UP_MS)
    throw new ApiError('step_up_required', 'Enter the code we just emailed you, then try again.');
}

/** When this session's step-up ends (epoch ms), or null when it never stepped up. */
export async function stepUpUntil(db: Db, token: string | undefined): Promise<number | null> {
  if (!token) return null;
  const [row] = await db
    .select()
    .from(schema.portalStepUps)
    .where(eq(schema.portalStepUps.sessionId, sha256(token)));
  return row ? row.verifiedAt.getTime() + STEP_UP_MS : null;
}

/**
 * Ends every session of an address ("sign out everywhere"), found by its blind index.
 * @param keyring computes the address's blind index (`deps.keyring`)
 * @returns how many ended
 */
export async function endAllSessions(db: Db, email: string, keyring: Keyring): Promise<number> {
  const gone = await db
    .delete(schema.portalSessions)
    .where(eq(schema.portalSessions.emailIndex, emailIndexOf(keyring, email)))
    .returning({ id: schema.portalSessions.id });
  if (gone.length > 0)
    await db.delete(schema.portalStepUps).where(
      inArray(
        schema.portalStepUps.sessionId,
        gone.map((g) => g.id),
      ),
    );
  return gone.length;
}

/**
 * The email of a live session (decrypted), sliding its idle timeout; null when absent or expired.
 * @param keyring opens the session's sealed address (`deps.keyring`)
 */
export async function sessionEmail(
  db: Db,
  token: string | undefined,
  now: number,
  keyring: Keyring,
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
  if (!row) return null;
  return keyring.decrypt(row.email, sessionEmailAad(id));
}

/** Ends a session. */
export async function endSession(db: Db, token: string | undefined): Promise<void> {
  if (!token) return;
  await db.delete(schema.portalSessions).where(eq(schema.portalSessions.id, sha256(token)));
  await db.delete(schema.portalStepUps).where(eq(schema.portalStepUps.sessionId, sha256(token)));
}

/**
 * Sign-in link: the product's backend (where the customer is already signed in) signs the same
 * identity token as the widget's `identify` (HS256, ≤ 10 minutes, `email` claim required) and
 * sends the customer to `/portal/?pk=<publishable key>&token=<token>`. Each token opens one
 * session only (its SHA-256 is kept as used); a fresh product sign-in counts as step-up (R7).
 * @param keyring computes the blind index and seals the session's address (`deps.keyring`)
 * @returns `{ token, email }`: the session cookie value and the signed-in address.
 * @throws ApiError `invalid_token` (bad signature, expired, no email, already used)
 */
export async function signInWithLink(
  db: Db,
  email: string | null,
  identityToken: string,
  now: number,
  keyring: Keyring,
): Promise<{ token: string; email: string }> {
  if (!email) throw new ApiError('invalid_token', "The token must carry the customer's email.");
  const address = normalizeEmail(email);
  const used = await db
    .insert(schema.portalCodes)
    .values({
      id: `${LINK_MARKER}${sha256(identityToken)}`,
      emailIndex: emailIndexOf(keyring, address),
      codeHash: sha256(identityToken),
      expiresAt: new Date(now),
      consumedAt: new Date(now),
      createdAt: new Date(now),
    })
    .onConflictDoNothing()
    .returning({ id: schema.portalCodes.id });
  if (used.length === 0) throw new ApiError('invalid_token', 'This sign-in link was already used.');
  return { token: await openSession(db, keyring, address, now), email: address };
}
