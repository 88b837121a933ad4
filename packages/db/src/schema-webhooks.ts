// Webhooks: endpoints a property registers, one delivery per outbox row × endpoint (its id is
// the Standard Webhooks `webhook-id`, the same on every retry), the log of each attempt, and
// the grants already announced as `consent.expiring` (once per grant).
import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A receiver URL of a property's backend; `secret` (whsec_…) is encrypted with the keyring. */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    propertyId: text('property_id').notNull(),
    url: text('url').notNull(),
    description: text('description'),
    /** Event types sent here: `consent.changed`, `consent.expiring`. */
    topics: text('topics').array().notNull(),
    /** `enc1:…` ciphertext of the signing secret (L1: a credential). */
    secret: text('secret').notNull(),
    createdAt: ts('created_at').notNull(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [index('webhook_endpoints_property').on(t.propertyId)],
);

/** One message to one endpoint; retried with exponential backoff until delivered or given up. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    /** `msg_…`: the `webhook-id` header, constant across retries (receivers dedupe by it). */
    id: text('id').primaryKey(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    propertyId: text('property_id').notNull(),
    outboxId: text('outbox_id').notNull(),
    subjectId: text('subject_id'),
    type: text('type').notNull(),
    /** `enc1:…` ciphertext of the exact JSON body; the same bytes on every attempt. */
    body: text('body').notNull(),
    /** `pending` | `delivered` | `failed` (gave up) | `cancelled` (endpoint deleted, erased). */
    state: text('state').notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When the next attempt is due; also the lease of an attempt in flight. */
    nextAttemptAt: ts('next_attempt_at'),
    createdAt: ts('created_at').notNull(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_outbox_endpoint').on(t.outboxId, t.endpointId),
    index('webhook_deliveries_due').on(t.nextAttemptAt).where(sql`state = 'pending'`),
    index('webhook_deliveries_endpoint').on(t.endpointId, t.createdAt),
    index('webhook_deliveries_subject').on(t.subjectId),
  ],
);

/** The delivery log: one row per HTTP attempt (no bodies, no personal data). */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id),
    endpointId: text('endpoint_id').notNull(),
    attempt: integer('attempt').notNull(),
    attemptedAt: ts('attempted_at').notNull(),
    /** HTTP status, or null when no response arrived. */
    statusCode: integer('status_code'),
    durationMs: integer('duration_ms').notNull(),
    /** null on success; `timeout` | `network` | `http_3xx` | `http_4xx` | `http_5xx`. */
    errorClass: text('error_class'),
    /** When the next attempt is due; null when delivered or given up. */
    nextAttemptAt: ts('next_attempt_at'),
  },
  (t) => [index('webhook_attempts_endpoint').on(t.endpointId, t.attemptedAt)],
);

/** Grants already announced as `consent.expiring`: the consent event id of each grant. */
export const consentExpiryNotices = pgTable('consent_expiry_notices', {
  eventId: text('event_id').primaryKey(),
  subjectId: text('subject_id').notNull(),
  propertyId: text('property_id').notNull(),
  purposeId: text('purpose_id').notNull(),
  expiresAt: ts('expires_at').notNull(),
  notifiedAt: ts('notified_at').notNull(),
});
