// What the widget asks on load: banner only when due, reminders before expiry, quiet after refusals.
import { describe, expect, it } from 'vitest';
import { type AskPlan, mayReask, planAsk } from './ask.ts';
import { type ConsentState, DAY_MS } from './state.ts';
import type { ConsentStatus, PurposeRule } from './types.ts';

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
const essential = rule('essential', { necessary: true });
const analytics = rule('analytics');
const ads = rule('ads', { gpcOptOut: true, refusalQuietDays: 365 });
const health = rule('health', { separateConsent: 'sensitive', reconfirmAfterDays: 180 });
const ALL = [essential, analytics, ads, health];

function state(status: ConsentStatus, decidedAt: number | null, expiresAt: number | null = null) {
  const effective = status === 'granted';
  return { status, effective, decidedAt, expiresAt } satisfies ConsentState;
}
/** A grant made 10 days ago, ending far in the future: nothing due. */
const fresh = () => state('granted', NOW - 10 * DAY_MS, NOW + 300 * DAY_MS);
const refusedDaysAgo = (days: number, status: 'denied' | 'withdrawn' = 'denied') =>
  state(status, NOW - days * DAY_MS);

const allFresh = (): Record<string, ConsentState> => ({
  analytics: fresh(),
  ads: fresh(),
  health: fresh(),
});
const NOTHING: AskPlan = { banner: false, reconfirm: [], separatePending: [] };

describe('planAsk', () => {
  it.each<{
    name: string;
    purposes?: PurposeRule[];
    states: Record<string, ConsentState>;
    reminderDays?: number;
    want: AskPlan;
  }>([
    { name: 'C11: nothing due → no banner, nothing asked', states: allFresh(), want: NOTHING },
    {
      name: 'C4: a necessary purpose alone is never asked',
      purposes: [essential],
      states: {},
      want: NOTHING,
    },
    {
      name: 'C1: an undecided ordinary purpose → banner',
      states: { ...allFresh(), analytics: state('unset', null) },
      want: { ...NOTHING, banner: true },
    },
    {
      name: 'C1: an ordinary purpose missing from the states counts as unset → banner',
      purposes: [analytics],
      states: {},
      want: { ...NOTHING, banner: true },
    },
    {
      name: 'C5: an undecided separate purpose is pending, not a banner',
      states: { ...allFresh(), health: state('unset', null) },
      want: { ...NOTHING, separatePending: ['health'] },
    },
    {
      name: 'C5: first visit → banner for ordinary purposes, separate ones left pending',
      states: {},
      want: { banner: true, reconfirm: [], separatePending: ['health'] },
    },
    {
      name: 'C10: a grant ending in exactly 30 days → reconfirm',
      states: { ...allFresh(), analytics: state('granted', NOW, NOW + 30 * DAY_MS) },
      want: { ...NOTHING, reconfirm: ['analytics'] },
    },
    {
      name: 'C10: a grant ending 30 days and 1 ms from now → not yet',
      states: { ...allFresh(), analytics: state('granted', NOW, NOW + 30 * DAY_MS + 1) },
      want: NOTHING,
    },
    {
      name: 'C10: a separate grant inside the reminder window → reconfirm, no banner',
      states: { ...allFresh(), health: state('granted', NOW, NOW + DAY_MS) },
      want: { ...NOTHING, reconfirm: ['health'] },
    },
    {
      name: 'C10: a custom reminder window of 7 days → 8 days out is not due',
      states: { ...allFresh(), analytics: state('granted', NOW, NOW + 8 * DAY_MS) },
      reminderDays: 7,
      want: NOTHING,
    },
    {
      name: 'C10: a custom reminder window of 7 days → 7 days out is due',
      states: { ...allFresh(), analytics: state('granted', NOW, NOW + 7 * DAY_MS) },
      reminderDays: 7,
      want: { ...NOTHING, reconfirm: ['analytics'] },
    },
    {
      name: 'a grant without an end is never reminded',
      states: { ...allFresh(), analytics: state('granted', NOW - 900 * DAY_MS, null) },
      want: NOTHING,
    },
    {
      name: 'C10: expired grants → reconfirm (ordinary and separate), not banner',
      states: {
        ...allFresh(),
        analytics: state('expired', NOW - 400 * DAY_MS, NOW - 35 * DAY_MS),
        health: state('expired', NOW - 200 * DAY_MS, NOW - 20 * DAY_MS),
      },
      want: { ...NOTHING, reconfirm: ['analytics', 'health'] },
    },
    {
      name: 'C8: stale grants after a material notice → reconfirm',
      states: {
        ...allFresh(),
        ads: state('stale', NOW - DAY_MS, NOW + 364 * DAY_MS),
        health: state('stale', NOW - DAY_MS, NOW + 179 * DAY_MS),
      },
      want: { ...NOTHING, reconfirm: ['ads', 'health'] },
    },
    {
      name: 'C11: a refusal 179 days ago (quiet 180) → no banner',
      states: { ...allFresh(), analytics: refusedDaysAgo(179) },
      want: NOTHING,
    },
    {
      name: 'C11: a refusal exactly 180 days ago → banner',
      states: { ...allFresh(), analytics: refusedDaysAgo(180) },
      want: { ...NOTHING, banner: true },
    },
    {
      name: 'C11: a withdrawal inside the quiet period → no banner',
      states: { ...allFresh(), analytics: refusedDaysAgo(1, 'withdrawn') },
      want: NOTHING,
    },
    {
      name: 'C11: a withdrawal after the quiet period → banner',
      states: { ...allFresh(), analytics: refusedDaysAgo(200, 'withdrawn') },
      want: { ...NOTHING, banner: true },
    },
    {
      name: 'C11: a sale/share opt-out 364 days ago (quiet 365) → no banner',
      states: { ...allFresh(), ads: refusedDaysAgo(364) },
      want: NOTHING,
    },
    {
      name: 'C11: a sale/share opt-out 365 days ago → banner',
      states: { ...allFresh(), ads: refusedDaysAgo(365) },
      want: { ...NOTHING, banner: true },
    },
    {
      name: 'C5: a separate refusal is never re-asked by the banner, however old',
      states: { ...allFresh(), health: refusedDaysAgo(5000) },
      want: NOTHING,
    },
    {
      name: 'C5: a separate withdrawal is never re-asked by the banner, however old',
      states: { ...allFresh(), health: refusedDaysAgo(5000, 'withdrawn') },
      want: NOTHING,
    },
  ])('$name', ({ purposes = ALL, states, reminderDays, want }) => {
    const map = new Map(Object.entries(states));
    expect(planAsk(purposes, map, NOW, reminderDays)).toEqual(want);
  });

  it('C4: a necessary purpose is skipped even when its state looks due', () => {
    const states = new Map([['essential', state('expired', NOW - DAY_MS, NOW - 1)]]);
    expect(planAsk([essential], states, NOW)).toEqual(NOTHING);
  });
});

describe('mayReask', () => {
  it.each<{ name: string; purpose: PurposeRule; state: ConsentState; want: boolean }>([
    { name: 'unset → may ask', purpose: analytics, state: state('unset', null), want: true },
    { name: 'granted → may ask', purpose: analytics, state: fresh(), want: true },
    {
      name: 'C10: expired → may ask',
      purpose: analytics,
      state: state('expired', NOW - 400 * DAY_MS, NOW - DAY_MS),
      want: true,
    },
    {
      name: 'C11: denied 1 ms short of the quiet period → may not',
      purpose: analytics,
      state: state('denied', NOW - 180 * DAY_MS + 1),
      want: false,
    },
    {
      name: 'C11: denied exactly at the end of the quiet period → may ask',
      purpose: analytics,
      state: refusedDaysAgo(180),
      want: true,
    },
    {
      name: 'C11: withdrawn inside the quiet period → may not',
      purpose: analytics,
      state: refusedDaysAgo(10, 'withdrawn'),
      want: false,
    },
    {
      name: 'C11: sale/share opt-out after 200 days (quiet 365) → may not',
      purpose: ads,
      state: refusedDaysAgo(200),
      want: false,
    },
    {
      name: 'C11: sale/share opt-out after 365 days → may ask',
      purpose: ads,
      state: refusedDaysAgo(365),
      want: true,
    },
    {
      name: 'a refusal with no known time → may ask',
      purpose: analytics,
      state: state('denied', null),
      want: true,
    },
  ])('$name', ({ purpose, state, want }) => {
    expect(mayReask(purpose, state, NOW)).toBe(want);
  });
});
