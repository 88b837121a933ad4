// Master keys from configuration (ASSENT_MASTER_KEY, ASSENT_PREVIOUS_MASTER_KEYS): they only
// wrap data keys, never data. A key is named by its fingerprint so rows say which one wraps them.
import { createHash } from 'node:crypto';

export interface MasterKey {
  /** `mk_` + first 16 hex chars of SHA-256(key): safe to store and log. */
  id: string;
  key: Buffer;
}

/**
 * The development master key, used only when ASSENT_MASTER_KEY is unset outside production
 * (loadConfig refuses it in production). Public on purpose: data under it is not protected.
 */
export const DEV_MASTER_KEY = Buffer.alloc(32, 'assent-development-key-not-secret').toString(
  'base64',
);

/** The fingerprint id of a master key. */
export function masterKeyId(key: Buffer): string {
  return `mk_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/**
 * Parses a base64 (or base64url) encoded 32-byte key.
 * @throws Error when it does not decode to exactly 32 bytes (AES-256).
 */
export function parseMasterKey(encoded: string): MasterKey {
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32) throw new Error('a master key must be 32 bytes, base64-encoded');
  return { id: masterKeyId(key), key };
}

/** Parses the current key and the comma-separated previous keys; the current one comes first. */
export function parseMasterKeys(current: string, previous = ''): MasterKey[] {
  const keys = [current, ...previous.split(',').filter((s) => s.trim() !== '')].map(parseMasterKey);
  return keys.filter((k, i) => keys.findIndex((o) => o.id === k.id) === i);
}
