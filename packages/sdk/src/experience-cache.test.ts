// The stored copy of the experience: per property and locale, and what to ask planned again
// from its states, so a decision made on the last visit never re-opens the banner.
import type { ConsentStateView } from '@assent/contract/types';
import { describe, expect, it } from 'vitest';
import { memoryStorage } from './core/storage.ts';
import { EXPERIENCE_KEY, readExperience, writeExperience } from './experience-cache.ts';
import { shopExperience } from './test/fixtures.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const view = (status: ConsentStateView['status'], daysAgo: number, termDays?: number) => ({
  status,
  effective: status === 'granted',
  decidedAt: new Date(NOW - daysAgo * DAY).toISOString(),
  expiresAt:
    termDays === undefined ? null : new Date(NOW - daysAgo * DAY + termDays * DAY).toISOString(),
});

describe('experience copy', () => {
  it('is read back only for the same property and locale', () => {
    const storage = memoryStorage();
    writeExperience(storage, 'pk_a', 'en', shopExperience(), {});
    expect(readExperience(storage, 'pk_a', 'en', NOW)?.property.name).toBe('Demo Shop');
    expect(readExperience(storage, 'pk_b', 'en', NOW)).toBeNull();
    expect(readExperience(storage, 'pk_a', 'zh-CN', NOW)).toBeNull();
    storage.set(EXPERIENCE_KEY, '{not json');
    expect(readExperience(storage, 'pk_a', 'en', NOW)).toBeNull();
  });

  it('C11: after reject-all on the last visit nothing is asked (quiet period from the copy)', () => {
    const storage = memoryStorage();
    const exp = shopExperience();
    const quiet = { ...exp, purposes: exp.purposes.map((p) => ({ ...p, refusalQuietDays: 180 })) };
    writeExperience(storage, 'pk_a', 'en', quiet, {
      analytics: view('denied', 10),
      ads: view('denied', 10),
    });
    const back = readExperience(storage, 'pk_a', 'en', NOW);
    expect(back?.ask.banner).toBe(false);
    expect(back?.purposes.find((p) => p.key === 'analytics')?.state.status).toBe('denied');
    // After the quiet period the copy asks again, as the API would.
    expect(readExperience(storage, 'pk_a', 'en', NOW + 200 * DAY)?.ask.banner).toBe(true);
  });

  it('C10: a grant near its end is planned for re-confirmation; an undecided purpose asks the banner', () => {
    const storage = memoryStorage();
    writeExperience(storage, 'pk_a', 'en', shopExperience(), {
      analytics: view('granted', 350, 365),
    });
    const back = readExperience(storage, 'pk_a', 'en', NOW);
    expect(back?.ask.reconfirm).toEqual(['analytics']);
    expect(back?.ask.banner).toBe(true); // ads was never decided
  });
});
