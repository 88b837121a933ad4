// Privacy requests (REQUIREMENTS R1-R8): the requests themselves with their timeline, the
// product's data providers and each call made to them, built exports, portal step-up and the
// customer's profile fields, and legal holds left after an erasure. Request rows carry no
// foreign key to `subjects`, so their record outlives an erasure (kept ≥ 3 years, R8).
import {
  bigserial,
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

/** One data subject request: `access` | `erasure` | `rectification` | `restriction`. */
export const privacyRequests = pgTable(
  'privacy_requests',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id').notNull(),
    propertyId: text('property_id').notNull(),
    type: text('type').notNull(),
    /** `received` → `verified` → `in_progress` → `completed` | `rejected` (| `cancelled`). */
    status: text('status').notNull(),
    jurisdiction: text('jurisdiction').notNull(),
    receivedAt: ts('received_at').notNull(),
    /** Acknowledgement deadline where the law has one (CA: 10 business days). */
    ackDueAt: ts('ack_due_at'),
    dueAt: ts('due_at').notNull(),
    /** Erasure only: when the cooling-off period ends and erasure may run. */
    executeAfter: ts('execute_after'),
    closedAt: ts('closed_at'),
    /** Reason shown to the customer when `rejected` (PIPL 50; GDPR 12(4)). */
    reason: text('reason'),
    overdueAlertedAt: ts('overdue_alerted_at'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index('privacy_requests_subject').on(t.subjectId),
    index('privacy_requests_open').on(t.status, t.dueAt),
  ],
);

/** The timeline of a request: every status change and noteworthy step. */
export const privacyRequestEvents = pgTable(
  'privacy_request_events',
  {
    id: text('id').primaryKey(),
    /** Insertion order, to keep the timeline in order within one millisecond. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    requestId: text('request_id')
      .notNull()
      .references(() => privacyRequests.id),
    subjectId: text('subject_id').notNull(),
    at: ts('at').notNull(),
    /** A status, or a step such as `export_ready`, `provider_answered`, `cancel`. */
    kind: text('kind').notNull(),
    note: text('note'),
  },
  (t) => [index('privacy_request_events_request').on(t.requestId, t.at)],
);

/** A product system Assent calls, signed like its webhooks, to collect or delete a subject's data. */
export const dataProviders = pgTable('data_providers', {
  id: text('id').primaryKey(),
  propertyId: text('property_id').notNull(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  /** HMAC-SHA256 signing secret (L1; to be encrypted with the field-encryption key). */
  secret: text('secret').notNull(),
  /** Which request types it answers: `access`, `erasure`. */
  handles: text('handles').array().notNull(),
  createdAt: ts('created_at').notNull(),
  disabledAt: ts('disabled_at'),
});

/** One provider's part in one request: retried with backoff until answered or failed. */
export const providerCalls = pgTable(
  'provider_calls',
  {
    id: text('id').primaryKey(),
    requestId: text('request_id')
      .notNull()
      .references(() => privacyRequests.id),
    providerId: text('provider_id')
      .notNull()
      .references(() => dataProviders.id),
    subjectId: text('subject_id').notNull(),
    /**
     * What is sent: the request type and the product's own identifiers of the subject, kept
     * only until the provider answers (an erasure has already removed them from Assent).
     */
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    /** `pending` | `answered` | `failed` */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    lastError: text('last_error'),
    /** What the provider returned for an access request (part of the export). */
    result: jsonb('result'),
    answeredAt: ts('answered_at'),
  },
  (t) => [
    uniqueIndex('provider_calls_request_provider').on(t.requestId, t.providerId),
    index('provider_calls_due').on(t.status, t.nextAttemptAt),
  ],
);

/** A built export of an access request: JSON, CSV and HTML, downloadable until `expiresAt`. */
export const requestExports = pgTable('request_exports', {
  requestId: text('request_id')
    .primaryKey()
    .references(() => privacyRequests.id),
  subjectId: text('subject_id').notNull(),
  json: jsonb('json').notNull(),
  csv: text('csv').notNull(),
  html: text('html').notNull(),
  createdAt: ts('created_at').notNull(),
  expiresAt: ts('expires_at').notNull(),
});

/** Step-up: when a portal session last proved a fresh code (R7). `sessionId` = SHA-256 of the cookie. */
export const portalStepUps = pgTable('portal_step_ups', {
  sessionId: text('session_id').primaryKey(),
  verifiedAt: ts('verified_at').notNull(),
});

/** Profile fields the customer can correct in the portal (L2; PIPL 46, GDPR 16). */
export const subjectProfiles = pgTable('subject_profiles', {
  subjectId: text('subject_id').primaryKey(),
  propertyId: text('property_id').notNull(),
  name: text('name'),
  phone: text('phone'),
  updatedAt: ts('updated_at').notNull(),
});

/**
 * Evidence kept after an erasure because the law requires it (GDPR 17(3)(b)(e), PIPL 47 ¶2):
 * the subject's consent events stay, unlinkable, readable only by the `legal` role.
 */
export const legalHolds = pgTable(
  'legal_holds',
  {
    subjectId: text('subject_id').notNull(),
    requestId: text('request_id').notNull(),
    propertyId: text('property_id').notNull(),
    heldAt: ts('held_at').notNull(),
    basis: text('basis').notNull(),
  },
  (t) => [primaryKey({ columns: [t.subjectId, t.requestId] })],
);
