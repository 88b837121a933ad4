// createApp(deps): the whole HTTP surface. Tests build the same app with a fake clock and a
// real database; main.ts serves it.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { matchedRoutes } from 'hono/route';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv, Deps } from './context.ts';
import { ApiError, problem } from './errors.ts';
import { propertyAuth, widgetCors } from './middleware/property.ts';
import { signInRateLimit, widgetRateLimit } from './middleware/rate-limit.ts';
import { wellFormedText } from './middleware/well-formed.ts';
import { adminRoutes } from './routes/admin/index.ts';
import { consentRoutes } from './routes/consents.ts';
import { dataProviderRoutes } from './routes/data-providers.ts';
import { devRoutes } from './routes/dev.ts';
import { docsRoutes } from './routes/docs.ts';
import { experienceRoutes } from './routes/experience.ts';
import { identifyRoutes } from './routes/identify.ts';
import { portalRoutes } from './routes/portal.ts';
import { portalAccountRoutes } from './routes/portal-account.ts';
import { portalHistoryRoutes } from './routes/portal-history.ts';
import { portalReconfirmRoutes } from './routes/portal-reconfirm.ts';
import { portalRequestRoutes } from './routes/portal-requests.ts';
import { jwksRoutes, receiptRoutes } from './routes/receipts.ts';
import { IMPORT_MAX_BODY_BYTES } from './routes/server/import.ts';
import { serverRoutes } from './routes/server/index.ts';
import { staticRoutes } from './routes/static.ts';
import { registerWebhookEvents, webhookRoutes } from './routes/webhooks.ts';
import { portalCsp, transportSecurity } from './security/transport.ts';

/** Methods that carry no body (the body limit is skipped for them). */
const BODILESS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Largest request body accepted (bytes). */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Logs without personal data: method, the matched route's pattern (`/v1/server/subjects/:externalId/consents`,
 * never the path itself, which can carry a user id; no query), status, duration (ms), request id.
 */
function logLine(method: string, path: string, status: number, ms: number, id: string) {
  return `${method} ${path} ${status} ${ms.toFixed(1)}ms ${id}`;
}

/**
 * Builds the Assent API.
 * Routes: `/v1/*` public (publishable key + origin allow-list), `/portal/api/*` portal
 * (session cookie + CSRF header), `/openapi.json`, `/dev/*` (development only),
 * `/sdk/*` and `/portal/*` static bundles when `deps.assets` names them.
 */
export function createApp(deps: Deps, log: (line: string) => void = () => {}) {
  const app = new OpenAPIHono<AppEnv>();

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    c.set('deps', deps);
    await next();
    log(
      logLine(
        c.req.method,
        matchedRoutes(c).findLast((r) => r.method !== 'ALL')?.path ?? '(no route)',
        c.res.status,
        performance.now() - started,
        c.get('requestId'),
      ),
    );
  });
  app.use(transportSecurity());
  // Widget CORS first, so that every refusal below (body limit, key, origin, rate limit,
  // unknown route) is readable by an allowed origin's widget and carries Vary: Origin.
  app.use('/v1/*', widgetCors());
  // JSON bodies are small (a batch is at most 50 decisions): refuse anything larger before
  // parsing. A server import (200 records) may take up to IMPORT_MAX_BODY_BYTES.
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) =>
        problem(c, new ApiError('payload_too_large', `Bodies are limited to ${maxSize} bytes.`)),
    });
  const limitBody = limit(MAX_BODY_BYTES);
  const limitImport = limit(IMPORT_MAX_BODY_BYTES);
  // Only for methods that carry a body: on a GET the check would make the Node adapter build
  // a full Request object for nothing (measurable on the experience read).
  // Then text that cannot be stored as sent is refused (well-formed.ts).
  const wellFormed = wellFormedText();
  app.use((c, next) => {
    if (BODILESS.has(c.req.method)) return next();
    const limited = c.req.path === '/v1/server/import' ? limitImport : limitBody;
    return limited(c, async () => {
      await wellFormed(c, next);
    });
  });
  // HSTS comes from transportSecurity (production only, one policy for every answer).
  app.use(
    '/portal/*',
    secureHeaders({ crossOriginResourcePolicy: 'same-origin', strictTransportSecurity: false }),
  );
  app.use('/portal/*', portalCsp());

  // The product's backend (secret key), mounted before the widget's /v1/* middleware so the
  // publishable-key, origin and widget rate-limit checks never run for it.
  app.route('/v1/server', serverRoutes);
  app.route('/v1/server', webhookRoutes); // behind serverRoutes' secret-key middleware
  registerWebhookEvents(app.openAPIRegistry);
  app.route('/v1/server', dataProviderRoutes); // behind serverRoutes' secret-key middleware
  app.use('/v1/*', propertyAuth());
  app.use('/v1/*', widgetRateLimit());
  app.use('/portal/api/sign-in/*', signInRateLimit());
  app.use('/portal/api/step-up/*', signInRateLimit('step-up'));
  app.route('/v1', experienceRoutes);
  app.route('/v1', consentRoutes);
  app.route('/v1', identifyRoutes);
  app.route('/v1', receiptRoutes);
  app.route('/portal/api', portalRoutes);
  app.route('/portal/api', portalRequestRoutes);
  app.route('/portal/api', portalAccountRoutes);
  app.route('/portal/api', portalHistoryRoutes);
  app.route('/portal/api', portalReconfirmRoutes);
  app.route('/admin/api', adminRoutes);
  if (deps.config.devMailbox) app.route('/dev', devRoutes);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Assent API',
      version: '0.1.0',
      description:
        'Consent evidence and privacy preferences. Errors are RFC 9457 application/problem+json with a stable `code`.',
    },
  });
  app.route('/docs', docsRoutes('/openapi.json'));
  app.route('/', jwksRoutes);
  app.get('/healthz', (c) => c.json({ ok: true, database: deps.database.kind }));
  app.route('/', staticRoutes(deps.assets ?? {}));

  app.notFound((c) => {
    // RFC 9110 §15.5.6: a path that exists under other methods answers 405 with `Allow`.
    const allow = allowedMethods(app, c.req.path);
    if (allow.length > 0 && !allow.includes(c.req.method)) {
      c.header('Allow', allow.join(', '));
      return problem(
        c,
        new ApiError(
          'method_not_allowed',
          `${c.req.method} is not allowed on ${c.req.path}; use ${allow.join(' or ')}.`,
        ),
      );
    }
    return problem(c, new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}.`));
  });
  app.onError((err, c) => {
    if (err instanceof ApiError) return problem(c, err);
    if (err instanceof HTTPException && err.status < 500) {
      return problem(c, new ApiError('invalid_request', err.message));
    }
    // Text Postgres cannot store (NUL, invalid encoding) is bad input, not a server fault; the
    // failed statement wrote nothing.
    if (UNSTORABLE_TEXT.has(sqlState(err) ?? '')) {
      return problem(
        c,
        new ApiError(
          'invalid_request',
          'A text value contains a character that cannot be stored (e.g. NUL).',
        ),
      );
    }
    log(`error ${c.get('requestId')}: ${describeError(err)}`);
    return problem(c, new ApiError('internal_error'));
  });
  return app;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * The methods a route (not a middleware) answers on `path`, e.g. `['GET', 'HEAD', 'POST']`;
 * empty when no route has the path. HEAD is answered wherever GET is.
 */
function allowedMethods(app: OpenAPIHono<AppEnv>, path: string): string[] {
  // The portal's SPA fallback (GET /portal/*) passes every /portal/api/ path on: it makes no
  // method allowed there, so an unknown portal API path is 404 whatever the method.
  const api = path.startsWith('/portal/api/');
  return METHODS.filter((method) => {
    const m = method === 'HEAD' ? 'GET' : method;
    return app.router
      .match(m, path)[0]
      .some(([[, route]]) => route.method === m && !(api && route.path === '/portal/*'));
  });
}

/** SQLSTATEs of text the database cannot store: 22021 character_not_in_repertoire (NUL), 22P05. */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

/** The Postgres SQLSTATE of an error or of one of its causes (drizzle wraps driver errors). */
function sqlState(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 3; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = e.cause;
  }
  return undefined;
}

/**
 * A log-safe description of an unexpected error: class names and Postgres SQLSTATE codes only.
 * Messages are left out because driver messages can quote parameters (personal data).
 */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 3; depth++) {
    const code = (e as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${e.name}(${code})` : e.name);
    if (process.env.ASSENT_DEBUG_ERRORS === '1') parts.push(e.message);
    e = e.cause;
  }
  return parts.join(' <- ') || 'unknown';
}

export type App = ReturnType<typeof createApp>;
