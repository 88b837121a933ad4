// Public (widget) routes: identify the property by its publishable key and enforce its origin
// allow-list. CORS answers only allowed origins and never with credentials.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import { propertyByKeyVersioned } from '../domain/properties.ts';
import { ApiError } from '../errors.ts';

const ALLOWED_HEADERS = 'Content-Type, X-Assent-Key, X-Assent-Device, Idempotency-Key, Sec-GPC';

/**
 * Resolves `X-Assent-Key` (or `?key=`) to a property and checks `Origin` against its
 * allowed origins. Preflights are answered for any origin (they carry no key); the real
 * request is refused with 403 `origin_not_allowed`, and carries no CORS grant, when the
 * origin is not on the list.
 * @throws ApiError `unauthorized` (401) for a missing or unknown key.
 */
export function propertyAuth() {
  return createMiddleware<AppEnv>(async function propertyAuth(c, next) {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') {
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin ?? '*',
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': '86400',
        Vary: 'Origin',
      });
    }
    const key = c.req.header('x-assent-key') ?? c.req.query('key');
    if (!key) throw new ApiError('unauthorized', 'Send the publishable key in X-Assent-Key.');
    const property = await propertyByKeyVersioned(c.get('deps').database.db, key);
    if (!property) throw new ApiError('unauthorized', 'Unknown publishable key.');
    if (origin && !property.allowedOrigins.includes(origin)) {
      throw new ApiError(
        'origin_not_allowed',
        `Origin ${origin} is not allowed for this property.`,
      );
    }
    c.set('property', property);
    await next();
    if (origin) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Vary', 'Origin', { append: true });
    }
  });
}
