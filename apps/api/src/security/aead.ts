// AES-256-GCM sealing (node:crypto) shared by field encryption and data-key wrapping.
// Layout of a sealed value: base64url(iv 12 bytes | ciphertext | tag 16 bytes).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Thrown when a sealed value does not open (wrong key, edited bytes, or different AAD). */
export class DecryptError extends Error {
  constructor(message = 'sealed value does not open') {
    super(message);
    this.name = 'DecryptError';
  }
}

/**
 * Encrypts `plain` with a 32-byte key; `aad` is authenticated but not stored, so the value
 * opens only with the same AAD (it binds the value to its row and column).
 * @returns base64url(iv | ciphertext | tag)
 */
export function seal(key: Buffer, plain: Buffer, aad: string): string {
  if (key.length !== 32) throw new Error('AES-256 needs a 32-byte key');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/**
 * Opens a value made by `seal`.
 * @throws DecryptError when the key, the bytes or the AAD differ.
 */
export function open(key: Buffer, sealed: string, aad: string): Buffer {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new DecryptError('sealed value too short');
  const iv = raw.subarray(0, IV_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const body = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new DecryptError();
  }
}
