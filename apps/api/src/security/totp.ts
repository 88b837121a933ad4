// TOTP second factor for staff (RFC 6238 via otpauth): 6 digits, 30-second steps, one step
// of clock drift either way; each accepted step is remembered so a code works only once.
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

const PERIOD_S = 30;

function totp(secretBase32: string, label = 'staff') {
  return new TOTP({
    issuer: 'Assent',
    label,
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_S,
  });
}

/** A new random TOTP secret (160 bits, base32) and its `otpauth://` URI for an authenticator app. */
export function newTotpSecret(label: string): { secret: string; uri: string } {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, uri: totp(secret, label).toString() };
}

/** The code at `now` (epoch ms); for tests and enrolment checks. */
export function totpCode(secret: string, now: number): string {
  return totp(secret).generate({ timestamp: now });
}

/**
 * Checks a code at `now` (epoch ms).
 * @returns the accepted time step (to refuse its reuse), or null when the code is wrong
 */
export function checkTotp(secret: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 1000 / PERIOD_S) + delta;
}

/** Ten one-time recovery codes and their SHA-256 hashes (only the hashes are stored). */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: 10 }, () => randomBytes(10).toString('base64url'));
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

/** SHA-256 hex of a recovery code. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.trim()).digest('hex');
}
