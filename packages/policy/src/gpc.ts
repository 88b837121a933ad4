// Global Privacy Control: a valid opt-out of sale/sharing for the device and its linked
// subject, honoured without asking anything (11 CCR §7025; REQUIREMENTS C13).
import type { LastDecision, PurposeRule } from './types.ts';

/**
 * The purposes a GPC signal must deny now: every GPC-opt-out purpose not already refused,
 * except one the person explicitly granted while GPC was on (their later, explicit choice wins).
 * @returns purpose keys to record as `denied` with `source: 'gpc'`.
 */
export function gpcOptOuts(
  purposes: readonly PurposeRule[],
  last: ReadonlyMap<string, LastDecision>,
): string[] {
  return purposes
    .filter((p) => p.gpcOptOut && !p.necessary)
    .filter((p) => {
      const d = last.get(p.key);
      if (!d) return true;
      if (d.decision !== 'granted') return false;
      return !(d.gpc && d.source !== 'gpc');
    })
    .map((p) => p.key);
}
