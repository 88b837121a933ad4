// Serves the built widget (/sdk/*) and portal (/portal/*, with SPA fallback) when their
// dist folders exist; a production deployment may serve them from any static host instead.
// Text files go out compressed (brotli or gzip, as the client accepts), each encoding computed
// once per file and kept in memory: the bundles do not change while the process runs (a file
// rebuilt on disk, other mtime or size, is read and compressed again).
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, relative } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';
import { type Context, Hono } from 'hono';
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

/** Content codings the routes can send, best first. */
export type Encoding = 'br' | 'gzip';

const compressors: Record<Encoding, (raw: Uint8Array) => Promise<Uint8Array>> = {
  // Off the event loop (zlib's thread pool); maximum quality, since each file is done once.
  br: (raw) =>
    promisify(brotliCompress)(raw, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
        [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
        [zlib.BROTLI_PARAM_SIZE_HINT]: raw.byteLength,
      },
    }),
  gzip: (raw) => promisify(gzip)(raw, { level: zlib.Z_BEST_COMPRESSION }),
};

/**
 * The coding to send for an `Accept-Encoding` header (RFC 9110 §12.5.3): `br`, else `gzip`
 * (or its alias `x-gzip`), else null for the file as it is. A coding listed with `q=0` is
 * refused; `*` is not expanded.
 */
export function pickEncoding(acceptEncoding: string | undefined): Encoding | null {
  const accepted = new Set<string>();
  for (const item of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [coding = '', ...params] = item.split(';').map((x) => x.trim());
    const q = params.find((x) => x.startsWith('q='));
    if (coding && !(q && !(Number(q.slice(2)) > 0))) accepted.add(coding);
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('x-gzip')) return 'gzip';
  return null;
}

/** One file as read, with its compressed forms computed on first use. */
interface Asset {
  body: Uint8Array;
  type: string;
  /** A text type: sent compressed when that is accepted and smaller. */
  compressible: boolean;
  /** The compressed body per coding; null when compressing did not make it smaller. */
  encoded: Partial<Record<Encoding, Promise<Uint8Array | null>>>;
  /** The file's identity when read: a rebuilt file (other mtime or size) is read again. */
  mtimeMs: number;
  size: number;
}

/**
 * The files read so far under one dist folder, by absolute path. Bounded by the folder's
 * file count: only files that exist are kept.
 */
function assetCache() {
  const files = new Map<string, Asset>();

  /** Reads `file` under `root`, refusing paths that escape it; null when missing or a folder. */
  async function read(root: string, file: string): Promise<Asset | null> {
    const path = normalize(join(root, file));
    if (relative(root, path).startsWith('..')) return null;
    let info: Stats;
    try {
      info = await stat(path);
    } catch {
      return null;
    }
    if (!info.isFile()) return null;
    const known = files.get(path);
    if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known;
    let body: Uint8Array;
    try {
      body = await readFile(path);
    } catch {
      return null;
    }
    const ext = path.slice(path.lastIndexOf('.'));
    const asset: Asset = {
      body,
      type: TYPES[ext] ?? 'application/octet-stream',
      compressible: ext in TYPES,
      encoded: {},
      mtimeMs: info.mtimeMs,
      size: info.size,
    };
    files.set(path, asset);
    return asset;
  }
  return { read };
}

/**
 * The response for `asset` to `c`: compressed with the best coding the request accepts when
 * the type is text and compressing makes it smaller, with `Vary: Accept-Encoding` on every
 * text response (so a shared cache keeps the forms apart); plain otherwise.
 */
async function send(
  c: Context<AppEnv>,
  asset: Asset,
  headers: Record<string, string>,
): Promise<Response> {
  const out: Record<string, string> = { ...headers, 'content-type': asset.type };
  let body = asset.body;
  if (asset.compressible) {
    out.vary = 'Accept-Encoding';
    const coding = pickEncoding(c.req.header('accept-encoding'));
    if (coding) {
      // A failed compression is remembered as "send it plain", never as an error.
      asset.encoded[coding] ??= compressors[coding](asset.body).then(
        (z) => (z.byteLength < asset.body.byteLength ? z : null),
        () => null,
      );
      const compressed = await asset.encoded[coding];
      if (compressed) {
        body = compressed;
        out['content-encoding'] = coding;
      }
    }
  }
  return c.body(body as Uint8Array<ArrayBuffer>, 200, out);
}

/**
 * Static routes for the widget and portal bundles, each from its dist folder when given:
 * `/sdk/*` (5 min cache, any origin) and `/portal/*` (hashed assets cached for a year, other
 * paths fall back to index.html). Text files are sent brotli- or gzip-compressed when accepted.
 */
export function staticRoutes(assets: {
  sdkDist?: string | undefined;
  portalDist?: string | undefined;
}) {
  const app = new Hono<AppEnv>();
  const { sdkDist, portalDist } = assets;
  const { read } = assetCache();
  if (sdkDist) {
    app.get('/sdk/:file{.+}', async (c) => {
      const found = await read(sdkDist, c.req.param('file'));
      if (!found) return c.notFound();
      return send(c, found, {
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
        (file && (await read(portalDist, file))) || (await read(portalDist, 'index.html'));
      if (!found) return c.notFound();
      return send(c, found, {
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
