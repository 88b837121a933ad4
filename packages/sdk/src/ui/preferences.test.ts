// The "Asked separately" list's state line: the portal's words for a purpose never decided.
import type { ConsentStateView } from '@assent/contract/types';
import { describe, expect, it } from 'vitest';
import { separateStatus } from './preferences.ts';
import { stringsFor } from './strings.ts';

const NOW = Date.parse('2026-05-01T00:00:00Z');
const view = (
  status: ConsentStateView['status'],
  effective = false,
  expiresAt: string | null = null,
): ConsentStateView => ({ status, effective, decidedAt: '2026-04-01T00:00:00.000Z', expiresAt });

describe('separateStatus', () => {
  it.each([
    // Never decided: as the portal says it (apps/portal/src/i18n/messages.ts `status.unset`).
    ['en', undefined, 'Not decided yet'],
    ['en', { ...view('unset'), decidedAt: null }, 'Not decided yet'],
    ['zh-CN', undefined, '尚未决定'],
    ['zh-CN', { ...view('unset'), decidedAt: null }, '尚未决定'],
    // Decided: agreed only for an effective grant.
    ['en', view('granted', true), 'Agreed'],
    ['en', view('granted', true, '2026-04-30T00:00:00.000Z'), 'Not agreed'],
    ['en', view('denied'), 'Not agreed'],
    ['en', view('withdrawn'), 'Not agreed'],
    ['en', view('expired'), 'Not agreed'],
    ['zh-CN', view('granted', true), '已同意'],
    ['zh-CN', view('denied'), '未同意'],
  ] as const)('%s, %j → %s', (locale, state, want) => {
    expect(separateStatus(state, NOW, stringsFor(locale))).toBe(want);
  });

  it("a product's override of the never-decided words is used", () => {
    const t = stringsFor('en', { en: { undecided: 'Open' } });
    expect(separateStatus(undefined, NOW, t)).toBe('Open');
  });
});
