// The Assent data model (drizzle). Every subject-owned table carries `subject_id` so it can be
// distributed by subject later; consent events are append-only (the database refuses
// UPDATE/DELETE, see drizzle/0001_append_only.sql) and consent state is their projection.
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One site or app of a product team. */
export const properties = pgTable('properties', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Public key the widget sends; not a secret. */
  publishableKey: text('publishable_key').notNull().unique(),
  /**
   * HS256 secret the product's backend signs identity tokens with (L1): stored encrypted
   * (`enc1:…`, AAD `properties.identity_secret:<id>`; apps/api/src/security/stored-secrets.ts).
   */
  identitySecret: text('identity_secret').notNull(),
  allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'::text[]`),
  defaultLocale: text('default_locale').notNull().default('en'),
  locales: text('locales').array().notNull().default(sql`'{en}'::text[]`),
  jurisdiction: text('jurisdiction').notNull().default('CN'),
  controller: jsonb('controller').$type<{ name: string; contact: string }>().notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** Secret API keys of a property for the product's backend; only a SHA-256 of each key is kept. */
export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  propertyId: text('property_id')
    .notNull()
    .references(() => properties.id),
  /** SHA-256 hex of the full key (`sk_…`). */
  keyHash: text('key_hash').notNull().unique(),
  /** First characters of the key, to recognise it in lists. */
  prefix: text('prefix').notNull(),
  name: text('name').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  revokedAt: ts('revoked_at'),
});

/** Why data is processed; one row per property × key. */
export const purposes = pgTable(
  'purposes',
  {
    id: text('id').primaryKey(),
    propertyId: text('property_id')
      .notNull()
      .references(() => properties.id),
    key: text('key').notNull(),
    legalBasis: text('legal_basis').notNull(),
    category: text('category').notNull(),
    necessary: boolean('necessary').notNull().default(false),
    sensitive: boolean('sensitive').notNull().default(false),
    /** PIPL art. 28 kind when `sensitive` (`biometric`, `health`, `financial_account`…). */
    sensitiveCategory: text('sensitive_category'),
    /** Age below which a guardian consents, per jurisdiction (REQUIREMENTS C12), e.g. `{"CN":14}`. */
    minimumAge: jsonb('minimum_age').$type<Record<string, number>>(),
    /** `sensitive` | `third_party` | `cross_border` | `public_disclosure`, or null (PIPL 23, 25, 29, 39). */
    separateConsent: text('separate_consent'),
    gpcOptOut: boolean('gpc_opt_out').notNull().default(false),
    reconfirmAfterDays: integer('reconfirm_after_days').notNull(),
    refusalQuietDays: integer('refusal_quiet_days').notNull(),
    retentionDays: integer('retention_days').notNull(),
    dataCategories: jsonb('data_categories')
      .$type<{ name: string; level: 'L1' | 'L2' | 'L3'; retentionDays?: number }[]>()
      .notNull(),
    recipients: jsonb('recipients').$type<{ name: string; country?: string }[]>().notNull(),
    position: integer('position').notNull().default(0),
  },
  (t) => [uniqueIndex('purposes_property_key').on(t.propertyId, t.key)],
);

/** A versioned, immutable notice text for one purpose and locale. */
export const notices = pgTable(
  'notices',
  {
    id: text('id').primaryKey(),
    purposeId: text('purpose_id')
      .notNull()
      .references(() => purposes.id),
    locale: text('locale').notNull(),
    version: integer('version').notNull(),
    material: boolean('material').notNull().default(true),
    content: jsonb('content').$type<Record<string, unknown>>().notNull(),
    /** SHA-256 (hex) of the canonical JSON of `content`: the exact text shown. */
    contentHash: text('content_hash').notNull(),
    publishedAt: ts('published_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('notices_purpose_locale_version').on(t.purposeId, t.locale, t.version)],
);

/** The customer (data subject) as one property knows them. */
export const subjects = pgTable(
  'subjects',
  {
    id: text('id').primaryKey(),
    propertyId: text('property_id')
      .notNull()
      .references(() => properties.id),
    /** The product's own user id, set only from a signed identity token (L1, encrypted: apps/api/src/security). */
    externalId: text('external_id'),
    /** Keyed blind index (HMAC-SHA-256) of `externalId`, the only way to look it up. */
    externalIdIndex: text('external_id_index'),
    /** Contact email vouched for by the product; links the subject to the portal (L2, encrypted). */
    email: text('email'),
    /** Keyed blind index (HMAC-SHA-256) of the normalised email: portal sign-in looks up by it. */
    emailIndex: text('email_index'),
    /** Set when this (device) subject was merged into a user subject. */
    mergedInto: text('merged_into'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('subjects_property_external').on(t.propertyId, t.externalIdIndex),
    index('subjects_email').on(t.emailIndex),
  ],
);

/** An anonymous device; `id` is the SHA-256 of the random device id the widget keeps. */
export const devices = pgTable('devices', {
  id: text('id').primaryKey(),
  propertyId: text('property_id')
    .notNull()
    .references(() => properties.id),
  subjectId: text('subject_id')
    .notNull()
    .references(() => subjects.id),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** One consent decision: append-only evidence (GDPR 7(1), REQUIREMENTS P1/P2). */
export const consentEvents = pgTable(
  'consent_events',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id),
    propertyId: text('property_id').notNull(),
    purposeId: text('purpose_id')
      .notNull()
      .references(() => purposes.id),
    noticeId: text('notice_id')
      .notNull()
      .references(() => notices.id),
    noticeHash: text('notice_hash').notNull(),
    decision: text('decision').notNull(),
    source: text('source').notNull(),
    surface: text('surface'),
    actor: text('actor').notNull().default('subject'),
    locale: text('locale').notNull(),
    jurisdiction: text('jurisdiction').notNull(),
    collectedAt: ts('collected_at').notNull(),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
    expiresAt: ts('expires_at'),
    batchId: text('batch_id').notNull(),
    ipTruncated: text('ip_truncated'),
    uaHash: text('ua_hash'),
    gpc: boolean('gpc').notNull().default(false),
  },
  (t) => [
    index('consent_events_subject').on(t.subjectId, t.purposeId, t.collectedAt),
    /** The auditors' export (GET /v1/server/events) pages by property and time. */
    index('consent_events_property_time').on(t.propertyId, t.collectedAt, t.id),
  ],
);

/** The projection "latest decision per subject × purpose"; rebuilt from events at any time. */
export const consentStates = pgTable(
  'consent_states',
  {
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id),
    purposeId: text('purpose_id')
      .notNull()
      .references(() => purposes.id),
    propertyId: text('property_id').notNull(),
    decision: text('decision').notNull(),
    eventId: text('event_id').notNull(),
    noticeId: text('notice_id').notNull(),
    noticeVersion: integer('notice_version').notNull(),
    source: text('source').notNull(),
    gpc: boolean('gpc').notNull().default(false),
    decidedAt: ts('decided_at').notNull(),
    expiresAt: ts('expires_at'),
  },
  (t) => [primaryKey({ columns: [t.subjectId, t.purposeId] })],
);

/** Stored first answers of `Idempotency-Key` requests. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    propertyId: text('property_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    response: jsonb('response').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.propertyId, t.key] })],
);

/** Transactional outbox: written with the change, delivered by a job. */
export const outbox = pgTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    propertyId: text('property_id').notNull(),
    subjectId: text('subject_id'),
    topic: text('topic').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [index('outbox_pending').on(t.createdAt).where(sql`delivered_at is null`)],
);

/**
 * Portal sign-in one-time codes (only a hash of the code is kept). The address is not stored:
 * `emailIndex` is its keyed blind index (HMAC-SHA-256), enough to find the live code.
 */
export const portalCodes = pgTable(
  'portal_codes',
  {
    id: text('id').primaryKey(),
    /** Keyed blind index of the normalised email (`keyring.blindIndex('email', …)`). */
    emailIndex: text('email_index').notNull(),
    /** SHA-256 of `<emailIndex>:<code>` (or of the identity token for `lnk_` rows). */
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: ts('expires_at').notNull(),
    consumedAt: ts('consumed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('portal_codes_email').on(t.emailIndex, t.createdAt)],
);

/**
 * Portal sessions; `id` is the SHA-256 of the cookie value. `email` is the signed-in address,
 * encrypted (AAD `portal_sessions.email:<id>`): step-up mail goes to it and the portal shows it,
 * also when no subject carries it yet. Lookups use `emailIndex`, never a decrypted scan.
 */
export const portalSessions = pgTable(
  'portal_sessions',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    emailIndex: text('email_index').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('portal_sessions_email').on(t.emailIndex)],
);

/** Development mailbox: mail the embedded default "sends" (never used in production). */
export const devMailbox = pgTable('dev_mailbox', {
  id: text('id').primaryKey(),
  to: text('to').notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/**
 * Audit log: who read or changed which personal data, when, from where (procedure §2.3;
 * PIPL 56). Append-only (the database refuses UPDATE/DELETE) and hash-chained: each row's
 * `hash` covers its content and the previous row's hash, so an edit behind the app's back
 * breaks the chain at that row. Kept at least 3 years (nothing deletes it).
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: text('id').notNull().unique(),
    at: ts('at').notNull(),
    /** `staff` | `job` | `subject` | `provider` | `system` */
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    /** Dotted verb, e.g. `subject.read`, `consent.export`, `staff.sign_in`, `key.rotate`. */
    action: text('action').notNull(),
    subjectId: text('subject_id'),
    /** What was touched, e.g. a table/field list or a request id; never the personal data itself. */
    target: text('target'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    ip: text('ip'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_events_subject').on(t.subjectId), index('audit_events_at').on(t.at)],
);
export * from './schema-imports.ts';
export * from './schema-ratelimit.ts';
export * from './schema-receipts.ts';
export * from './schema-requests.ts';
export * from './schema-staff.ts';
export * from './schema-webhooks.ts';
