// DPV statuses of decisions (REQUIREMENTS P3).
import { describe, expect, it } from 'vitest';
import { DPV_EFFECTIVE, dpvDecisionStatus } from './dpv.ts';
import { dpvStatus } from './state.ts';

describe('dpvDecisionStatus', () => {
  it.each([
    ['granted', false, 'dpv:ConsentGiven'],
    ['granted', true, 'dpv:RenewedConsentGiven'],
    ['denied', false, 'dpv:ConsentRefused'],
    ['denied', true, 'dpv:ConsentRefused'],
    ['withdrawn', true, 'dpv:ConsentWithdrawn'],
  ] as const)('P3: %s (renewed: %s) is %s', (decision, renewed, status) => {
    expect(dpvDecisionStatus(decision, renewed)).toBe(status);
  });

  it('P3: only given and renewed consent are effective; state statuses are never effective otherwise', () => {
    expect(DPV_EFFECTIVE).toEqual(['dpv:ConsentGiven', 'dpv:RenewedConsentGiven']);
    for (const s of ['denied', 'withdrawn', 'expired', 'stale', 'unset'] as const)
      expect(DPV_EFFECTIVE).not.toContain(dpvStatus(s));
  });
});
