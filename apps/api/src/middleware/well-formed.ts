// Text that cannot be stored as sent is refused, not rewritten (REQUIREMENTS P1): bytes that
// are not UTF-8 (e.g. 0xFF) and a lone UTF-16 surrogate in a JSON string (e.g. "\ud800") would
// both be stored as U+FFFD, so the evidence kept would differ from what the client sent.
// NUL, which Postgres refuses, is handled in app.ts.
import { isUtf8 } from 'node:buffer';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../errors.ts';

/** A lone surrogate: in a `u` regex a surrogate pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * A `\uD800`–`\uDFFF` escape. Text decoded from valid UTF-8 holds no surrogate code unit, so in
 * a JSON document such an escape is the only way to spell a lone surrogate: a body without one
 * needs no parse here. (A match may still be a proper pair or an escaped backslash; the parse
 * below decides.)
 */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Decodes as `Request.text()` does (UTF-8, a leading BOM dropped). */
const utf8 = new TextDecoder();

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
 * Refuses a JSON body (a content type containing `json`) that is not faithful text, before any
 * route reads it, with 400 `invalid_request`:
 * - bytes that are not valid UTF-8 (RFC 8259 §8.1 requires UTF-8), checked on the raw bytes
 *   with `buffer.isUtf8`, errors path `json`;
 * - a string or key holding a lone surrogate escape, errors path naming it (e.g. `json.surface`).
 * The body is read once: its decoded text goes into Hono's body cache, from which the route's
 * validator parses it (hono 4.13's `c.req.json()` always parses the cached text, so caching a
 * parsed value would not spare that parse). The body is parsed here only when it contains a
 * surrogate escape. Bodies that are not JSON, not valid JSON, or not readable pass on to the
 * route, whose validation answers as before (malformed JSON: 400 `invalid_request`).
 * @throws ApiError `invalid_request` (400)
 */
export function wellFormedText() {
  return createMiddleware<AppEnv>(async function wellFormedText(c, next) {
    if (!c.req.header('content-type')?.toLowerCase().includes('json')) return next();
    let bytes: ArrayBuffer;
    try {
      bytes = await c.req.arrayBuffer();
    } catch {
      return next();
    }
    if (!isUtf8(bytes)) {
      throw new ApiError(
        'invalid_request',
        'The body is not valid UTF-8; it cannot be stored as sent.',
        [{ path: 'json', message: 'invalid UTF-8 byte sequence', code: 'invalid_encoding' }],
      );
    }
    const text = utf8.decode(bytes);
    // Hono's types declare the cached values, but it stores (and reads) promises of them.
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
    if (!SURROGATE_ESCAPE.test(text)) return next();
    let body: unknown;
    try {
      body = JSON.parse(text);
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
