// Test data for the portal's pure view rules: a purpose as GET /portal/api/me returns it.
import type { PortalPurpose } from '@assent/contract/types';
import type { ConsentStatus } from './consent-view.ts';

export const NOTICE = {
  id: 'ntc_1',
  version: 1,
  locale: 'en',
  hash: 'a'.repeat(64),
  title: 'Analytics',
  description: 'Counts visits.',
  retention: '13 months',
};

/** A purpose in `status`, decided under NOTICE unless unset; `extra` overrides any field. */
export function portalPurpose(
  key: string,
  status: ConsentStatus,
  extra: Partial<PortalPurpose> = {},
): PortalPurpose {
  return {
    key,
    legalBasis: 'consent',
    category: 'analytics',
    necessary: false,
    separateConsent: null,
    gpcOptOut: false,
    reconfirmAfterDays: 365,
    retentionDays: 395,
    dataCategories: [],
    recipients: [],
    notice: NOTICE,
    state: { status, effective: status === 'granted', decidedAt: null, expiresAt: null },
    agreedNotice: status === 'unset' ? null : NOTICE,
    agreedNoticeFile: null,
    source: status === 'unset' ? null : 'portal',
    ...extra,
  };
}
