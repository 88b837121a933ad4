// Transport security (procedure §2.1; REQUIREMENTS S4): in production, plain HTTP is refused
// unless a trusted proxy says the request came over TLS (`X-Forwarded-Proto: https`); HTTPS
// responses carry HSTS. The portal gets a strict Content-Security-Policy: only its own
// scripts, styles and API, no inline script, no framing.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../errors.ts';

/** HSTS: one year, subdomains included. */
export const HSTS = 'max-age=31536000; includeSubDomains';
/** The portal's policy (a single-page app served from the API's own origin). */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths a load balancer probes over plain HTTP inside the network. */
const PROBES = new Set(['/healthz']);

/**
 * Refuses plain HTTP in production (403 `tls_required`) unless `trustProxy` is set and the
 * proxy's `X-Forwarded-Proto` is `https`; adds HSTS to every production response.
 * Outside production it does nothing (local development runs on http://localhost).
 */
export function transportSecurity() {
  return createMiddleware<AppEnv>(async function transportSecurity(c, next) {
    const { config } = c.get('deps');
    if (!config.production) return next();
    const direct = new URL(c.req.url).protocol === 'https:';
    const forwarded =
      config.security.trustProxy &&
      c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
    if (!direct && !forwarded && !PROBES.has(c.req.path)) {
      throw new ApiError('tls_required', 'Use https:// (TLS 1.2 or newer).');
    }
    // Before the answer is built, so it joins it (see propertyAuth on late headers).
    c.header('Strict-Transport-Security', HSTS);
    await next();
  });
}

/** Sets the portal's strict Content-Security-Policy. */
export function portalCsp() {
  return createMiddleware<AppEnv>(async function portalCsp(c, next) {
    c.header('Content-Security-Policy', PORTAL_CSP);
    await next();
  });
}
