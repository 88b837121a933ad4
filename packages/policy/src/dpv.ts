// W3C DPV consent statuses of single decisions, for consent receipts (ISO/IEC TS 27560;
// REQUIREMENTS P3). `dpvStatus` in state.ts maps what holds now; this maps what was decided.
import type { Decision } from './types.ts';

/**
 * DPV status of one decision when it was made: a grant after an earlier grant of the same
 * purpose by the same person is `dpv:RenewedConsentGiven` (a re-confirmation), any other
 * grant `dpv:ConsentGiven`; refusals `dpv:ConsentRefused`; withdrawals `dpv:ConsentWithdrawn`.
 * @param renewed an earlier grant of the purpose exists in the person's history
 */
export function dpvDecisionStatus(decision: Decision, renewed: boolean): string {
  if (decision === 'granted') return renewed ? 'dpv:RenewedConsentGiven' : 'dpv:ConsentGiven';
  return decision === 'denied' ? 'dpv:ConsentRefused' : 'dpv:ConsentWithdrawn';
}

/** The DPV statuses under which processing may go on (effective consent). */
export const DPV_EFFECTIVE = ['dpv:ConsentGiven', 'dpv:RenewedConsentGiven'] as const;
