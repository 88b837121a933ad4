// Serves the built widget (/sdk/*) and portal (/portal/*, with SPA fallback) when their
// dist folders exist; a production deployment may serve them from any static host instead.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, normalize, relative } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** Reads `file` under `root`, refusing paths that escape it; null when missing. */
async function readUnder(
  root: string,
  file: string,
): Promise<{ body: Uint8Array; type: string } | null> {
  const path = normalize(join(root, file));
  if (relative(root, path).startsWith('..')) return null;
  if (!existsSync(path)) return null;
  try {
    const body = await readFile(path);
    const ext = path.slice(path.lastIndexOf('.'));
    return { body, type: TYPES[ext] ?? 'application/octet-stream' };
  } catch {
    return null; // a directory
  }
}

/** Static routes for the widget and portal bundles. */
export function staticRoutes(assets: {
  sdkDist?: string | undefined;
  portalDist?: string | undefined;
}) {
  const app = new Hono<AppEnv>();
  const { sdkDist, portalDist } = assets;
  if (sdkDist) {
    app.get('/sdk/:file{.+}', async (c) => {
      const found = await readUnder(sdkDist, c.req.param('file'));
      if (!found) return c.notFound();
      return c.body(found.body as Uint8Array<ArrayBuffer>, 200, {
        'content-type': found.type,
        'cache-control': 'public, max-age=300',
        'access-control-allow-origin': '*',
        'cross-origin-resource-policy': 'cross-origin',
      });
    });
  }
  if (portalDist) {
    app.get('/portal', (c) => c.redirect('/portal/'));
    app.get('/portal/*', async (c, next) => {
      if (c.req.path.startsWith('/portal/api/')) return next(); // unknown API routes stay 404 problem+json
      const file = c.req.path.replace(/^\/portal\/?/, '');
      const found =
        (file && (await readUnder(portalDist, file))) ||
        (await readUnder(portalDist, 'index.html'));
      if (!found) return c.notFound();
      return c.body(found.body as Uint8Array<ArrayBuffer>, 200, {
        'content-type': found.type,
        'cache-control': file.startsWith('assets/')
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
        'x-frame-options': 'DENY',
        'referrer-policy': 'same-origin',
      });
    });
  }
  return app;
}
