// Random identifiers: the device id and idempotency keys. Web Crypto only, no Math.random.

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  return bytes;
}

/**
 * A fresh device id: 128 random bits as base64url without padding (22 characters).
 * The device is the anonymous data subject until the product vouches for its user.
 */
export function newDeviceId(): string {
  let bin = '';
  for (const b of randomBytes(16)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A random RFC 9562 version-4 UUID, used as an `Idempotency-Key`.
 * Built from `getRandomValues` because `crypto.randomUUID` only exists in secure contexts.
 */
export function uuid(): string {
  const b = randomBytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
