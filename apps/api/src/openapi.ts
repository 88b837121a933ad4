// Helpers for documenting routes: the problem+json responses each route can return.
import { type ErrorCode, errorCodes, Problem } from '@assent/contract';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context.ts';
import { fromZod } from './errors.ts';

/** OpenAPI `responses` entries for the given error codes, grouped by status. */
export function errorResponses(...codes: ErrorCode[]) {
  const out: Record<
    number,
    { description: string; content: { 'application/problem+json': { schema: typeof Problem } } }
  > = {};
  for (const code of ['invalid_request', 'internal_error', ...codes] as ErrorCode[]) {
    const { status, title } = errorCodes[code];
    const prev = out[status];
    out[status] = {
      description: prev ? `${prev.description}; \`${code}\`` : `\`${code}\`: ${title}`,
      content: { 'application/problem+json': { schema: Problem } },
    };
  }
  return out;
}

/**
 * Registers the widget's two credentials as OpenAPI `apiKey` security schemes on `registry`:
 * `publishableKey` (header `X-Assent-Key`) and `device` (header `X-Assent-Device`), the rules of
 * `propertyAuth` and `widgetDevice` (middleware/property.ts). Each widget router calls it, so a
 * route declaring `security: [{ publishableKey: [], device: [] }]` never names a scheme the
 * document lacks; registering the same scheme again replaces it with the same value.
 */
export function registerWidgetSecuritySchemes(registry: OpenAPIHono['openAPIRegistry']): void {
  registry.registerComponent('securitySchemes', 'publishableKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Assent-Key',
    description:
      "The property's publishable key (`pk_…`): public, safe in a page (the widget's `data-property`). The product team chooses it as `publishableKey` in the property's config file (`assent.config.json`, applied with `pnpm assent apply`); the local demo property's is `pk_demo_shop`. The request's `Origin`, when sent, must be on the property's allowed origins. `GET /v1/experience` also takes it as the query parameter `?key=`.",
  });
  registry.registerComponent('securitySchemes', 'device', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Assent-Device',
    description:
      "The widget's random device id (22-128 characters `A-Z a-z 0-9 _ -`), generated and kept by the widget (an id never seen before starts a new anonymous device). `GET /v1/experience` also takes it as `?device=`; with ASSENT_DEVICE_COOKIE=true the `assent_device` cookie wins over both.",
  });
}

/** A router whose validation failures become 400 problem+json (`invalid_request`). */
export function router<E extends AppEnv = AppEnv>() {
  return new OpenAPIHono<E>({
    defaultHook: (result, _c) => {
      if (!result.success) throw fromZod(result.error, result.target);
    },
  });
}
