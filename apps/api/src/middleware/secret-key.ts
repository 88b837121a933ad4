// Server routes (the product's backend): authenticate with a property's secret key.
import { createHash } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import { propertyBySecretKeyHash } from '../domain/properties.ts';
import { ApiError } from '../errors.ts';

/** SHA-256 hex of a secret key, as stored. */
export function secretKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * The token of an `Authorization: Bearer <token>` header, '' when absent or another scheme.
 * The scheme name is case-insensitive (RFC 9110 §11.1).
 */
export function bearerToken(header: string | undefined): string {
  const m = /^bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1]?.trim() ?? '';
}

/**
 * Requires `Authorization: Bearer sk_…` naming a live (not revoked) secret key and exposes
 * its property as `c.get('property')`. Secret keys never belong in browser code.
 * @throws ApiError `unauthorized` (401) for a missing, unknown or revoked key.
 */
export function secretKeyAuth() {
  return createMiddleware<AppEnv>(async function secretKeyAuth(c, next) {
    const key = bearerToken(c.req.header('authorization'));
    if (!key.startsWith('sk_'))
      throw new ApiError('unauthorized', 'Send Authorization: Bearer <secret key>.');
    // One prepared query: the key's property with its configuration version.
    const property = await propertyBySecretKeyHash(c.get('deps').database.db, secretKeyHash(key));
    if (!property) throw new ApiError('unauthorized', 'Unknown or revoked secret key.');
    c.set('property', property);
    await next();
  });
}
