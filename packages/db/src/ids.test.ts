import { describe, expect, it } from 'vitest';
import { newId } from './ids.ts';

describe('newId', () => {
  it('is prefix, 10 time characters and 16 random ones in Crockford base32', () => {
    expect(newId('evt', 0)).toMatch(/^evt_0{10}[0-9a-hjkmnp-tv-z]{16}$/);
  });

  it('never repeats, also across refills of the random pool (256 ids per refill)', () => {
    const now = Date.now();
    const ids = Array.from({ length: 10_000 }, () => newId('x', now));
    expect(new Set(ids).size).toBe(ids.length);
    // Same millisecond: the random parts alone must differ.
    expect(new Set(ids.map((id) => id.slice(-16))).size).toBe(ids.length);
  });

  it('sorts by creation time', () => {
    const a = newId('x', 1_700_000_000_000);
    const b = newId('x', 1_700_000_000_001);
    expect(a < b).toBe(true);
  });
});
