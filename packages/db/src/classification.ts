// Data classification (procedure §1.2; PIPL 51; REQUIREMENTS S1, S2): every column of every
// table is tagged here once, personal or not. A personal column carries its level, how it is
// protected at rest, how staff see it (masking) and its retention rule; encryption, masking,
// export and the retention sweep all read these tags. classification.test.ts fails when a
// column has no tag, so a new column cannot slip in untagged.
//
// Levels: L1 = identifiers and credentials (ID numbers, bank cards, sign-in identifiers,
// secrets): encrypted or one-way hashed, never shown to support. L2 = contact and behaviour
// (email, phone, IP, purchase history): masked outside its owner's view. L3 = anonymous or
// aggregate. Assent's own random ids (`sub_…`) are pseudonymous keys: tagged not personal,
// because they say nothing without the tagged columns they point to.

export type Level = 'L1' | 'L2' | 'L3';
/** How a value is held at rest: `encrypted` = AES-256-GCM field encryption (apps/api/src/security). */
export type AtRest = 'encrypted' | 'hashed' | 'truncated' | 'plain';
/** How staff without the unmask permission see a value. */
export type Mask = 'email' | 'phone' | 'name' | 'hidden';

export type RetentionRule =
  /** Rows (`delete`) or the tagged columns (`anonymise`) go once `after` + `days` has passed. */
  | { kind: 'expire'; days: number; after: string; action: 'delete' | 'anonymise'; basis: string }
  /** Kept while the relationship lasts; removed by the subject's erasure or account closure. */
  | { kind: 'lifetime'; endsWith: 'erasure' | 'staff_removal' | 'property_removal'; basis: string }
  /** Kept at least `minDays`, never destroyed by the sweep (evidence, audit). */
  | { kind: 'keep'; minDays: number; basis: string }
  /** Destroyed by its owning module's own job (privacy requests). */
  | { kind: 'managed'; by: string; basis: string };

export type ColumnTag =
  | { personal: false }
  | {
      personal: true;
      level: Level;
      atRest: AtRest;
      mask: Mask;
      retention: RetentionRule;
      /** Why an L1 column is not (yet) encrypted; required then, see the S1 test. */
      exception?: string;
    };

/** Retention rules by purpose; the numbers are the defaults of the procedure (config). */
export const retention = {
  signInCode: {
    kind: 'expire',
    days: 1,
    after: 'expires_at',
    action: 'delete',
    basis: 'sign-in codes live 10 minutes; kept 1 day for abuse checks (PIPL 19)',
  },
  session: {
    kind: 'expire',
    days: 1,
    after: 'expires_at',
    action: 'delete',
    basis: 'ended sessions serve no purpose (PIPL 19)',
  },
  signInAttempts: {
    kind: 'expire',
    days: 1,
    after: 'updated_at',
    action: 'delete',
    basis: 'failed staff sign-ins count only within the lockout period (15 minutes by default)',
  },
  devMail: {
    kind: 'expire',
    days: 7,
    after: 'created_at',
    action: 'delete',
    basis: 'development mailbox only',
  },
  consentEvidence: {
    kind: 'expire',
    days: 1095,
    after: 'collected_at',
    action: 'anonymise',
    basis: 'proof of consent (GDPR 7(1)) kept 3 years, then the network evidence is removed',
  },
  exportLink: {
    kind: 'expire',
    days: 0,
    after: 'expires_at',
    action: 'delete',
    basis: 'an export lives as long as its download link',
  },
  subject: { kind: 'lifetime', endsWith: 'erasure', basis: 'PIPL 47; GDPR 17' },
  staff: { kind: 'lifetime', endsWith: 'staff_removal', basis: 'staff account lifetime' },
  property: { kind: 'lifetime', endsWith: 'property_removal', basis: 'configuration secret' },
  audit: { kind: 'keep', minDays: 1095, basis: 'procedure §2.3; PIPL 56; CSL 21' },
  requests: { kind: 'managed', by: 'privacy requests', basis: '11 CCR §7101 (R8)' },
  webhooks: { kind: 'managed', by: 'webhook delivery', basis: 'kept while deliveries retry' },
} as const satisfies Record<string, RetentionRule>;

/** Not personal. */
export const N: ColumnTag = { personal: false };
/** A personal column. */
export function P(
  level: Level,
  atRest: AtRest,
  rule: RetentionRule,
  opts: { mask?: Mask; exception?: string } = {},
): ColumnTag {
  const mask = opts.mask ?? 'hidden';
  return opts.exception
    ? { personal: true, level, atRest, mask, retention: rule, exception: opts.exception }
    : { personal: true, level, atRest, mask, retention: rule };
}

const all = (names: string[]): Record<string, ColumnTag> =>
  Object.fromEntries(names.map((n) => [n, N]));

/** Tags by table, then by column (database names). */
export const classification: Record<string, Record<string, ColumnTag>> = {
  properties: {
    ...all(['id', 'name', 'publishable_key', 'allowed_origins', 'default_locale', 'locales']),
    ...all(['jurisdiction', 'controller', 'created_at']),
    identity_secret: P('L1', 'encrypted', retention.property),
  },
  api_keys: {
    ...all(['id', 'property_id', 'prefix', 'name', 'created_at', 'revoked_at']),
    key_hash: P('L1', 'hashed', retention.property),
  },
  purposes: all([
    ...['id', 'property_id', 'key', 'legal_basis', 'category', 'necessary', 'sensitive'],
    ...['separate_consent', 'gpc_opt_out', 'reconfirm_after_days', 'refusal_quiet_days'],
    ...['retention_days', 'data_categories', 'recipients', 'position'],
    ...['sensitive_category', 'minimum_age'],
  ]),
  notices: all([
    ...['id', 'purpose_id', 'locale', 'version', 'material', 'content', 'content_hash'],
    'published_at',
  ]),
  subjects: {
    ...all(['id', 'property_id', 'merged_into', 'created_at']),
    external_id: P('L1', 'encrypted', retention.subject),
    external_id_index: P('L1', 'hashed', retention.subject),
    email: P('L2', 'encrypted', retention.subject, { mask: 'email' }),
    email_index: P('L2', 'hashed', retention.subject),
  },
  devices: {
    ...all(['property_id', 'subject_id', 'created_at']),
    id: P('L2', 'hashed', retention.subject),
  },
  consent_events: {
    ...all(['id', 'subject_id', 'property_id', 'purpose_id', 'notice_id', 'notice_hash']),
    ...all(['decision', 'source', 'surface', 'actor', 'locale', 'jurisdiction']),
    ...all(['collected_at', 'recorded_at', 'expires_at', 'batch_id', 'gpc']),
    ip_truncated: P('L2', 'truncated', retention.consentEvidence),
    ua_hash: P('L2', 'hashed', retention.consentEvidence),
  },
  consent_states: all([
    ...['subject_id', 'purpose_id', 'property_id', 'decision', 'event_id', 'notice_id'],
    ...['notice_version', 'source', 'gpc', 'decided_at', 'expires_at'],
  ]),
  idempotency_keys: all(['property_id', 'key', 'request_hash', 'status', 'response', 'created_at']),
  outbox: all([
    'id',
    'property_id',
    'subject_id',
    'topic',
    'payload',
    'created_at',
    'delivered_at',
  ]),
  // Sign-in emails are L1 (DESIGN "Data protection"): codes keep only the keyed blind index;
  // sessions the index plus the encrypted address (step-up mail goes to it).
  portal_codes: {
    ...all(['id', 'code_hash', 'attempts', 'expires_at', 'consumed_at', 'created_at']),
    email_index: P('L1', 'hashed', retention.signInCode),
  },
  portal_sessions: {
    ...all(['id', 'created_at', 'expires_at']),
    email: P('L1', 'encrypted', retention.session, { mask: 'email' }),
    email_index: P('L1', 'hashed', retention.session),
  },
  dev_mailbox: {
    ...all(['id', 'subject', 'created_at']),
    to: P('L2', 'plain', retention.devMail, { mask: 'email' }),
    body: P('L2', 'plain', retention.devMail),
  },
  audit_events: {
    ...all(['seq', 'id', 'at', 'actor_type', 'actor_id', 'action', 'subject_id', 'target']),
    ...all(['details', 'prev_hash', 'hash']),
    ip: P('L2', 'truncated', retention.audit),
  },
  data_keys: all(['id', 'purpose', 'master_key_id', 'wrapped', 'created_at', 'retired_at']),
  staff_members: {
    ...all(['id', 'role', 'suspended_at', 'last_totp_step', 'created_at', 'disabled_at']),
    email: P('L2', 'plain', retention.staff, { mask: 'email' }),
    name: P('L2', 'plain', retention.staff, { mask: 'name' }),
    password_hash: P('L1', 'hashed', retention.staff),
    totp_secret: P('L1', 'encrypted', retention.staff),
    recovery_codes: P('L1', 'hashed', retention.staff),
  },
  staff_sessions: all(['id', 'staff_id', 'mfa', 'created_at', 'expires_at']),
  staff_sign_in_attempts: {
    ...all(['failures', 'window_start', 'locked_until', 'updated_at']),
    key: P('L2', 'hashed', retention.signInAttempts),
  },
  staff_grants: all([
    ...['id', 'staff_id', 'permission', 'reason', 'granted_by', 'created_at', 'expires_at'],
    'revoked_at',
  ]),
  staff_alerts: all([
    ...['id', 'staff_id', 'kind', 'details', 'created_at', 'reviewed_by', 'reviewed_at'],
    'review_note',
  ]),
  // Privacy requests (issue 5): owners refine these tags.
  privacy_requests: {
    ...all(['id', 'subject_id', 'property_id', 'type', 'status', 'jurisdiction', 'received_at']),
    ...all(['ack_due_at', 'due_at', 'execute_after', 'closed_at', 'reason', 'overdue_alerted_at']),
    // A restriction's free-text note, and the names of corrected fields.
    details: P('L2', 'plain', retention.requests),
  },
  privacy_request_events: all(['id', 'seq', 'request_id', 'subject_id', 'at', 'kind', 'note']),
  data_providers: {
    ...all(['id', 'property_id', 'name', 'url', 'handles', 'created_at', 'disabled_at']),
    secret: P('L1', 'encrypted', retention.property),
  },
  provider_calls: {
    ...all(['id', 'request_id', 'provider_id', 'subject_id', 'status', 'attempts']),
    ...all(['next_attempt_at', 'last_error', 'answered_at']),
    payload: P('L1', 'plain', retention.requests, {
      exception: 'held only until the provider answers (see schema-requests.ts)',
    }),
    result: P('L2', 'plain', retention.requests),
  },
  request_exports: {
    ...all(['request_id', 'subject_id', 'created_at', 'expires_at']),
    json: P('L2', 'plain', retention.exportLink),
    csv: P('L2', 'plain', retention.exportLink),
    html: P('L2', 'plain', retention.exportLink),
  },
  portal_step_ups: all(['session_id', 'verified_at']),
  subject_profiles: {
    ...all(['subject_id', 'property_id', 'updated_at']),
    name: P('L2', 'plain', retention.subject, { mask: 'name' }),
    phone: P('L2', 'plain', retention.subject, { mask: 'phone' }),
  },
  legal_holds: all(['subject_id', 'request_id', 'property_id', 'held_at', 'basis']),
  // Rate limits and configuration cache (performance): keys are SHA-256 of class and scope.
  rate_limits: all(['key', 'window_start', 'hits', 'prev_hits']),
  property_config_versions: all(['property_id', 'version']),
  // Webhooks: owners refine these tags.
  webhook_endpoints: {
    ...all(['id', 'property_id', 'url', 'description', 'topics', 'created_at', 'deleted_at']),
    secret: P('L1', 'encrypted', retention.property),
  },
  webhook_deliveries: {
    ...all(['id', 'endpoint_id', 'property_id', 'outbox_id', 'subject_id', 'type', 'state']),
    ...all(['attempts', 'next_attempt_at', 'created_at', 'delivered_at']),
    body: P('L2', 'encrypted', retention.webhooks),
  },
  webhook_attempts: all([
    ...['id', 'delivery_id', 'endpoint_id', 'attempt', 'attempted_at', 'status_code'],
    ...['duration_ms', 'error_class', 'next_attempt_at'],
  ]),
  consent_expiry_notices: all([
    ...['subject_id', 'purpose_id', 'property_id', 'event_id', 'expires_at', 'notified_at'],
  ]),
  // Receipts and imports (issue 3/4): owners refine these tags.
  receipt_signing_keys: {
    ...all(['kid', 'alg', 'public_jwk', 'origin', 'created_at', 'retired_at']),
    private_jwk: P('L1', 'encrypted', retention.property),
  },
  consent_imports: all([
    ...['property_id', 'record_id', 'record_hash', 'event_id', 'subject_id', 'provenance'],
    'imported_at',
  ]),
};

/** The tag of one column, or undefined when it has none (a bug the classification test catches). */
export function tagOf(table: string, column: string): ColumnTag | undefined {
  return classification[table]?.[column];
}

/** Every personal column with its tag, for the modules the tags drive. */
export function personalColumns(): {
  table: string;
  column: string;
  tag: Extract<ColumnTag, { personal: true }>;
}[] {
  return Object.entries(classification).flatMap(([table, cols]) =>
    Object.entries(cols).flatMap(([column, tag]) => (tag.personal ? [{ table, column, tag }] : [])),
  );
}
