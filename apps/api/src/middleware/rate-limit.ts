// Rate limits of the public endpoints, shared by every API process: the counters live in
// Postgres (table `rate_limits`, UNLOGGED); large limits are counted in process far below
// the limit and flushed every 100 ms (rate-limit-store.ts `RateLimiter`).

import { hash } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import { truncateIp } from '../domain/consents.ts';
import { ApiError } from '../errors.ts';
import { widgetDevice } from './property.ts';
import { rateLimiterFor, sweepRateLimits } from './rate-limit-store.ts';

/** One request in this many also deletes counters idle for two windows (keeps the table small). */
const SWEEP_ONE_IN = 1000;

interface Scope {
  /** Limit class, part of the key: `read`, `write`, `sign-in`. */
  name: string;
  /** Requests allowed per window; 0 turns the limit off. */
  limit: number;
  /** What identifies the caller within the class (hashed into the key). */
  parts: string[];
}

/**
 * The client's address truncated to IPv4 /24 or IPv6 /48; with ASSENT_TRUST_PROXY the last
 * X-Forwarded-For entry (the one the trusted proxy added). Null when the server adapter knows
 * no address (e.g. `app.request()` in tests): such a request is not limited.
 */
export function clientNetwork(c: Context<AppEnv>): string | null {
  const { config } = c.get('deps');
  if (config.security.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').pop()?.trim();
    if (forwarded) return truncateIp(forwarded);
  }
  try {
    return truncateIp(getConnInfo(c).remote.address);
  } catch {
    return null;
  }
}

/** The key stored for a scope: SHA-256 (hex, 32 chars), so no IP or device id is kept. */
export function rateLimitKey(name: string, parts: string[]): string {
  return hash('sha256', [name, ...parts].join('|'), 'hex').slice(0, 32);
}

/**
 * A middleware counting each request against `scope(c)` (skipped when it returns null or a
 * limit of 0) in a sliding window of `config.rateLimit.windowMs`.
 * @throws ApiError `rate_limited` (429) with a `Retry-After` header (seconds) over the limit.
 */
export function rateLimit(scope: (c: Context<AppEnv>) => Scope | null) {
  return createMiddleware<AppEnv>(async function rateLimit(c, next) {
    const s = scope(c);
    if (!s || s.limit <= 0) return next();
    const { database, config, clock } = c.get('deps');
    const now = clock();
    const windowMs = config.rateLimit.windowMs;
    const verdict = await rateLimiterFor(database.sql).hit({
      key: rateLimitKey(s.name, s.parts),
      limit: s.limit,
      windowMs,
      now,
    });
    if (Math.random() * SWEEP_ONE_IN < 1) {
      void sweepRateLimits(database.sql, now, windowMs).catch(() => {});
    }
    if (!verdict.allowed) {
      const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
      c.header('Retry-After', String(seconds));
      throw new ApiError('rate_limited', `Too many requests; retry in ${seconds} s.`);
    }
    return next();
  });
}

/**
 * Widget routes (`/v1/*` after `propertyAuth`): reads per property + network, writes per
 * property + network + device. Limits: ASSENT_RATE_LIMIT_READS / _WRITES per window.
 * Server routes (`/v1/server/*`, secret key) are not limited here.
 */
export function widgetRateLimit() {
  return rateLimit((c) => {
    if (c.req.path.startsWith('/v1/server/')) return null;
    const network = clientNetwork(c);
    const property = c.get('property');
    if (!network || !property) return null;
    const { rateLimit: limits } = c.get('deps').config;
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      return { name: 'read', limit: limits.reads, parts: [property.id, network] };
    }
    const device = widgetDevice(c) ?? '';
    return { name: 'write', limit: limits.writes, parts: [property.id, network, device] };
  });
}

/**
 * Portal sign-in (`/portal/api/sign-in/*`, class `sign-in`) and step-up codes
 * (`/portal/api/step-up/*`, class `step-up`, R7): per network, ASSENT_RATE_LIMIT_SIGN_IN per
 * window, each class counted apart. The per-address limit on mailed codes (portal-auth.ts)
 * cannot stop one network cycling through many addresses; this does.
 */
export function signInRateLimit(name: 'sign-in' | 'step-up' = 'sign-in') {
  return rateLimit((c) => {
    const network = clientNetwork(c);
    if (!network) return null;
    return { name, limit: c.get('deps').config.rateLimit.signIn, parts: [network] };
  });
}

/**
 * Staff sign-in (`/admin/api/sign-in`): per network, ASSENT_RATE_LIMIT_STAFF_SIGN_IN per
 * window (REQUIREMENTS S5), next to the per-address lockout of domain/staff-lockout.ts.
 */
export function staffSignInRateLimit() {
  return rateLimit((c) => {
    const network = clientNetwork(c);
    if (!network) return null;
    const limit = c.get('deps').config.rateLimit.staffSignIn;
    return { name: 'staff-sign-in', limit, parts: [network] };
  });
}
