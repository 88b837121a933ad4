// Consent state rules: what holds now for one subject × purpose, term ends, DPV mapping and replay.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ConsentState, consentState, DAY_MS, dpvStatus, replay, termEnd } from './state.ts';
import type { ConsentStatus, Decision, LastDecision, NoticeStatus, PurposeRule } from './types.ts';

const NOW = Date.UTC(2025, 5, 1);

const analytics: PurposeRule = {
  key: 'analytics',
  necessary: false,
  separateConsent: null,
  gpcOptOut: false,
  reconfirmAfterDays: 365,
  refusalQuietDays: 180,
};
const essential: PurposeRule = { ...analytics, key: 'essential', necessary: true };

const notice = (version: number, materialVersion: number): NoticeStatus => ({
  version,
  materialVersion,
});

function decided(decision: Decision, over: Partial<LastDecision> = {}): LastDecision {
  const decidedAt = NOW - 10 * DAY_MS;
  return {
    decision,
    decidedAt,
    expiresAt: decision === 'granted' ? decidedAt + 365 * DAY_MS : null,
    noticeVersion: 2,
    source: 'banner',
    gpc: false,
    ...over,
  };
}

describe('consentState', () => {
  const expiresAt = NOW + 5 * DAY_MS;
  it.each<{
    name: string;
    purpose: PurposeRule;
    last: LastDecision | null;
    notice: NoticeStatus;
    now: number;
    want: Pick<ConsentState, 'status' | 'effective'>;
  }>([
    {
      name: 'C1: never decided → unset, not effective',
      purpose: analytics,
      last: null,
      notice: notice(2, 2),
      now: NOW,
      want: { status: 'unset', effective: false },
    },
    {
      name: 'granted under the current notice → granted, effective',
      purpose: analytics,
      last: decided('granted'),
      notice: notice(2, 2),
      now: NOW,
      want: { status: 'granted', effective: true },
    },
    {
      name: 'denied → denied, not effective',
      purpose: analytics,
      last: decided('denied'),
      notice: notice(2, 2),
      now: NOW,
      want: { status: 'denied', effective: false },
    },
    {
      name: 'C9: withdrawn → withdrawn, not effective',
      purpose: analytics,
      last: decided('withdrawn'),
      notice: notice(2, 2),
      now: NOW,
      want: { status: 'withdrawn', effective: false },
    },
    {
      name: 'C10: one ms before expiresAt → still granted',
      purpose: analytics,
      last: decided('granted', { expiresAt }),
      notice: notice(2, 2),
      now: expiresAt - 1,
      want: { status: 'granted', effective: true },
    },
    {
      name: 'C10: exactly at expiresAt → expired, not effective',
      purpose: analytics,
      last: decided('granted', { expiresAt }),
      notice: notice(2, 2),
      now: expiresAt,
      want: { status: 'expired', effective: false },
    },
    {
      name: 'C10: after expiresAt → expired',
      purpose: analytics,
      last: decided('granted', { expiresAt }),
      notice: notice(2, 2),
      now: expiresAt + DAY_MS,
      want: { status: 'expired', effective: false },
    },
    {
      name: 'C8: a newer material notice version → stale, not effective',
      purpose: analytics,
      last: decided('granted', { noticeVersion: 2 }),
      notice: notice(3, 3),
      now: NOW,
      want: { status: 'stale', effective: false },
    },
    {
      name: 'C8: a newer non-material notice version → still granted',
      purpose: analytics,
      last: decided('granted', { noticeVersion: 2 }),
      notice: notice(4, 2),
      now: NOW,
      want: { status: 'granted', effective: true },
    },
    {
      name: 'C8: a material version then a non-material one above the grant → stale',
      purpose: analytics,
      last: decided('granted', { noticeVersion: 2 }),
      notice: notice(4, 3),
      now: NOW,
      want: { status: 'stale', effective: false },
    },
    {
      name: 'C8: a refusal under an old material version stays a refusal, not stale',
      purpose: analytics,
      last: decided('denied', { noticeVersion: 1 }),
      notice: notice(3, 3),
      now: NOW,
      want: { status: 'denied', effective: false },
    },
    {
      name: 'C4: a necessary purpose is granted and effective without a decision',
      purpose: essential,
      last: null,
      notice: notice(2, 2),
      now: NOW,
      want: { status: 'granted', effective: true },
    },
    {
      name: 'C4: a necessary purpose ignores a recorded refusal',
      purpose: essential,
      last: decided('denied'),
      notice: notice(2, 2),
      now: NOW,
      want: { status: 'granted', effective: true },
    },
  ])('$name', ({ purpose, last, notice, now, want }) => {
    expect(consentState(purpose, last, notice, now)).toMatchObject(want);
  });

  it('carries decidedAt and expiresAt from the last decision', () => {
    const last = decided('granted', { decidedAt: NOW - DAY_MS, expiresAt: NOW + DAY_MS });
    expect(consentState(analytics, last, notice(2, 2), NOW)).toEqual({
      status: 'granted',
      effective: true,
      decidedAt: NOW - DAY_MS,
      expiresAt: NOW + DAY_MS,
    });
  });

  it('unset and necessary states carry no times', () => {
    expect(consentState(analytics, null, notice(1, 1), NOW)).toMatchObject({
      decidedAt: null,
      expiresAt: null,
    });
    expect(consentState(essential, decided('granted'), notice(1, 1), NOW)).toMatchObject({
      decidedAt: null,
      expiresAt: null,
    });
  });
});

describe('termEnd', () => {
  const sensitive: PurposeRule = { ...analytics, key: 'health', reconfirmAfterDays: 180 };
  it.each<{ name: string; purpose: PurposeRule; decision: Decision; want: number | null }>([
    {
      name: 'C10: an ordinary grant lasts 365 days',
      purpose: analytics,
      decision: 'granted',
      want: NOW + 365 * DAY_MS,
    },
    {
      name: 'C10: a sensitive grant lasts 180 days',
      purpose: sensitive,
      decision: 'granted',
      want: NOW + 180 * DAY_MS,
    },
    { name: 'a refusal never expires', purpose: analytics, decision: 'denied', want: null },
    { name: 'a withdrawal never expires', purpose: analytics, decision: 'withdrawn', want: null },
  ])('$name', ({ purpose, decision, want }) => {
    expect(termEnd(purpose, decision, NOW)).toBe(want);
  });
});

describe('dpvStatus', () => {
  it.each<[ConsentStatus, string]>([
    ['granted', 'dpv:ConsentGiven'],
    ['denied', 'dpv:ConsentRefused'],
    ['withdrawn', 'dpv:ConsentWithdrawn'],
    ['expired', 'dpv:ConsentExpired'],
    ['stale', 'dpv:ConsentInvalidated'],
    ['unset', 'dpv:ConsentUnknown'],
  ])('P3: %s maps to %s', (status, dpv) => {
    expect(dpvStatus(status)).toBe(dpv);
  });
});

describe('replay', () => {
  type Event = { id: number; purpose: string; decision: Decision; collectedAt: number };

  it.each<{ name: string; events: Event[]; want: Record<string, number> }>([
    { name: 'no events → nothing', events: [], want: {} },
    {
      name: 'P2: in-order events → the last per purpose',
      events: [
        { id: 1, purpose: 'a', decision: 'granted', collectedAt: 1 },
        { id: 2, purpose: 'b', decision: 'denied', collectedAt: 2 },
        { id: 3, purpose: 'a', decision: 'withdrawn', collectedAt: 3 },
      ],
      want: { a: 3, b: 2 },
    },
    {
      name: 'P2: a late-arriving older event does not override a newer one',
      events: [
        { id: 1, purpose: 'a', decision: 'withdrawn', collectedAt: 5 },
        { id: 2, purpose: 'a', decision: 'granted', collectedAt: 4 },
      ],
      want: { a: 1 },
    },
    {
      name: 'P2: equal collectedAt → the later one in order',
      events: [
        { id: 1, purpose: 'a', decision: 'granted', collectedAt: 5 },
        { id: 2, purpose: 'a', decision: 'denied', collectedAt: 5 },
      ],
      want: { a: 2 },
    },
  ])('$name', ({ events, want }) => {
    const ids = Object.fromEntries([...replay(events)].map(([k, e]) => [k, e.id]));
    expect(ids).toEqual(want);
  });

  const eventsArb = fc
    .array(
      fc.record({
        purpose: fc.constantFrom('analytics', 'marketing', 'health'),
        decision: fc.constantFrom<Decision>('granted', 'denied', 'withdrawn'),
        collectedAt: fc.integer({ min: 0, max: 20 }),
      }),
      { maxLength: 30 },
    )
    .map((es) => es.map((e, id) => ({ ...e, id })));

  /** The model: per purpose, the greatest collectedAt; ties go to the later event in order. */
  function expected(events: readonly Event[]): Map<string, Event> {
    const out = new Map<string, Event>();
    for (const e of events) {
      const later = events.filter(
        (o) =>
          o.purpose === e.purpose &&
          (o.collectedAt > e.collectedAt || (o.collectedAt === e.collectedAt && o.id > e.id)),
      );
      if (later.length === 0) out.set(e.purpose, e);
    }
    return out;
  }

  const byCollectedAt = (es: readonly Event[]) =>
    [...es].sort((x, y) => x.collectedAt - y.collectedAt);

  it('P2: property: replay keeps the latest event per purpose, whatever the arrival order', () => {
    const logAndPermutation = eventsArb.chain((es) =>
      fc.tuple(fc.constant(es), fc.shuffledSubarray(es, { minLength: es.length })),
    );
    fc.assert(
      fc.property(logAndPermutation, ([events, permuted]) => {
        expect(replay(events)).toEqual(expected(events));

        // Rebuilding from the same events in another order, sorted by time, gives the same
        // decision per purpose wherever the latest time holds a single decision.
        const rebuilt = replay(byCollectedAt(permuted));
        expect(rebuilt).toEqual(replay(permuted));
        const original = replay(events);
        expect([...rebuilt.keys()].sort()).toEqual([...original.keys()].sort());
        for (const [purpose, e] of original) {
          const atLatest = events.filter(
            (o) => o.purpose === purpose && o.collectedAt === e.collectedAt,
          );
          if (atLatest.every((o) => o.decision === e.decision)) {
            expect(rebuilt.get(purpose)?.decision).toBe(e.decision);
          }
        }
      }),
    );
  });

  it('P2: property: with distinct times, any permutation replays to the same events', () => {
    const distinct = fc
      .uniqueArray(fc.integer({ min: 0, max: 1000 }), { maxLength: 30 })
      .chain((times) =>
        fc.tuple(
          ...times.map((collectedAt, id) =>
            fc.record({
              id: fc.constant(id),
              purpose: fc.constantFrom('analytics', 'marketing', 'health'),
              decision: fc.constantFrom<Decision>('granted', 'denied', 'withdrawn'),
              collectedAt: fc.constant(collectedAt),
            }),
          ),
        ),
      )
      .chain((es) => fc.tuple(fc.constant(es), fc.shuffledSubarray(es, { minLength: es.length })));
    fc.assert(
      fc.property(distinct, ([events, permuted]) => {
        expect(replay(byCollectedAt(permuted))).toEqual(replay(events));
        expect(replay(permuted)).toEqual(replay(events));
      }),
    );
  });
});
