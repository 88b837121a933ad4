// GET /v1/receipts/{eventId}: a signed consent receipt per decision (REQUIREMENTS P3, P4),
// with the ISO/IEC TS 27560 record fields and W3C DPV statuses; GET /v1/notices/{noticeId}:
// the exact notice version; GET /.well-known/jwks.json: the receipts' public keys.
import { z } from '@hono/zod-openapi';
import { Decision, IsoTime } from '../common.ts';

const Party = z.object({ name: z.string(), contact: z.string().optional() });

export const ConsentReceipt = z
  .object({
    /** ISO/IEC TS 27560 header. */
    header: z.object({
      schemaVersion: z.literal('assent-receipt/1'),
      standard: z.literal('ISO/IEC TS 27560:2023'),
      /** The consent record this receipt is for (the event id). */
      recordId: z.string(),
      issuedAt: IsoTime,
    }),
    /** The person: a pseudonymous principal id; `actor` says who decided. */
    principal: z.object({ id: z.string(), actor: z.enum(['subject', 'guardian', 'system']) }),
    parties: z.object({
      controller: Party,
      recipients: z.array(Party.extend({ country: z.string().optional() })),
    }),
    processing: z.object({
      purpose: z.object({
        key: z.string(),
        title: z.string(),
        category: z.string(),
        legalBasis: z.string(),
        sensitive: z.boolean(),
        separateConsent: z.string().nullable(),
      }),
      piiCategories: z.array(
        z.object({ name: z.string(), level: z.string(), retentionDays: z.number().optional() }),
      ),
      /** Retention of the purpose's data, in days and in the notice's words. */
      retention: z.object({ days: z.number(), text: z.string() }),
      jurisdiction: z.string(),
      storage: z.object({ location: z.string(), jurisdiction: z.string() }),
    }),
    notice: z.object({
      id: z.string(),
      version: z.number().int(),
      /** The language the notice was shown in. */
      language: z.string(),
      sha256: z.string(),
      /** Where the exact text can be downloaded. */
      url: z.string(),
    }),
    event: z.object({
      time: IsoTime,
      /** What the person did. */
      type: Decision,
      /** W3C DPV status of this decision when made (`dpv:ConsentGiven`, `dpv:RenewedConsentGiven`…). */
      state: z.string(),
      validity: z.object({ from: IsoTime, until: IsoTime.nullable() }),
      source: z.string(),
      surface: z.string().nullable(),
      gpc: z.boolean(),
    }),
    /** What holds now for this purpose (DPV), so a stale or expired grant shows as such. */
    current: z.object({ state: z.string(), effective: z.boolean(), asOf: IsoTime }),
    withdrawal: z.object({ method: z.string(), url: z.string() }),
  })
  .openapi('ConsentReceipt');

export const SignedReceipt = z
  .object({
    receipt: ConsentReceipt,
    /** Compact JWS (EdDSA/Ed25519) whose payload is the receipt; verify with /.well-known/jwks.json. */
    jws: z.string(),
    kid: z.string(),
  })
  .openapi('SignedReceipt');

export const ReceiptParams = z.object({
  eventId: z
    .string()
    .regex(/^evt_[0-9a-z]{26}$/)
    .openapi({ param: { name: 'eventId', in: 'path' }, example: 'evt_01jd8x0k2m7q9w3e5r6t8y0u2i' }),
});

export const NoticeParams = z.object({
  noticeId: z
    .string()
    .regex(/^ntc_[0-9a-z]{26}$/)
    .openapi({ param: { name: 'noticeId', in: 'path' } }),
});

export const NoticeVersion = z
  .object({
    id: z.string(),
    purpose: z.string(),
    version: z.number().int(),
    locale: z.string(),
    material: z.boolean(),
    publishedAt: IsoTime,
    /** SHA-256 hex of the canonical JSON of `content`: recompute it to check the text. */
    sha256: z.string(),
    content: z.record(z.string(), z.unknown()),
  })
  .openapi('NoticeVersion');

export const Jwks = z
  .object({
    keys: z.array(
      z.object({
        kty: z.string(),
        crv: z.string(),
        x: z.string(),
        kid: z.string(),
        alg: z.string(),
        use: z.string(),
      }),
    ),
  })
  .openapi('JWKS');

export type ConsentReceiptBody = z.infer<typeof ConsentReceipt>;
export type SignedReceiptBody = z.infer<typeof SignedReceipt>;
