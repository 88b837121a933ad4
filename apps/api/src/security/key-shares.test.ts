// Dual control of the master key backup (REQUIREMENTS S4).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { combineMasterKey, splitMasterKey } from './key-shares.ts';
import { parseMasterKey } from './master-keys.ts';

describe('master key shares', () => {
  it('S4: a 2-of-3 split restores the key from any two shares and from no single one', async () => {
    const encoded = randomBytes(32).toString('base64');
    const key = parseMasterKey(encoded);
    const shares = await splitMasterKey(key, 3, 2);
    expect(shares).toHaveLength(3);
    for (const s of shares) expect(s).not.toContain(encoded);
    for (const pair of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      const restored = await combineMasterKey(pair.map((i) => shares[i] ?? ''));
      expect(restored).toEqual({ base64: encoded, id: key.id });
    }
    await expect(combineMasterKey([shares[0] ?? ''])).rejects.toThrow(/need 2 shares/);
  });

  it('S4: shares of another key, or a corrupted share, are refused instead of giving a wrong key', async () => {
    const a = await splitMasterKey(parseMasterKey(randomBytes(32).toString('base64')), 2, 2);
    const b = await splitMasterKey(parseMasterKey(randomBytes(32).toString('base64')), 2, 2);
    await expect(combineMasterKey([a[0] ?? '', b[1] ?? ''])).rejects.toThrow(/different keys/);
    const share = a[1] ?? '';
    const tampered = `${share.slice(0, -4)}${share.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    await expect(combineMasterKey([a[0] ?? '', tampered])).rejects.toThrow(/do not restore/);
    await expect(
      splitMasterKey(parseMasterKey(randomBytes(32).toString('base64')), 3, 1),
    ).rejects.toThrow();
  });
});
