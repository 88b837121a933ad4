// Prefixed, time-sortable ids (`sub_…`, `evt_…`): readable in logs, ordered by creation.

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A new id: prefix, 10 chars of millisecond time, 16 chars of randomness (80 bits), Crockford base32.
 * @example newId('evt') // 'evt_01jd8x0k2m7q9w3e5r6t8y0u2i'
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes16();
  let rand = '';
  for (const b of bytes) rand += ALPHABET[b % 32];
  return `${prefix}_${time}${rand}`;
}

/**
 * Random bytes drawn 4 KiB at a time from the platform CSPRNG (`crypto.getRandomValues`) and
 * handed out 16 at a time, each only once: one system call per 256 ids instead of one per id
 * (a consent write makes several ids).
 */
const pool = new Uint8Array(4096);
let poolAt = pool.length;
function randomBytes16(): Uint8Array {
  if (poolAt + 16 > pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  const bytes = pool.subarray(poolAt, poolAt + 16);
  poolAt += 16;
  return bytes;
}
