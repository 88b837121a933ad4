// Minors (REQUIREMENTS C12): below an age threshold a parent or guardian gives the consent.
// The widget asks the age where the property wants it asked and the API refuses a grant a
// declared minor made alone. Pure: no I/O, no clock.
import type { Decision, LegalBasis } from './types.ts';

/** The legal regimes a property can be under (its `jurisdiction`). */
export type Jurisdiction = 'CN' | 'EU' | 'US-CA';

/** Who made a batch of decisions: the person, or their parent or guardian for them. */
export type Actor = 'subject' | 'guardian';

/**
 * Age (years) below which a guardian consents, by jurisdiction, unless a purpose's
 * `minimumAge` overrides it:
 * - CN 14: PIPL art. 31 (and art. 28: a minor's data is sensitive personal information);
 * - EU 16: GDPR art. 8(1); a member state may lower it to 13, 14 or 15 (set `minimumAge`);
 * - US-CA 16, and only for sale or sharing (Cal. Civ. Code 1798.120(c)). The statute lets a
 *   13-15 year old authorise it themselves and wants the guardian only under 13; 16 is the
 *   stricter reading REQUIREMENTS C12 asks for. Set `minimumAge: {"US-CA": 13}` for the other.
 */
export const DEFAULT_MINIMUM_AGE: Readonly<Record<Jurisdiction, number>> = {
  CN: 14,
  EU: 16,
  'US-CA': 16,
};

/** The part of a purpose the age rule reads. */
export interface AgeRule {
  key: string;
  necessary: boolean;
  legalBasis: LegalBasis;
  /** Sale / sharing / targeted ads (the purposes GPC opts out of). */
  gpcOptOut: boolean;
  /** Per-jurisdiction override of the threshold; set (even `{}`) = the property asks the age before a grant. */
  minimumAge?: Readonly<Partial<Record<string, number>>> | null | undefined;
}

/**
 * The age below which a guardian must consent to `p` in `jurisdiction`, or null when a minor's
 * own choice stands: a necessary or non-consent purpose anywhere; in US-CA anything but
 * sale/share. Source: PIPL 31; GDPR 8; Cal. Civ. 1798.120(c).
 */
export function guardianAge(p: AgeRule, jurisdiction: string): number | null {
  if (p.necessary || p.legalBasis !== 'consent') return null;
  if (jurisdiction === 'US-CA' && !p.gpcOptOut) return null;
  return p.minimumAge?.[jurisdiction] ?? DEFAULT_MINIMUM_AGE[jurisdiction as Jurisdiction] ?? null;
}

/** What the widget must know to ask the age (the experience's `age`). */
export interface AgeGate {
  /** The property asks the age before a grant of one of `ask`. */
  gate: boolean;
  /** The age asked about ("Are you {threshold} or older?"): the highest of the `ask` purposes; null without a gate. */
  threshold: number | null;
  /** Purposes whose grant the age question precedes: those whose config names `minimumAge`. */
  ask: string[];
  /** Purposes a guardian must grant for a person under their age (all consent-based; US-CA: sale/share). */
  guardian: string[];
}

/**
 * The property's age gate in its jurisdiction (C12).
 * @returns `gate` false and `threshold` null when no guardian purpose names a `minimumAge`
 */
export function ageGate(purposes: readonly AgeRule[], jurisdiction: string): AgeGate {
  const guardian: string[] = [];
  const ask: string[] = [];
  let threshold: number | null = null;
  for (const p of purposes) {
    const age = guardianAge(p, jurisdiction);
    if (age === null) continue;
    guardian.push(p.key);
    if (p.minimumAge == null) continue;
    ask.push(p.key);
    threshold = Math.max(threshold ?? 0, age);
  }
  return { gate: ask.length > 0, threshold, ask, guardian };
}

/** A declared age band: `under_14` (younger than 14) or `14_plus` (14 or older). */
export const AGE_BAND = /^(?:under_(\d{1,2})|(\d{1,2})_plus)$/;

/** The band a person declares by answering "Are you {threshold} or older?". */
export function ageBand(threshold: number, atLeast: boolean): string {
  return atLeast ? `${threshold}_plus` : `under_${threshold}`;
}

/**
 * Does `band` place the person under `age`? True for `under_N` with N ≤ age, false for
 * `N_plus` with N ≥ age, null when the band does not tell (or is missing or malformed).
 */
export function isUnder(band: string | null | undefined, age: number): boolean | null {
  const m = band ? AGE_BAND.exec(band) : null;
  if (!m) return null;
  if (m[1] !== undefined) return Number(m[1]) <= age ? true : null;
  return Number(m[2]) >= age ? false : null;
}

export interface GuardianViolation {
  code: 'guardian_consent_required';
  purpose: string;
}

/**
 * Checks a batch against the age rule: a grant of a guardian purpose by a person whose declared
 * band places them under its age must be made by their guardian (`actor: 'guardian'`).
 * Refusals and withdrawals are always accepted, from anyone. A batch without a band is not
 * refused (the widget asked no age); a band that does not establish the purpose's age
 * (`13_plus` or `under_15` against 14, a malformed one) counts as under it: only a band that
 * proves the age lets the person grant alone. Source: PIPL 31; GDPR 8;
 * Cal. Civ. 1798.120(c); REQUIREMENTS C12.
 * @returns one violation per refused purpose; empty when the batch may be recorded
 */
export function checkGuardian(
  batch: readonly { purpose: string; decision: Decision }[],
  purposes: ReadonlyMap<string, AgeRule>,
  jurisdiction: string,
  declared: { actor?: Actor | undefined; ageBand?: string | undefined },
): GuardianViolation[] {
  if (declared.actor === 'guardian') return [];
  const violations: GuardianViolation[] = [];
  for (const d of batch) {
    const p = purposes.get(d.purpose);
    const age = p && d.decision === 'granted' ? guardianAge(p, jurisdiction) : null;
    if (age !== null && declared.ageBand !== undefined && isUnder(declared.ageBand, age) !== false)
      violations.push({ code: 'guardian_consent_required', purpose: d.purpose });
  }
  return violations;
}
