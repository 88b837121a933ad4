// Separate consent: sensitive personal information, provision to third parties, public
// disclosure and cross-border transfer are never part of "accept all" (PIPL 23, 25, 29, 39).
import type { ConsentSource, Decision, PurposeRule } from './types.ts';

/** The UI surface of a separate-consent dialog; the only surface that may grant such a purpose. */
export const SEPARATE_SURFACE = 'separate_dialog';

export interface ProposedDecision {
  purpose: string;
  decision: Decision;
  source: ConsentSource;
  surface?: string | undefined;
}

export type DecisionViolation =
  | { code: 'unknown_purpose'; purpose: string }
  | { code: 'necessary_purpose'; purpose: string }
  | { code: 'separate_consent_required'; purpose: string }
  | { code: 'duplicate_purpose'; purpose: string };

/**
 * Checks a batch of decisions against the purposes' rules.
 * - each purpose at most once per batch (C2);
 * - necessary purposes take no decision;
 * - a grant of a separate-consent purpose must come from its own dialog
 *   (`surface: 'separate_dialog'`) and be the only grant in the batch (C5).
 * Refusals and withdrawals of any purpose are always allowed (C9).
 * @returns the violations; empty when the batch may be recorded.
 */
export function checkDecisions(
  batch: readonly ProposedDecision[],
  purposes: ReadonlyMap<string, PurposeRule>,
): DecisionViolation[] {
  const violations: DecisionViolation[] = [];
  const seen = new Set<string>();
  const grants = batch.filter((d) => d.decision === 'granted').length;
  for (const d of batch) {
    const p = purposes.get(d.purpose);
    if (seen.has(d.purpose)) violations.push({ code: 'duplicate_purpose', purpose: d.purpose });
    seen.add(d.purpose);
    if (!p) {
      violations.push({ code: 'unknown_purpose', purpose: d.purpose });
    } else if (p.necessary) {
      violations.push({ code: 'necessary_purpose', purpose: d.purpose });
    } else if (
      p.separateConsent &&
      d.decision === 'granted' &&
      (d.surface !== SEPARATE_SURFACE || grants > 1 || d.source === 'gpc' || d.source === 'banner')
    ) {
      violations.push({ code: 'separate_consent_required', purpose: d.purpose });
    }
  }
  return violations;
}

/** The purposes "accept all" grants: every ordinary, consent-based purpose, never a separate one. */
export function acceptAllPurposes(purposes: readonly PurposeRule[]): string[] {
  return purposes.filter((p) => !p.necessary && !p.separateConsent).map((p) => p.key);
}
