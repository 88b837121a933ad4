// /v1/server/data-providers: the product's backend registers the systems Assent calls for
// access and erasure requests (R1, R4). Mounted under /v1/server, whose middleware requires
// the property's secret key (routes/server/index.ts).
import { CreateDataProviderInput, CreatedDataProvider, DataProviderList } from '@assent/contract';
import { schema } from '@assent/db';
import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import { disableProvider, registerProvider } from '../domain/requests/providers.ts';
import { errorResponses, router } from '../openapi.ts';

const security = [{ secretKey: [] }];
const PROTOCOL =
  'Assent POSTs JSON `{type: "access"|"erasure", requestId, propertyId, subject: {externalId, email}}` signed with the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>` keyed with the secret). Answer 2xx with JSON within 10 s: for `access`, the data the system holds (it goes into the export under `productSystems`); for `erasure`, after deleting, e.g. `{"deleted": true}`. Anything else is retried after 1 min, 2, 4… (at most 6 h apart) until it answers or an operator marks it failed (`pnpm assent requests fail-provider`).';

const create = createRoute({
  method: 'post',
  path: '/data-providers',
  summary: 'Register a data provider',
  description: `Registers a product system for privacy requests and returns its signing secret, shown only here. ${PROTOCOL}`,
  security,
  request: {
    body: { content: { 'application/json': { schema: CreateDataProviderInput } }, required: true },
  },
  responses: {
    201: {
      description: 'Registered; keep the secret',
      content: { 'application/json': { schema: CreatedDataProvider } },
    },
    ...errorResponses('unauthorized', 'webhook_url_not_allowed'),
  },
});
const list = createRoute({
  method: 'get',
  path: '/data-providers',
  summary: "The property's data providers (without secrets)",
  security,
  responses: {
    200: {
      description: 'Providers',
      content: { 'application/json': { schema: DataProviderList } },
    },
    ...errorResponses('unauthorized'),
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/data-providers/{id}',
  summary: 'Remove a data provider',
  description:
    'Assent stops calling it for new requests; its pending calls are marked failed so the requests waiting on it can complete (each gets a `provider_failed` step in its timeline). The registration and its call history stay as evidence. Audited.',
  security,
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  responses: {
    200: {
      description: 'Removed',
      content: {
        'application/json': {
          schema: z.object({ id: z.string(), releasedCalls: z.number().int() }),
        },
      },
    },
    ...errorResponses('unauthorized', 'not_found'),
  },
});

const view = (p: typeof schema.dataProviders.$inferSelect) => ({
  id: p.id,
  name: p.name,
  url: p.url,
  handles: p.handles as ('access' | 'erasure')[],
  createdAt: p.createdAt.toISOString(),
});

export const dataProviderRoutes = router()
  .openapi(create, async (c) => {
    const { database, keyring, clock, config } = c.get('deps');
    const body = c.req.valid('json');
    const { row, secret } = await registerProvider(
      database.db,
      keyring,
      {
        propertyId: c.get('property').id,
        name: body.name,
        url: body.url,
        handles: body.handles,
        production: config.production,
      },
      clock(),
      body.secret,
    );
    return c.json({ ...view(row), secret }, 201);
  })
  .openapi(list, async (c) => {
    const { database } = c.get('deps');
    const rows = await database.db
      .select()
      .from(schema.dataProviders)
      .where(
        and(
          eq(schema.dataProviders.propertyId, c.get('property').id),
          isNull(schema.dataProviders.disabledAt),
        ),
      );
    return c.json({ providers: rows.map(view) }, 200);
  })
  .openapi(remove, async (c) => {
    const { database, clock } = c.get('deps');
    const { id } = c.req.valid('param');
    const releasedCalls = await disableProvider(database.db, c.get('property').id, id, clock());
    return c.json({ id, releasedCalls }, 200);
  });
