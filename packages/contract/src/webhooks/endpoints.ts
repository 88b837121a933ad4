// /v1/server/webhooks: the product's backend registers receiver URLs (secret key auth), reads
// the delivery log. Deliveries are signed the Standard Webhooks way (webhook-id,
// webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256>).
import { z } from '@hono/zod-openapi';
import { IsoTime } from '../common.ts';

export const WebhookTopic = z.enum(['consent.changed', 'consent.expiring']).openapi('WebhookTopic');

export const CreateWebhookInput = z
  .object({
    /** https URL of the receiver (plain http only outside production). */
    url: z.string().url().max(2048).openapi({ example: 'https://shop.example/hooks/assent' }),
    description: z.string().max(200).optional(),
    /** Event types to send; default all. */
    topics: z.array(WebhookTopic).min(1).max(10).optional(),
  })
  .openapi('CreateWebhookInput');

export const WebhookEndpoint = z
  .object({
    id: z.string().openapi({ example: 'whe_01kb3x0k2m7q9w3e5r6t8y0u2i' }),
    url: z.string(),
    description: z.string().nullable(),
    topics: z.array(WebhookTopic),
    createdAt: IsoTime,
  })
  .openapi('WebhookEndpoint');

export const CreatedWebhookEndpoint = WebhookEndpoint.extend({
  /** Signing secret, shown only in this response: `whsec_` + base64 of 32 random bytes. */
  secret: z.string().openapi({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
}).openapi('CreatedWebhookEndpoint');

export const WebhookEndpointList = z
  .object({ data: z.array(WebhookEndpoint) })
  .openapi('WebhookEndpointList');

export const WebhookIdParam = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'whe_01kb3x0k2m7q9w3e5r6t8y0u2i' }),
});

export const WebhookDeliveriesQuery = z.object({
  /** Newest first; at most this many attempts (default 50, max 200). */
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /**
   * Opaque: the `nextCursor` of the previous page of this log; the page starts just after the
   * last attempt that page held. Absent: the newest attempts. A malformed one is 400.
   */
  cursor: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .openapi({
      param: {
        name: 'cursor',
        in: 'query',
        description:
          'The `nextCursor` of the previous page (opaque). Absent: start from the newest attempt.',
      },
    }),
});

export const WebhookAttempt = z
  .object({
    /** The message id (`webhook-id` header), the same on each retry. */
    messageId: z.string(),
    type: WebhookTopic,
    /** `pending` (will retry) | `delivered` | `failed` (gave up) | `cancelled`. */
    deliveryState: z.enum(['pending', 'delivered', 'failed', 'cancelled']),
    attempt: z.number().int().min(1),
    attemptedAt: IsoTime,
    statusCode: z.number().int().nullable(),
    durationMs: z.number().int().min(0),
    /** null on success; `timeout` | `network` | `address_not_allowed` | `http_3xx` | `http_4xx` | `http_5xx`. */
    errorClass: z.string().nullable(),
    nextAttemptAt: IsoTime.nullable(),
  })
  .openapi('WebhookAttempt');

export const WebhookDeliveryLog = z
  .object({
    data: z.array(WebhookAttempt),
    /** Pass as `cursor` for the next (older) page; null when nothing older is left. */
    nextCursor: z.string().nullable(),
  })
  .openapi('WebhookDeliveryLog');

export type CreateWebhookInputBody = z.infer<typeof CreateWebhookInput>;
export type WebhookEndpointBody = z.infer<typeof WebhookEndpoint>;
export type WebhookAttemptBody = z.infer<typeof WebhookAttempt>;
export type WebhookDeliveryLogBody = z.infer<typeof WebhookDeliveryLog>;
export type WebhookTopicName = z.infer<typeof WebhookTopic>;

/** Body of a `consent.changed` delivery: one recorded batch of decisions. */
export const ConsentChangedEvent = z
  .object({
    type: z.literal('consent.changed'),
    timestamp: IsoTime,
    data: z.object({
      propertyId: z.string(),
      subjectId: z.string(),
      /** The product's own user id when the subject was identified, else null. */
      externalId: z.string().nullable(),
      batchId: z.string(),
      events: z.array(
        z.object({ id: z.string(), purpose: z.string(), decision: z.string(), source: z.string() }),
      ),
    }),
  })
  .openapi('ConsentChangedEvent');

/** Body of a `consent.expiring` delivery: a grant whose term ends within the reminder window. */
export const ConsentExpiringEvent = z
  .object({
    type: z.literal('consent.expiring'),
    timestamp: IsoTime,
    data: z.object({
      propertyId: z.string(),
      subjectId: z.string(),
      externalId: z.string().nullable(),
      purpose: z.string(),
      /** The consent event of the grant. */
      eventId: z.string(),
      expiresAt: IsoTime,
    }),
  })
  .openapi('ConsentExpiringEvent');
