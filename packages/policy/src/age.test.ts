// The age rule (C12): thresholds per jurisdiction with overrides, which purposes need a guardian,
// what the widget asks, and which batches the API refuses.
import { describe, expect, it } from 'vitest';
import {
  type AgeRule,
  ageBand,
  ageGate,
  checkGuardian,
  type GuardianViolation,
  guardianAge,
  isUnder,
} from './age.ts';
import type { Decision } from './types.ts';

const rule = (key: string, over: Partial<AgeRule> = {}): AgeRule => ({
  key,
  necessary: false,
  legalBasis: 'consent',
  gpcOptOut: false,
  ...over,
});
const essential = rule('essential', { necessary: true, legalBasis: 'contract' });
const fraud = rule('fraud', { legalBasis: 'legitimate_interest' });
const analytics = rule('analytics');
const ads = rule('ads', { gpcOptOut: true });
const face = rule('face', { minimumAge: { CN: 14, EU: 13 } });
const RULES = [essential, fraud, analytics, ads, face];
const BY_KEY = new Map(RULES.map((p) => [p.key, p]));

describe('guardianAge', () => {
  it.each<{ name: string; p: AgeRule; j: string; want: number | null }>([
    { name: 'C12: CN, any consent purpose → 14 (PIPL 31)', p: analytics, j: 'CN', want: 14 },
    { name: 'C12: EU, any consent purpose → 16 (GDPR 8)', p: analytics, j: 'EU', want: 16 },
    { name: 'C12: EU member-state override → 13', p: face, j: 'EU', want: 13 },
    { name: 'C12: US-CA, sale/share → 16 (Cal. Civ. 1798.120(c))', p: ads, j: 'US-CA', want: 16 },
    { name: 'C12: US-CA, not sale/share → no guardian', p: analytics, j: 'US-CA', want: null },
    { name: 'necessary purpose → no guardian', p: essential, j: 'CN', want: null },
    { name: 'legitimate interest → no guardian', p: fraud, j: 'EU', want: null },
    { name: 'unknown jurisdiction without override → none', p: analytics, j: 'XX', want: null },
  ])('$name', ({ p, j, want }) => {
    expect(guardianAge(p, j)).toBe(want);
  });
});

describe('ageGate', () => {
  it('C12: the property asks when a guardian purpose names minimumAge; the highest age is asked', () => {
    expect(ageGate(RULES, 'CN')).toEqual({
      gate: true,
      threshold: 14,
      ask: ['face'],
      guardian: ['analytics', 'ads', 'face'],
    });
    expect(ageGate([analytics, rule('b', { minimumAge: {} })], 'EU').threshold).toBe(16);
  });

  it('C12: no purpose names minimumAge → no gate, but the guardian purposes are still listed', () => {
    expect(ageGate([essential, analytics, ads], 'US-CA')).toEqual({
      gate: false,
      threshold: null,
      ask: [],
      guardian: ['ads'],
    });
  });
});

describe('age bands', () => {
  it.each<[string | undefined, number, boolean | null]>([
    ['under_14', 14, true],
    ['under_13', 16, true],
    ['under_16', 14, null], // 14 or 15 possible
    ['14_plus', 14, false],
    ['16_plus', 13, false],
    ['13_plus', 16, null],
    [undefined, 14, null],
    ['teen', 14, null],
  ])('isUnder(%s, %i) = %s', (band, age, want) => {
    expect(isUnder(band, age)).toBe(want);
  });

  it('ageBand names the answer to "Are you N or older?"', () => {
    expect(ageBand(14, true)).toBe('14_plus');
    expect(ageBand(14, false)).toBe('under_14');
  });
});

describe('checkGuardian', () => {
  const d = (purpose: string, decision: Decision = 'granted') => ({ purpose, decision });
  it.each<{
    name: string;
    j?: string;
    batch: { purpose: string; decision: Decision }[];
    declared: Parameters<typeof checkGuardian>[3];
    want: GuardianViolation[];
  }>([
    {
      name: 'C12: a declared under-14 granting alone in CN → guardian_consent_required',
      batch: [d('analytics'), d('ads')],
      declared: { ageBand: 'under_14' },
      want: [
        { code: 'guardian_consent_required', purpose: 'analytics' },
        { code: 'guardian_consent_required', purpose: 'ads' },
      ],
    },
    {
      name: 'C12: a band that does not prove the age (13_plus, under_15 against 14) counts as under it',
      batch: [d('analytics')],
      declared: { ageBand: '13_plus' },
      want: [{ code: 'guardian_consent_required', purpose: 'analytics' }],
    },
    {
      name: 'C12: under_15 against 14 does not prove 14 either',
      batch: [d('analytics')],
      declared: { ageBand: 'under_15' },
      want: [{ code: 'guardian_consent_required', purpose: 'analytics' }],
    },
    {
      name: 'C12: no band at all (no age asked) is not refused',
      batch: [d('analytics')],
      declared: {},
      want: [],
    },
    {
      name: 'C12: the same grant made by the guardian is accepted',
      batch: [d('analytics')],
      declared: { ageBand: 'under_14', actor: 'guardian' },
      want: [],
    },
    {
      name: 'C12: refusals and withdrawals of a minor are always accepted',
      batch: [d('analytics', 'denied'), d('ads', 'withdrawn')],
      declared: { ageBand: 'under_14' },
      want: [],
    },
    {
      name: 'C12: 14 or older in CN decides alone',
      batch: [d('analytics'), d('face')],
      declared: { ageBand: '14_plus', actor: 'subject' },
      want: [],
    },
    {
      name: 'C12: no declared age → not refused (the API cannot know the age)',
      batch: [d('analytics')],
      declared: {},
      want: [],
    },
    {
      name: 'C12: US-CA under 16: sale/share needs the guardian, analytics does not',
      j: 'US-CA',
      batch: [d('analytics'), d('ads')],
      declared: { ageBand: 'under_16' },
      want: [{ code: 'guardian_consent_required', purpose: 'ads' }],
    },
    {
      name: 'C12: EU with a 13 override: a declared under-16 may also be under 13, so face needs the guardian too',
      j: 'EU',
      batch: [d('analytics'), d('face')],
      declared: { ageBand: 'under_16' },
      want: [
        { code: 'guardian_consent_required', purpose: 'analytics' },
        { code: 'guardian_consent_required', purpose: 'face' },
      ],
    },
    {
      name: 'necessary and non-consent purposes never need a guardian',
      batch: [d('essential'), d('fraud')],
      declared: { ageBand: 'under_14' },
      want: [],
    },
  ])('$name', ({ j = 'CN', batch, declared, want }) => {
    expect(checkGuardian(batch, BY_KEY, j, declared)).toEqual(want);
  });
});
