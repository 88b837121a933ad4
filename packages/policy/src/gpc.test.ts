// Global Privacy Control: which sale/share purposes a GPC signal denies now (C13, 11 CCR §7025).
import { describe, expect, it } from 'vitest';
import { gpcOptOuts } from './gpc.ts';
import { DAY_MS } from './state.ts';
import type { ConsentSource, Decision, LastDecision, PurposeRule } from './types.ts';

const NOW = Date.UTC(2025, 5, 1);

const rule = (key: string, over: Partial<PurposeRule> = {}): PurposeRule => ({
  key,
  necessary: false,
  separateConsent: null,
  gpcOptOut: false,
  reconfirmAfterDays: 365,
  refusalQuietDays: 180,
  ...over,
});
const ads = rule('ads', { gpcOptOut: true, refusalQuietDays: 365 });
const sale = rule('sale', { gpcOptOut: true, refusalQuietDays: 365 });
const analytics = rule('analytics');
const RULES = [rule('essential', { necessary: true }), analytics, ads, sale];

const last = (decision: Decision, source: ConsentSource, gpc: boolean): LastDecision => ({
  decision,
  decidedAt: NOW - DAY_MS,
  expiresAt: decision === 'granted' ? NOW + 364 * DAY_MS : null,
  noticeVersion: 1,
  source,
  gpc,
});

describe('gpcOptOuts', () => {
  it.each<{
    name: string;
    rules?: PurposeRule[];
    last: Record<string, LastDecision>;
    want: string[];
  }>([
    { name: 'C13: unset sale/share purposes → opted out', last: {}, want: ['ads', 'sale'] },
    {
      name: 'C13: already denied → nothing to record',
      last: { ads: last('denied', 'banner', false), sale: last('denied', 'gpc', true) },
      want: [],
    },
    {
      name: 'C13: already withdrawn → nothing to record',
      last: { ads: last('withdrawn', 'portal', false) },
      want: ['sale'],
    },
    {
      name: 'C13: granted before GPC (gpc=false) → opted out',
      last: { ads: last('granted', 'banner', false), sale: last('granted', 'preferences', false) },
      want: ['ads', 'sale'],
    },
    {
      name: 'C13: granted explicitly while GPC was on → kept; the other is opted out',
      last: { ads: last('granted', 'preferences', true) },
      want: ['sale'],
    },
    {
      name: 'C13: a grant recorded with source gpc is not an explicit choice → opted out',
      last: { ads: last('granted', 'gpc', true) },
      want: ['ads', 'sale'],
    },
    {
      name: 'C13: non-GPC purposes are untouched, whatever their state',
      rules: [analytics],
      last: { analytics: last('granted', 'banner', false) },
      want: [],
    },
    {
      name: 'C4: a necessary purpose flagged for GPC is never opted out',
      rules: [rule('billing', { necessary: true, gpcOptOut: true })],
      last: {},
      want: [],
    },
  ])('$name', ({ rules = RULES, last, want }) => {
    expect(gpcOptOuts(rules, new Map(Object.entries(last)))).toEqual(want);
  });
});
