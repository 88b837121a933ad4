// POST /v1/consents: record a batch of decisions (one event per purpose) with an Idempotency-Key.
import { AGE_BAND } from '@assent/policy';
import { z } from '@hono/zod-openapi';
import { ConsentSource, Decision, IsoTime, Locale } from '../common.ts';
import { StateView } from './experience.ts';

/** One decision of a batch. Unknown keys are refused (400), like a misspelt top-level field. */
export const DecisionInput = z
  .object({
    purpose: z.string().min(1).max(64),
    decision: Decision,
    /** The notice the person saw (id from the experience). */
    noticeId: z.string().min(1).max(64),
    /** Its hash as shown; must match the stored version. */
    noticeHash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

/**
 * The body of POST /v1/consents. Strict: an unknown key (a typo such as `agBand`, which would
 * otherwise skip the guardian check silently) is a 400 `invalid_request` naming the key, as
 * `/v1/server/import` and `assent apply` already do.
 */
export const RecordConsentsInput = z
  .object({
    decisions: z.array(DecisionInput).min(1).max(50),
    source: ConsentSource.exclude(['gpc', 'import', 'api', 'portal']),
    /** UI element, e.g. `banner_reject_all`, `preferences_save`, `separate_dialog`. */
    surface: z.string().min(1).max(64),
    locale: Locale,
    /** When the person decided (the widget may send queued decisions later); default now. */
    collectedAt: IsoTime.optional(),
    /** `navigator.globalPrivacyControl` at decision time. */
    gpc: z.boolean().optional(),
    /** Who decided: the person (default) or their parent or guardian for them (C12; stored as the event's `actor`). */
    actor: z.enum(['subject', 'guardian']).optional(),
    /**
     * The age the person declared, as a band: `under_14` or `14_plus` (the answer to "Are you
     * 14 or older?"). A grant of a guardian purpose by a declared minor needs `actor: 'guardian'`
     * (422 `guardian_consent_required`; PIPL 31, GDPR 8, Cal. Civ. 1798.120(c)).
     */
    ageBand: z.string().regex(AGE_BAND).optional().openapi({ example: '14_plus' }),
  })
  .strict()
  .openapi('RecordConsentsInput');

export const RecordedEvent = z.object({
  id: z.string(),
  purpose: z.string(),
  decision: Decision,
  collectedAt: IsoTime,
  expiresAt: IsoTime.nullable(),
});

export const RecordConsentsOutput = z
  .object({
    events: z.array(RecordedEvent),
    consents: z.record(z.string(), StateView),
  })
  .openapi('RecordConsentsOutput');

export const ConsentsOutput = z
  .object({ consents: z.record(z.string(), StateView) })
  .openapi('Consents');

export type RecordConsentsInputBody = z.infer<typeof RecordConsentsInput>;
export type RecordConsentsOutputBody = z.infer<typeof RecordConsentsOutput>;
export type ConsentsOutputBody = z.infer<typeof ConsentsOutput>;
