// Consents imported from elsewhere (POST /v1/server/import): the provenance of each imported
// event and the product's own record id, which makes a re-import write nothing new.
import { jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const consentImports = pgTable(
  'consent_imports',
  {
    propertyId: text('property_id').notNull(),
    /** The record's id in the system it came from (unique per property). */
    recordId: text('record_id').notNull(),
    /** SHA-256 hex of the canonical record, to tell a retry from a conflicting re-use. */
    recordHash: text('record_hash').notNull(),
    eventId: text('event_id').notNull(),
    subjectId: text('subject_id').notNull(),
    /** Where and how it was collected: system, reference, method, collector… (no personal data). */
    provenance: jsonb('provenance').$type<Record<string, unknown>>().notNull(),
    importedAt: ts('imported_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.propertyId, t.recordId] })],
);
