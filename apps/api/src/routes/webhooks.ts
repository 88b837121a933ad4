// /v1/server/webhooks: the product's backend registers endpoints for `consent.changed` and
// `consent.expiring`, removes them and reads their delivery log. Mounted under /v1/server,
// whose middleware requires the property's secret key (routes/server/index.ts).
import {
  ConsentChangedEvent,
  ConsentExpiringEvent,
  CreatedWebhookEndpoint,
  CreateWebhookInput,
  WebhookDeliveriesQuery,
  WebhookDeliveryLog,
  WebhookEndpointList,
  WebhookIdParam,
} from '@assent/contract';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  createEndpoint,
  deleteEndpoint,
  deliveryLog,
  endpointOf,
  endpointView,
  listEndpoints,
} from '../domain/webhooks.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, router } from '../openapi.ts';
import { apiKeyActor } from './server/api-key-actor.ts';

const security = [{ secretKey: [] }];
const SIGNING =
  'Each delivery is a POST with a JSON body `{type, timestamp, data}` and the Standard Webhooks headers `webhook-id` (the message id, the same on every retry), `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed with the base64-decoded part of the secret after `whsec_`. A 2xx answer within 10 s delivers it; anything else is retried after 1 min, 2 min, 4 min… (doubling, at most 12 h) for up to 10 attempts; 410 Gone stops retries.';

const create = createRoute({
  method: 'post',
  path: '/webhooks',
  summary: 'Register a webhook endpoint',
  description: `Registers a receiver for this property's events and returns its signing secret, shown only in this answer. Production accepts only https URLs to public hosts. At most 20 endpoints per property. ${SIGNING}`,
  security,
  request: {
    body: { content: { 'application/json': { schema: CreateWebhookInput } }, required: true },
  },
  responses: {
    201: {
      description: 'Registered; keep the secret',
      content: { 'application/json': { schema: CreatedWebhookEndpoint } },
    },
    ...errorResponses('unauthorized', 'webhook_url_not_allowed', 'webhook_limit_reached'),
  },
});

const list = createRoute({
  method: 'get',
  path: '/webhooks',
  summary: 'List webhook endpoints',
  description: "This property's live endpoints (secrets are never shown again).",
  security,
  responses: {
    200: {
      description: 'Endpoints',
      content: { 'application/json': { schema: WebhookEndpointList } },
    },
    ...errorResponses('unauthorized'),
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/webhooks/{id}',
  summary: 'Delete a webhook endpoint',
  description:
    'Stops deliveries to it at once (pending retries are cancelled); its log is kept for audits.',
  security,
  request: { params: WebhookIdParam },
  responses: {
    204: { description: 'Deleted' },
    ...errorResponses('unauthorized', 'not_found'),
  },
});

const deliveries = createRoute({
  method: 'get',
  path: '/webhooks/{id}/deliveries',
  summary: 'Delivery log of a webhook endpoint',
  description:
    'Attempts, newest first (by attempt time, then attempt number): message id, event type, attempt number, HTTP status, duration (ms), error class and the next attempt, if any. Holds no bodies.\n\n' +
    'Paged by keyset: at most `limit` attempts (default 50, max 200) per page. When older attempts remain, `nextCursor` is an opaque string: pass it back as `cursor` for the next page, which starts right after the last attempt shown (no attempt repeats or is skipped, even when several share a timestamp; new attempts appear on a fresh first page). `nextCursor` is null on the last page. A cursor that was not handed out by this list is 400 `invalid_request`; a cursor only positions within the log of the endpoint in the path.',
  security,
  request: { params: WebhookIdParam, query: WebhookDeliveriesQuery },
  responses: {
    200: {
      description: 'The log',
      content: { 'application/json': { schema: WebhookDeliveryLog } },
    },
    ...errorResponses('unauthorized', 'not_found'),
  },
});

export const webhookRoutes = router()
  .openapi(create, async (c) => {
    const property = c.get('property');
    const endpoint = await createEndpoint(
      c.get('deps'),
      property.id,
      c.req.valid('json'),
      await apiKeyActor(c),
    );
    return c.json(endpoint, 201);
  })
  .openapi(list, async (c) => {
    const rows = await listEndpoints(c.get('deps').database.db, c.get('property').id);
    return c.json({ data: rows.map(endpointView) }, 200);
  })
  .openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    await deleteEndpoint(c.get('deps'), c.get('property').id, id, await apiKeyActor(c));
    return c.body(null, 204);
  })
  .openapi(deliveries, async (c) => {
    const { db } = c.get('deps').database;
    const { id } = c.req.valid('param');
    const endpoint = await endpointOf(db, c.get('property').id, id);
    if (!endpoint) throw new ApiError('not_found', 'No such webhook endpoint.');
    const { limit, cursor } = c.req.valid('query');
    return c.json(await deliveryLog(db, id, { limit, cursor }), 200);
  });

// The events themselves, as OpenAPI 3.1 `webhooks` (what the product's receiver gets).
const signatureHeaders = z.object({
  'webhook-id': z.string().openapi({ example: 'msg_01kb3x0k2m7q9w3e5r6t8y0u2i' }),
  'webhook-timestamp': z.string().openapi({ example: '1796000000' }),
  'webhook-signature': z
    .string()
    .openapi({ example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=' }),
});

/**
 * Documents the events as OpenAPI 3.1 `webhooks` (what the product's receiver gets). Call on
 * the top-level app: a sub-router would prefix the event names with its mount path.
 */
export function registerWebhookEvents(registry: OpenAPIHono['openAPIRegistry']): void {
  for (const [type, schema] of [
    ['consent.changed', ConsentChangedEvent],
    ['consent.expiring', ConsentExpiringEvent],
  ] as const) {
    registry.registerWebhook({
      method: 'post',
      path: type,
      summary: type === 'consent.changed' ? 'Decisions were recorded' : 'A grant ends soon',
      description: SIGNING,
      request: {
        headers: signatureHeaders,
        body: { content: { 'application/json': { schema } }, required: true },
      },
      responses: { 200: { description: 'Any 2xx within 10 s acknowledges the delivery' } },
    });
  }
}
