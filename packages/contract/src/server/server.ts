// The server API for the product's backend (secret key): the processing check may(), a
// subject's state and history, bulk import with provenance, and the NDJSON event export.
import { z } from '@hono/zod-openapi';
import {
  ConsentSource,
  ConsentStatus,
  Decision,
  IsoTime,
  IsoTimeOrDate,
  Locale,
} from '../common.ts';
import { StateView } from '../consents/experience.ts';

const ExternalId = z.string().min(1).max(255);

export const MayInput = z
  .object({
    /** The product's own user id (as in identity tokens). */
    externalId: ExternalId.optional(),
    /** Or Assent's subject id (`sub_…`), e.g. from a webhook. */
    subjectId: z
      .string()
      .regex(/^sub_[0-9a-z]{26}$/)
      .optional(),
    purpose: z.string().min(1).max(64),
  })
  .refine((v) => (v.externalId === undefined) !== (v.subjectId === undefined), {
    message: 'send exactly one of externalId or subjectId',
    path: ['externalId'],
  })
  .openapi('MayInput');

export const MayOutput = z
  .object({
    allowed: z.boolean(),
    status: ConsentStatus,
    /** Why: `necessary`, `granted`, or why not (`no_decision`, `unknown_subject`, `denied`, `withdrawn`, `expired`, `stale`, `restricted`: the subject restricted processing, GDPR 18, PIPL 44). */
    reason: z.enum([
      'necessary',
      'granted',
      'no_decision',
      'unknown_subject',
      'denied',
      'withdrawn',
      'expired',
      'stale',
      'restricted',
    ]),
    subjectId: z.string().nullable(),
    expiresAt: IsoTime.nullable(),
  })
  .openapi('MayOutput');

export const ExternalIdParams = z.object({
  externalId: ExternalId.openapi({ param: { name: 'externalId', in: 'path' }, example: 'user_42' }),
});

export const HistoryEvent = z
  .object({
    id: z.string(),
    subjectId: z.string(),
    purpose: z.string(),
    decision: Decision,
    source: ConsentSource,
    surface: z.string().nullable(),
    actor: z.string(),
    locale: z.string(),
    jurisdiction: z.string(),
    noticeId: z.string(),
    noticeVersion: z.number().int(),
    noticeHash: z.string(),
    collectedAt: IsoTime,
    recordedAt: IsoTime,
    expiresAt: IsoTime.nullable(),
    gpc: z.boolean(),
  })
  .openapi('HistoryEvent');

export const SubjectConsents = z
  .object({
    subjectId: z.string(),
    /** Device subjects merged into this one (their events are part of the history). */
    mergedSubjects: z.array(z.string()),
    /**
     * Per purpose key: what holds now, with `dpv` its W3C DPV consent status, or for a necessary
     * purpose (not consent-based) its DPV legal basis (`dpv:Contract`, `dpv:LegalObligation`,
     * `dpv:LegitimateInterest`).
     */
    consents: z.record(z.string(), StateView.extend({ dpv: z.string() })),
    /** Every decision, oldest first. */
    history: z.array(HistoryEvent),
  })
  .openapi('SubjectConsents');

export const Provenance = z
  .object({
    /** The system the consent was collected in, e.g. `crm`, `paper-form-2024`. */
    system: z.string().min(1).max(100),
    /** Its reference for the collection (campaign, form, batch). */
    reference: z.string().max(200).optional(),
    /** How it was collected, e.g. `web form`, `signed paper form`. */
    method: z.string().max(200).optional(),
  })
  .strict();

export const ImportRecord = z
  .object({
    /** The record's id in the source system; re-importing the same id writes nothing new. */
    id: z.string().min(1).max(200),
    externalId: ExternalId,
    purpose: z.string().min(1).max(64),
    decision: Decision,
    collectedAt: IsoTime,
    /** The notice version the person saw (default: the latest). */
    noticeVersion: z.number().int().positive().optional(),
    locale: Locale.optional(),
    /** `separate_dialog` attests a separate-consent collection (required to import such grants). */
    surface: z.string().min(1).max(64).optional(),
    /** `guardian` when a parent or guardian consented for a minor (REQUIREMENTS C12). */
    actor: z.enum(['subject', 'guardian']).default('subject'),
    gpc: z.boolean().default(false),
    provenance: Provenance,
  })
  .strict();

export const ImportInput = z
  .object({ records: z.array(ImportRecord).min(1).max(200) })
  .openapi('ImportInput');

export const ImportOutput = z
  .object({
    imported: z.number().int(),
    duplicates: z.number().int(),
    results: z.array(
      z.object({ id: z.string(), eventId: z.string(), status: z.enum(['imported', 'duplicate']) }),
    ),
  })
  .openapi('ImportOutput');

/**
 * The range of GET /v1/server/events: `from <= collectedAt < to`. Each bound is a full ISO
 * timestamp with offset or a plain date `YYYY-MM-DD` (00:00:00 UTC of that day), like
 * `assent audit export --from 2026-01-01`.
 */
export const EventsQuery = z.object({
  from: IsoTimeOrDate.openapi({
    param: { name: 'from', in: 'query' },
    description: 'Inclusive; an ISO timestamp, or `YYYY-MM-DD` for 00:00:00 UTC of that day.',
  }),
  to: IsoTimeOrDate.openapi({
    param: { name: 'to', in: 'query' },
    description: 'Exclusive; an ISO timestamp, or `YYYY-MM-DD` for 00:00:00 UTC of that day.',
  }),
});

/** One line of the NDJSON export. */
export const ExportedEvent = HistoryEvent.extend({ propertyId: z.string() }).openapi(
  'ExportedEvent',
);

export type MayInputBody = z.infer<typeof MayInput>;
export type MayOutputBody = z.infer<typeof MayOutput>;
export type SubjectConsentsBody = z.infer<typeof SubjectConsents>;
export type ImportInputBody = z.input<typeof ImportInput>;
export type ImportOutputBody = z.infer<typeof ImportOutput>;
