// Text that cannot be stored as sent is refused, not rewritten: a lone UTF-16 surrogate in a
// JSON string (e.g. "\ud800") would be stored as U+FFFD, so the evidence kept would differ from
// what the client sent (REQUIREMENTS P1). NUL, which Postgres refuses, is handled in app.ts.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../errors.ts';

/** A lone surrogate: in a `u` regex a surrogate pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The JSON path of the first string (or key) in `value` that is not well-formed Unicode. */
export function malformedTextPath(value: unknown, path = 'json'): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = malformedTextPath(value[i], `${path}.${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (LONE_SURROGATE.test(k)) return `${path}.${k}`;
      const found = malformedTextPath(v, `${path}.${k}`);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Refuses a JSON body holding a string that is not well-formed Unicode (a lone surrogate) with
 * 400 `invalid_request` naming its path, before any route reads it. Bodies that are not JSON,
 * or not valid JSON, pass on to the route's own validation. The parsed body is cached by Hono,
 * so the route does not parse it again.
 * @throws ApiError `invalid_request` (400)
 */
export function wellFormedText() {
  return createMiddleware<AppEnv>(async function wellFormedText(c, next) {
    if (!c.req.header('content-type')?.toLowerCase().includes('json')) return next();
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return next();
    }
    const path = malformedTextPath(body);
    if (path) {
      throw new ApiError(
        'invalid_request',
        'A text value is not well-formed Unicode (a lone surrogate); it cannot be stored as sent.',
        [{ path, message: 'lone UTF-16 surrogate', code: 'invalid_string' }],
      );
    }
    return next();
  });
}
