// POST /v1/identify: link this device to the product's user, vouched for by a token its backend signed.

import { IdentifyInput, IdentifyOutput } from '@assent/contract';
import { createRoute } from '@hono/zod-openapi';
import { identifyDevice, verifyIdentityToken } from '../domain/identity.ts';
import { deviceKey } from '../domain/subjects.ts';
import { widgetDevice } from '../middleware/property.ts';
import { errorResponses, registerWidgetSecuritySchemes, router } from '../openapi.ts';

const route = createRoute({
  method: 'post',
  path: '/identify',
  summary: 'Link this device to the product user',
  description:
    "The product's backend signs a short-lived HS256 JWT with the property's identity secret: `sub` = its own user id, optional `email` (links the portal), `exp` at most 10 minutes after `iat`. The device's subject is merged into the user's; both histories are kept and the latest decision per purpose wins. An unsigned or expired token is refused (401 `invalid_token`).",
  request: { body: { content: { 'application/json': { schema: IdentifyInput } }, required: true } },
  security: [{ publishableKey: [], device: [] }],
  responses: {
    200: { description: 'Linked', content: { 'application/json': { schema: IdentifyOutput } } },
    ...errorResponses('unauthorized', 'origin_not_allowed', 'invalid_token'),
  },
});

export const identifyRoutes = router().openapi(route, async (c) => {
  const { database, clock, keyring } = c.get('deps');
  const property = c.get('property');
  const key = deviceKey(widgetDevice(c));
  const claims = await verifyIdentityToken(property, c.req.valid('json').token, clock(), keyring);
  const result = await identifyDevice(database.db, property.id, key, claims, keyring);
  return c.json(result, 200);
});
registerWidgetSecuritySchemes(identifyRoutes.openAPIRegistry);
