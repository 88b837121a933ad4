// Separate consent and batch checks: accept-all never grants a separate purpose (C5), one choice
// per purpose (C2), necessary purposes take no decision (C4), refusals always pass (C9).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptAllPurposes,
  checkDecisions,
  type DecisionViolation,
  type ProposedDecision,
  SEPARATE_SURFACE,
} from './separate.ts';
import type { ConsentSource, Decision, PurposeRule } from './types.ts';

const rule = (key: string, over: Partial<PurposeRule> = {}): PurposeRule => ({
  key,
  necessary: false,
  separateConsent: null,
  gpcOptOut: false,
  reconfirmAfterDays: 365,
  refusalQuietDays: 180,
  ...over,
});
const RULES = [
  rule('essential', { necessary: true }),
  rule('analytics'),
  rule('ads', { gpcOptOut: true, refusalQuietDays: 365 }),
  rule('health', { separateConsent: 'sensitive', reconfirmAfterDays: 180 }),
  rule('partners', { separateConsent: 'third_party' }),
  rule('overseas', { separateConsent: 'cross_border' }),
];
const PURPOSES = new Map(RULES.map((p) => [p.key, p]));
const isSeparate = (key: string) => PURPOSES.get(key)?.separateConsent != null;

const d = (
  purpose: string,
  decision: Decision,
  source: ConsentSource = 'banner',
  surface?: string,
): ProposedDecision => ({ purpose, decision, source, surface });
const dialogGrant = (purpose: string, source: ConsentSource = 'sensitive_dialog') =>
  d(purpose, 'granted', source, SEPARATE_SURFACE);

describe('checkDecisions', () => {
  it.each<{ name: string; batch: ProposedDecision[]; want: DecisionViolation[] }>([
    { name: 'an empty batch is fine', batch: [], want: [] },
    {
      name: 'C3: reject-all from the banner is fine',
      batch: [d('analytics', 'denied'), d('ads', 'denied')],
      want: [],
    },
    {
      name: 'accept-all of ordinary purposes from the banner is fine',
      batch: [d('analytics', 'granted'), d('ads', 'granted')],
      want: [],
    },
    {
      name: 'C2: the same purpose twice in one batch → duplicate_purpose',
      batch: [d('analytics', 'granted'), d('analytics', 'denied')],
      want: [{ code: 'duplicate_purpose', purpose: 'analytics' }],
    },
    {
      name: 'an unknown purpose → unknown_purpose',
      batch: [d('telemetry', 'granted')],
      want: [{ code: 'unknown_purpose', purpose: 'telemetry' }],
    },
    {
      name: 'C4: a necessary purpose takes no decision, granted or refused',
      batch: [d('essential', 'denied'), d('analytics', 'granted')],
      want: [{ code: 'necessary_purpose', purpose: 'essential' }],
    },
    {
      name: 'C5: a separate purpose granted from the banner → separate_consent_required',
      batch: [d('health', 'granted', 'banner')],
      want: [{ code: 'separate_consent_required', purpose: 'health' }],
    },
    {
      name: 'C5: a separate grant claiming the banner source is refused even on the dialog surface',
      batch: [d('health', 'granted', 'banner', SEPARATE_SURFACE)],
      want: [{ code: 'separate_consent_required', purpose: 'health' }],
    },
    {
      name: 'C5: a separate grant from preferences without the dialog surface is refused',
      batch: [d('partners', 'granted', 'preferences', 'toggle')],
      want: [{ code: 'separate_consent_required', purpose: 'partners' }],
    },
    {
      name: 'C5: a separate grant with surface separate_dialog, alone → fine',
      batch: [dialogGrant('health')],
      want: [],
    },
    {
      name: 'C5: a separate grant from the portal on the dialog surface, alone → fine',
      batch: [dialogGrant('overseas', 'portal')],
      want: [],
    },
    {
      name: 'C5: a separate grant bundled with an ordinary grant → refused',
      batch: [dialogGrant('health'), d('analytics', 'granted', 'sensitive_dialog')],
      want: [{ code: 'separate_consent_required', purpose: 'health' }],
    },
    {
      name: 'C5: two separate grants bundled in one dialog → both refused',
      batch: [dialogGrant('health'), dialogGrant('partners')],
      want: [
        { code: 'separate_consent_required', purpose: 'health' },
        { code: 'separate_consent_required', purpose: 'partners' },
      ],
    },
    {
      name: 'C13: a separate grant from the gpc source → refused',
      batch: [dialogGrant('partners', 'gpc')],
      want: [{ code: 'separate_consent_required', purpose: 'partners' }],
    },
    {
      name: 'C5: a separate grant alongside refusals is still the only grant → fine',
      batch: [dialogGrant('health'), d('analytics', 'denied', 'sensitive_dialog')],
      want: [],
    },
    {
      name: 'C9: refusals and withdrawals of separate purposes from the banner are always allowed',
      batch: [d('health', 'denied'), d('partners', 'withdrawn'), d('overseas', 'denied', 'gpc')],
      want: [],
    },
    {
      name: 'C9: a separate withdrawal from the portal without a surface is allowed',
      batch: [d('health', 'withdrawn', 'portal')],
      want: [],
    },
    {
      name: 'every violation in a batch is reported',
      batch: [
        d('analytics', 'granted'),
        d('analytics', 'granted'),
        d('nope', 'denied'),
        d('health', 'granted'),
      ],
      want: [
        { code: 'duplicate_purpose', purpose: 'analytics' },
        { code: 'unknown_purpose', purpose: 'nope' },
        { code: 'separate_consent_required', purpose: 'health' },
      ],
    },
  ])('$name', ({ batch, want }) => {
    expect(checkDecisions(batch, PURPOSES)).toEqual(want);
  });

  it('C5: property: an accepted batch grants a separate purpose only as its sole dialog grant', () => {
    const decision = fc.record({
      purpose: fc.constantFrom(...PURPOSES.keys(), 'unknown'),
      decision: fc.constantFrom<Decision>('granted', 'denied', 'withdrawn'),
      source: fc.constantFrom<ConsentSource>(
        'banner',
        'preferences',
        'sensitive_dialog',
        'portal',
        'api',
        'gpc',
        'import',
      ),
      surface: fc.option(fc.constantFrom(SEPARATE_SURFACE, 'banner', 'toggle'), {
        nil: undefined,
      }),
    });
    fc.assert(
      fc.property(fc.array(decision, { maxLength: 6 }), (batch) => {
        if (checkDecisions(batch, PURPOSES).length > 0) return;
        const grants = batch.filter((x) => x.decision === 'granted');
        for (const g of grants.filter((x) => isSeparate(x.purpose))) {
          expect(grants).toHaveLength(1);
          expect(g.surface).toBe(SEPARATE_SURFACE);
          expect(['gpc', 'banner']).not.toContain(g.source);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('C5: an accept-all batch never passes with a separate purpose in it', () => {
    const batch = [...acceptAllPurposes(RULES), 'health'].map((p) => d(p, 'granted'));
    expect(checkDecisions(batch, PURPOSES)).toContainEqual({
      code: 'separate_consent_required',
      purpose: 'health',
    });
  });
});

describe('acceptAllPurposes', () => {
  it('C5: accept-all never grants a separate-consent or necessary purpose', () => {
    expect(acceptAllPurposes(RULES)).toEqual(['analytics', 'ads']);
  });

  it('C5: the accept-all batch it yields passes checkDecisions from the banner', () => {
    const batch = acceptAllPurposes(RULES).map((p) => d(p, 'granted'));
    expect(checkDecisions(batch, PURPOSES)).toEqual([]);
  });

  it.each<{ name: string; rules: PurposeRule[]; want: string[] }>([
    { name: 'no purposes → nothing', rules: [], want: [] },
    {
      name: 'C5: only separate purposes → nothing',
      rules: [
        rule('a', { separateConsent: 'public_disclosure' }),
        rule('b', { separateConsent: 'sensitive' }),
      ],
      want: [],
    },
    { name: 'C4: only necessary → nothing', rules: [rule('n', { necessary: true })], want: [] },
  ])('$name', ({ rules, want }) => {
    expect(acceptAllPurposes(rules)).toEqual(want);
  });
});
