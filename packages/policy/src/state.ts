// Consent state: from the latest decision, the notice situation and the clock, what holds now.
import type { ConsentStatus, Decision, LastDecision, NoticeStatus, PurposeRule } from './types.ts';

export const DAY_MS = 86_400_000;

/** Default days before a grant's end in which the widget and portal ask again (REQUIREMENTS C10). */
export const REMINDER_WINDOW_DAYS = 30;

export interface ConsentState {
  status: ConsentStatus;
  /** True only for a granted, unexpired grant under the current material notice. */
  effective: boolean;
  /** epoch ms when the person decided, null when unset. */
  decidedAt: number | null;
  /** epoch ms when a grant's term ends, null otherwise. */
  expiresAt: number | null;
}

/**
 * What holds now for one subject × purpose.
 * - necessary purposes are always `granted` and effective (they are not consent-based);
 * - a grant past `expiresAt` is `expired` (REQUIREMENTS C10);
 * - a grant under a notice older than the latest material version is `stale` (C8, PIPL 14 ¶2).
 */
export function consentState(
  purpose: PurposeRule,
  last: LastDecision | null,
  notice: NoticeStatus,
  now: number,
): ConsentState {
  if (purpose.necessary) {
    return { status: 'granted', effective: true, decidedAt: null, expiresAt: null };
  }
  if (!last) return { status: 'unset', effective: false, decidedAt: null, expiresAt: null };
  const base = { decidedAt: last.decidedAt, expiresAt: last.expiresAt };
  if (last.decision !== 'granted') return { ...base, status: last.decision, effective: false };
  if (last.noticeVersion < notice.materialVersion) {
    return { ...base, status: 'stale', effective: false };
  }
  if (last.expiresAt !== null && now >= last.expiresAt) {
    return { ...base, status: 'expired', effective: false };
  }
  return { ...base, status: 'granted', effective: true };
}

/**
 * End of a new decision's term (epoch ms): grants last `reconfirmAfterDays`; refusals and
 * withdrawals do not expire (null).
 */
export function termEnd(
  purpose: PurposeRule,
  decision: Decision,
  decidedAt: number,
): number | null {
  return decision === 'granted' ? decidedAt + purpose.reconfirmAfterDays * DAY_MS : null;
}

/**
 * The W3C DPV legal basis of a purpose that does not rest on consent (a necessary purpose:
 * contract, legal obligation or legitimate interest), where a consent status would be false.
 */
export function dpvLegalBasis(
  legalBasis: 'consent' | 'contract' | 'legal_obligation' | 'legitimate_interest',
): string {
  switch (legalBasis) {
    case 'contract':
      return 'dpv:Contract';
    case 'legal_obligation':
      return 'dpv:LegalObligation';
    case 'legitimate_interest':
      return 'dpv:LegitimateInterest';
    default:
      return 'dpv:Consent';
  }
}

/** W3C DPV consent status for a state (ISO/IEC TS 27560 records; REQUIREMENTS P3). */
export function dpvStatus(status: ConsentStatus): string {
  switch (status) {
    case 'granted':
      return 'dpv:ConsentGiven';
    case 'denied':
      return 'dpv:ConsentRefused';
    case 'withdrawn':
      return 'dpv:ConsentWithdrawn';
    case 'expired':
      return 'dpv:ConsentExpired';
    case 'stale':
      return 'dpv:ConsentInvalidated';
    default:
      return 'dpv:ConsentUnknown';
  }
}

/**
 * Replays events and returns the latest decision per purpose key: the greatest `collectedAt`;
 * at the same instant the greater `id` when the events carry ids (the API's order: event ids,
 * byte order), else the later event in the list.
 */
export function replay<E extends { purpose: string; collectedAt: number; id?: string | number }>(
  events: readonly E[],
): Map<string, E> {
  const latest = new Map<string, E>();
  for (const e of events) {
    const prev = latest.get(e.purpose);
    const later =
      !prev ||
      e.collectedAt > prev.collectedAt ||
      (e.collectedAt === prev.collectedAt &&
        (e.id === undefined || prev.id === undefined || prev.id <= e.id));
    if (later) latest.set(e.purpose, e);
  }
  return latest;
}
