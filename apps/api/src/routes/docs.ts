// GET /docs: the interactive API reference (Scalar) for /openapi.json. Works offline: the
// Scalar bundle is served by the API itself from node_modules, never from a CDN, and the
// reference is told to load no web fonts and send no telemetry.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';

/** Where the page loads the Scalar bundle from (served below, same origin). */
export const DOCS_SCRIPT_PATH = '/docs/scalar.js';

const require = createRequire(import.meta.url);

let bundle: Promise<{ raw: Uint8Array; gzip: Uint8Array }> | undefined;

/** The standalone browser bundle of `@scalar/api-reference` (~3.5 MB raw), read and gzipped once. */
function scalarBundle() {
  bundle ??= readFile(require.resolve('@scalar/api-reference/browser/standalone.js')).then(
    (raw) => ({ raw, gzip: gzipSync(raw) }),
  );
  return bundle;
}

/**
 * Routes mounted at `/docs`: `GET /docs` (HTML page) and `GET /docs/scalar.js` (the bundle,
 * gzip when accepted, cached for a day).
 */
export function docsRoutes(openapiPath = '/openapi.json') {
  const app = new Hono<AppEnv>();
  app.get(
    '/',
    Scalar({
      url: openapiPath,
      cdn: DOCS_SCRIPT_PATH,
      pageTitle: 'Assent API reference',
      withDefaultFonts: false,
      telemetry: false,
      showDeveloperTools: 'never',
      agent: { disabled: true },
    }),
  );
  app.get('/scalar.js', async (c) => {
    const { raw, gzip } = await scalarBundle();
    const gzipped = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    const body = (gzipped ? gzip : raw) as Uint8Array<ArrayBuffer>;
    return c.body(body, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
      vary: 'Accept-Encoding',
      ...(gzipped ? { 'content-encoding': 'gzip' } : {}),
    });
  });
  return app;
}
