// Minors (REQUIREMENTS C12): the property's age gate for the experience, and the check that a
// declared minor's grants come from their guardian. The rule itself is @assent/policy `age.ts`.
import { type Actor, type AgeGate, type AgeRule, ageGate, checkGuardian } from '@assent/policy';
import { ApiError } from '../errors.ts';
import type { LoadedPurpose, PropertyRow } from './properties.ts';

/** The age rule's view of a purpose row. */
export function ageRuleOf(p: LoadedPurpose): AgeRule {
  return {
    key: p.row.key,
    necessary: p.row.necessary,
    legalBasis: p.row.legalBasis as AgeRule['legalBasis'],
    gpcOptOut: p.row.gpcOptOut,
    minimumAge: p.row.minimumAge,
  };
}

/** The experience's `age`: whether and at what age the widget asks, and the guardian purposes. */
export function ageGateOf(property: PropertyRow, purposes: readonly LoadedPurpose[]): AgeGate {
  return ageGate(purposes.map(ageRuleOf), property.jurisdiction);
}

/**
 * Refuses a batch in which a person who declared an age band under a purpose's threshold grants
 * that purpose without `actor: 'guardian'` (PIPL 31; GDPR 8; Cal. Civ. 1798.120(c)). Refusals
 * and withdrawals always pass.
 * @throws ApiError `guardian_consent_required` (422), one `errors[]` entry per purpose
 */
export function assertGuardianConsent(
  property: PropertyRow,
  purposes: readonly LoadedPurpose[],
  batch: {
    decisions: readonly { purpose: string; decision: 'granted' | 'denied' | 'withdrawn' }[];
    actor?: Actor | undefined;
    ageBand?: string | undefined;
  },
): void {
  const violations = checkGuardian(
    batch.decisions,
    new Map(purposes.map((p) => [p.row.key, ageRuleOf(p)])),
    property.jurisdiction,
    batch,
  );
  if (violations.length === 0) return;
  throw new ApiError(
    'guardian_consent_required',
    `A parent or guardian must grant ${violations.map((v) => v.purpose).join(', ')} for a person under the age threshold; send actor: "guardian" once they have.`,
    violations.map((v) => ({ path: 'json.decisions', message: v.purpose, code: v.code })),
  );
}
