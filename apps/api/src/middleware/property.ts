// Public (widget) routes: identify the property by its publishable key and enforce its origin
// allow-list. CORS answers only allowed origins, with the exact origin (never `*` on a real
// request); credentials only when the API sets the device cookie itself (ASSENT_DEVICE_COOKIE).
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../context.ts';
import {
  configVersionOf,
  type PropertyRow,
  propertyByKeyCached,
  propertyByKeyVersioned,
} from '../domain/properties.ts';
import { DEVICE_ID } from '../domain/subjects.ts';
import { ApiError } from '../errors.ts';

/**
 * Routes served from the cached property: each calls `confirmPropertyVersion` with the version
 * its own query read, so one round trip answers them and no replica serves a stale property.
 */
const CONFIRMED_BY_ROUTE = new Set(['GET /v1/experience', 'GET /v1/consents', 'POST /v1/consents']);

/**
 * Refuses an origin the property does not allow, taking back the provisional CORS grant of
 * `widgetCors` so the refusal is not readable by that origin.
 * @throws ApiError `origin_not_allowed` (403) when `origin` is not on the property's list.
 */
function assertOrigin(c: Context<AppEnv>, property: PropertyRow, origin: string | undefined): void {
  if (origin && !property.allowedOrigins.includes(origin)) {
    c.header('Access-Control-Allow-Origin', undefined);
    c.header('Access-Control-Expose-Headers', undefined);
    throw new ApiError('origin_not_allowed', `Origin ${origin} is not allowed for this property.`);
  }
}

/**
 * The request's property, confirmed current: when `version` (the property's configuration
 * version read in the route's own query) differs from the one the cached row was read at,
 * reads the property again, checks the origin against it and replaces it on the context.
 * @throws ApiError `unauthorized` (401) when the key was removed meanwhile,
 *   `origin_not_allowed` (403) when the origin no longer is allowed.
 */
export async function confirmPropertyVersion(
  c: Context<AppEnv>,
  version: number,
): Promise<PropertyRow> {
  const property = c.get('property');
  if (configVersionOf(property) === version) return property;
  const fresh = await propertyByKeyVersioned(c.get('deps').database.db, property.publishableKey);
  if (!fresh) throw new ApiError('unauthorized', 'Unknown publishable key.');
  assertOrigin(c, fresh, c.req.header('origin'));
  c.set('property', fresh);
  return fresh;
}

const ALLOWED_HEADERS = 'Content-Type, X-Assent-Key, X-Assent-Device, Idempotency-Key, Sec-GPC';

/** The device cookie's name; the widget writes the same one when the API does not. */
export const DEVICE_COOKIE = 'assent_device';
/** 400 days, the longest cookie lifetime browsers keep (RFC 6265bis). */
export const DEVICE_COOKIE_MAX_AGE_S = 400 * 24 * 60 * 60;

/**
 * The widget's device id for this request: the `assent_device` cookie when the API sets it
 * (ASSENT_DEVICE_COOKIE=true) and the browser sent one, else `X-Assent-Device`, else the
 * `?device=` query parameter (which lets `GET /v1/experience` go without a CORS preflight).
 * Unvalidated: `deviceKey()` checks the format.
 */
export function widgetDevice(c: Context<AppEnv>): string | undefined {
  const fromCookie = c.get('deps').config.deviceCookie.enabled
    ? getCookie(c, DEVICE_COOKIE)
    : undefined;
  if (fromCookie && DEVICE_ID.test(fromCookie)) return fromCookie;
  return c.req.header('x-assent-device') ?? c.req.query('device');
}

/** `Set-Cookie` value of the server-set device cookie (Secure unless plain-HTTP localhost). */
function deviceCookie(c: Context<AppEnv>, id: string): string {
  const { config } = c.get('deps');
  const domain = config.deviceCookie.domain ? `; Domain=${config.deviceCookie.domain}` : '';
  const secure = config.secureCookies ? '; Secure' : '';
  return `${DEVICE_COOKIE}=${id}; Path=/; Max-Age=${DEVICE_COOKIE_MAX_AGE_S}; SameSite=Lax${domain}${secure}`;
}

/** Response headers a widget's script may read (RFC 9457 problems carry the rest in the body). */
const EXPOSED_HEADERS = 'Retry-After';

/**
 * CORS for the widget routes (`/v1/*` except `/v1/server/*`), registered before every check
 * that can refuse a request (body limit, key, rate limit), so that every answer, refusals
 * included, carries `Vary: Origin` and the widget's script can read the problem of a refusal
 * that reveals nothing about a property (unknown key, body too large, wrong method): a
 * provisional `Access-Control-Allow-Origin` echoing the origin, without credentials.
 * `propertyAuth` takes it back for an origin the property does not allow (403) and adds
 * credentials when the API sets the device cookie. Preflights (OPTIONS, which carry no key)
 * are answered here for any origin; the real request is then refused, with no grant.
 */
export function widgetCors() {
  return createMiddleware<AppEnv>(async function widgetCors(c, next) {
    if (c.req.path.startsWith('/v1/server/')) return next();
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') {
      const credentials = c.get('deps').config.deviceCookie.enabled;
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin ?? '*',
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': '86400',
        ...(credentials && origin ? { 'Access-Control-Allow-Credentials': 'true' } : {}),
        Vary: 'Origin',
      });
    }
    // Set before the route answers: headers set on a finished answer make Hono rebuild it
    // around a stream body, which costs the hot read more than the whole middleware chain.
    c.header('Vary', 'Origin', { append: true });
    if (origin) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    return next();
  });
}

/**
 * Resolves `X-Assent-Key` (or `?key=`) to a property and checks `Origin` against its
 * allowed origins (after `widgetCors`). A real request from an origin not on the list is
 * refused with 403 `origin_not_allowed` and carries no CORS grant. With
 * ASSENT_DEVICE_COOKIE=true a successful answer also sets the device cookie
 * (`assent_device`, 400 days, SameSite=Lax, `Domain` = ASSENT_COOKIE_DOMAIN) and allows
 * credentials for that exact origin, so a widget with `serverCookie: true` keeps its id in a
 * cookie Safari does not cap at 7 days.
 * @throws ApiError `unauthorized` (401) for a missing or unknown key.
 */
export function propertyAuth() {
  return createMiddleware<AppEnv>(async function propertyAuth(c, next) {
    const origin = c.req.header('origin');
    const credentials = c.get('deps').config.deviceCookie.enabled;
    // No route here (only middleware matched): answer 404 or 405, not a key error.
    if (!matchedRoutes(c).some((r) => r.method !== 'ALL')) return next();
    const key = c.req.header('x-assent-key') ?? c.req.query('key');
    if (!key)
      throw new ApiError('unauthorized', 'Send the publishable key in X-Assent-Key or ?key=.');
    const { db } = c.get('deps').database;
    // The hot widget routes take the property from the process cache and confirm its
    // configuration version in their own query (`confirmPropertyVersion`); the others read it.
    const cached = CONFIRMED_BY_ROUTE.has(`${c.req.method} ${c.req.path}`);
    let property = await (cached ? propertyByKeyCached : propertyByKeyVersioned)(db, key);
    // A cached row may predate a newly allowed origin: read it again before refusing.
    if (cached && property && origin && !property.allowedOrigins.includes(origin)) {
      property = await propertyByKeyVersioned(db, key);
    }
    if (!property) throw new ApiError('unauthorized', 'Unknown publishable key.');
    assertOrigin(c, property, origin);
    c.set('property', property);
    if (origin && credentials) c.header('Access-Control-Allow-Credentials', 'true');
    const device = credentials ? widgetDevice(c) : undefined;
    const cookie = device && DEVICE_ID.test(device);
    if (cookie) c.header('Set-Cookie', deviceCookie(c, device));
    await next();
    // Only a successful answer refreshes the device cookie.
    if (cookie && !c.res.ok) c.res.headers.delete('Set-Cookie');
  });
}
