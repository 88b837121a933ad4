// The consent domain's vocabulary, shared by API, widget and portal. Times are epoch ms.

/** What a person decided in one consent event. */
export type Decision = 'granted' | 'denied' | 'withdrawn';

/** What holds now for one subject × purpose. Only an effective `granted` allows processing. */
export type ConsentStatus = 'unset' | 'granted' | 'denied' | 'withdrawn' | 'expired' | 'stale';

/** Where a decision was made. */
export type ConsentSource =
  | 'banner'
  | 'preferences'
  | 'sensitive_dialog'
  | 'portal'
  | 'api'
  | 'gpc'
  | 'import';

/** Why a purpose needs its own, separate consent (PIPL 23, 25, 29, 39). */
export type SeparateConsentKind =
  | 'sensitive'
  | 'third_party'
  | 'cross_border'
  | 'public_disclosure';

export type LegalBasis = 'consent' | 'contract' | 'legal_obligation' | 'legitimate_interest';

/** The part of a purpose's configuration the rules read. */
export interface PurposeRule {
  key: string;
  /** Needed to provide the service; never asked, always on (PIPL 13(2); GDPR 6(1)(b)). */
  necessary: boolean;
  /** Non-null: never part of "accept all"; granted only from its own dialog. */
  separateConsent: SeparateConsentKind | null;
  /** Global Privacy Control opts this purpose out (sale/share/targeted ads; 11 CCR §7025). */
  gpcOptOut: boolean;
  /** A grant's term in days; after it the grant is `expired` (procedure §1.1). */
  reconfirmAfterDays: number;
  /** Days a refusal is not re-asked (App rules 2019 §3; 365 for sale/share, Cal. Civ. 1798.135(c)(4)). */
  refusalQuietDays: number;
}

/** The latest decision for one subject × purpose, as the projection stores it. */
export interface LastDecision {
  decision: Decision;
  /** When the person decided (epoch ms). */
  decidedAt: number;
  /** End of the grant's term (epoch ms), null for refusals. */
  expiresAt: number | null;
  /** The notice version the decision was made under. */
  noticeVersion: number;
  source: ConsentSource;
  /** The browser sent Global Privacy Control when this decision was made. */
  gpc: boolean;
}

/** The notice situation of a purpose now. */
export interface NoticeStatus {
  /** Highest published version. */
  version: number;
  /** Highest version marked material (a change of purpose, method or data categories). */
  materialVersion: number;
}
