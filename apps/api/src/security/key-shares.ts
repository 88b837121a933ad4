// Dual control of the master key's backup (procedure §2.1; REQUIREMENTS S4): the key is split
// into Shamir shares (shamir-secret-sharing) held by different people; any `threshold` of them
// restore it, fewer reveal nothing. Each share names the key's fingerprint so a wrong or
// missing share is detected instead of yielding a wrong key.
import { combine, split } from 'shamir-secret-sharing';
import { type MasterKey, masterKeyId, parseMasterKey } from './master-keys.ts';

const SHARE = /^assent-share:(\d+)of(\d+):(mk_[0-9a-f]{16}):([A-Za-z0-9_-]+)$/;

/**
 * Splits a master key into `shares` shares, `threshold` of which restore it (2 ≤ threshold ≤ shares ≤ 255).
 * @returns lines `assent-share:<threshold>of<shares>:<master key id>:<base64url>`
 */
export async function splitMasterKey(
  master: MasterKey,
  shares: number,
  threshold: number,
): Promise<string[]> {
  if (!(threshold >= 2 && shares >= threshold && shares <= 255))
    throw new Error('need 2 <= threshold <= shares <= 255');
  const parts = await split(new Uint8Array(master.key), shares, threshold);
  return parts.map(
    (p) =>
      `assent-share:${threshold}of${shares}:${master.id}:${Buffer.from(p).toString('base64url')}`,
  );
}

/**
 * Restores a master key from shares made by `splitMasterKey`.
 * @returns the key, base64-encoded (the form ASSENT_MASTER_KEY takes), and its id
 * @throws Error when shares are malformed, from different keys, too few, or do not restore
 *   the fingerprinted key.
 */
export async function combineMasterKey(lines: string[]): Promise<{ base64: string; id: string }> {
  const parsed = lines.map((l) => {
    const m = SHARE.exec(l.trim());
    if (!m) throw new Error('not an Assent key share');
    return { threshold: Number(m[1]), id: m[3] ?? '', bytes: Buffer.from(m[4] ?? '', 'base64url') };
  });
  const [first] = parsed;
  if (!first) throw new Error('no shares given');
  if (parsed.some((p) => p.id !== first.id)) throw new Error('shares of different keys');
  if (parsed.length < first.threshold)
    throw new Error(`need ${first.threshold} shares, got ${parsed.length}`);
  const key = Buffer.from(await combine(parsed.map((p) => new Uint8Array(p.bytes))));
  if (masterKeyId(key) !== first.id) throw new Error('the shares do not restore the key');
  const base64 = key.toString('base64');
  return { base64, id: parseMasterKey(base64).id };
}
