// What the consents page shows and offers for each purpose, decided without the DOM so it can
// be tested as a table: status wording, the one action per purpose, sections, error wording.
import type { PortalPurpose } from '@assent/contract/types';
import { SEPARATE_SURFACE } from '@assent/policy';
import type { Translate } from './i18n/i18n.ts';
import type { MessageKey } from './i18n/messages.ts';

export type ConsentStatus = PortalPurpose['state']['status'];

/** The single control a purpose card offers; null for necessary purposes ("Always on"). */
export type PurposeAction = 'grant' | 'reconfirm' | 'withdraw' | null;

/** The status in plain words, e.g. `stale` → "Changed since you agreed". */
export function statusLabel(status: ConsentStatus, t: Translate): string {
  return t(`status.${status}`);
}

/**
 * The one action for a purpose (REQUIREMENTS C9: withdrawing takes no more clicks than granting):
 * - necessary → none;
 * - an effective grant → `withdraw`;
 * - a grant that lapsed (`expired`, C10) or whose notice changed materially (`stale`, C8)
 *   → `reconfirm`, which records a fresh grant under the current notice;
 * - unset, refused, withdrawn → `grant`.
 */
export function purposeAction(purpose: PortalPurpose): PurposeAction {
  if (purpose.necessary) return null;
  if (purpose.state.effective || purpose.state.status === 'granted') return 'withdraw';
  if (purpose.state.status === 'expired' || purpose.state.status === 'stale') return 'reconfirm';
  return 'grant';
}

/** The decision an action records: granting and re-confirming both record `granted`. */
export function actionDecision(action: Exclude<PurposeAction, null>): 'granted' | 'withdrawn' {
  return action === 'withdraw' ? 'withdrawn' : 'granted';
}

/**
 * The `surface` a decision must carry, or undefined. A grant of a separate-consent purpose is
 * only accepted from its own dialog (PIPL 23, 25, 29, 39; REQUIREMENTS C5), so the caller must
 * show that dialog first whenever this returns the separate surface.
 */
export function requiredSurface(
  purpose: PortalPurpose,
  decision: 'granted' | 'withdrawn',
): typeof SEPARATE_SURFACE | undefined {
  return purpose.separateConsent !== null && decision === 'granted' ? SEPARATE_SURFACE : undefined;
}

/**
 * Splits a property's purposes into the ordinary list (necessary ones included, shown as
 * "Always on") and the "Sensitive & third-party" list of separate-consent purposes, keeping the
 * API's order within each.
 */
export function splitPurposes(purposes: readonly PortalPurpose[]): {
  ordinary: PortalPurpose[];
  separate: PortalPurpose[];
} {
  const ordinary: PortalPurpose[] = [];
  const separate: PortalPurpose[] = [];
  for (const p of purposes)
    (p.separateConsent !== null && !p.necessary ? separate : ordinary).push(p);
  return { ordinary, separate };
}

const errorKeys = new Map<string, MessageKey>([
  ['invalid_code', 'error.invalid_code'],
  ['too_many_attempts', 'error.too_many_attempts'],
  ['rate_limited', 'error.rate_limited'],
  ['invalid_request', 'error.invalid_request'],
  ['unauthorized', 'error.unauthorized'],
  ['csrf_failed', 'error.csrf_failed'],
  ['separate_consent_required', 'error.separate_consent_required'],
  ['notice_outdated', 'error.notice_outdated'],
  ['network_error', 'error.network_error'],
  ['step_up_required', 'error.step_up_required'],
  ['request_pending', 'error.request_pending'],
  ['export_expired', 'error.export_expired'],
  ['invalid_transition', 'error.invalid_transition'],
  ['not_found', 'error.not_found'],
  ['invalid_token', 'error.invalid_token'],
]);

/** The message for a problem `code` from the API; codes without their own wording → generic. */
export function errorKey(code: string): MessageKey {
  return errorKeys.get(code) ?? 'error.unknown';
}
