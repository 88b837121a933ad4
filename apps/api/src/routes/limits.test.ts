// Input limits and routing edges: oversized bodies and unknown portal API routes answer
// problem+json, never a 500 or an HTML page.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { ImportOutput, Problem } from '@assent/contract';
import { schema } from '@assent/db';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, MAX_BODY_BYTES } from '../app.ts';
import { loadConfig } from '../env.ts';
import { DEMO_SECRET_KEY } from '../seed/demo-property.ts';
import { createTestApp, type TestApp } from '../testing.ts';
import { CSRF_VALUE } from './portal.ts';
import { pickEncoding, staticRoutes } from './static.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

/** POSTs a batch for `device` to /v1/consents. */
const postBatch = (device: string, body: unknown) =>
  t.app.request('/v1/consents', {
    method: 'POST',
    headers: t.widgetHeaders(device),
    body: JSON.stringify(body),
  });

/** The device's analytics status as GET /v1/consents reports it. */
async function analyticsStatus(device: string) {
  const res = await t.app.request('/v1/consents', { headers: t.widgetHeaders(device) });
  return ((await res.json()) as { consents: Record<string, { status: string }> }).consents.analytics
    ?.status;
}

/** POSTs raw bytes (a JSON body, as sent) to a server route with the secret key. */
const postServer = (path: string, body: BodyInit) =>
  t.app.request(`/v1/server${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_SECRET_KEY}`, 'content-type': 'application/json' },
    body,
  });

/** `json` as UTF-8 bytes, with `raw` (bytes that need not be UTF-8) in place of the marker `@@`. */
function withRawBytes(json: string, raw: number[]): Uint8Array<ArrayBuffer> {
  const [before = '', after = ''] = json.split('@@');
  return new Uint8Array(Buffer.concat([Buffer.from(before), Buffer.from(raw), Buffer.from(after)]));
}

/** One import record; `over` replaces fields. */
const importRecord = (over: Record<string, unknown> = {}) => ({
  id: `crm-${crypto.randomUUID()}`,
  externalId: `user_${crypto.randomUUID()}`,
  purpose: 'marketing_email',
  decision: 'granted',
  collectedAt: new Date(t.clock.now() - 86_400_000).toISOString(),
  provenance: { system: 'crm', reference: 'newsletter' },
  ...over,
});

/** Rows of the evidence tables (consent events, import provenance). */
async function evidenceRows() {
  const db = t.database.db;
  return {
    events: (await db.select({ id: schema.consentEvents.id }).from(schema.consentEvents)).length,
    imports: (await db.select({ id: schema.consentImports.eventId }).from(schema.consentImports))
      .length,
  };
}

describe('limits', () => {
  it('refuses text the database cannot store (a NUL character) with 400, writing nothing', async () => {
    const device = t.newDevice();
    const body = await t.decisionBody(device, 'analytics', 'granted', {
      source: 'banner',
      surface: 'banner\u0000accept',
    });
    const res = await postBatch(device, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(Problem.parse(await res.json()).code).toBe('invalid_request');
    expect(await analyticsStatus(device)).toBe('unset');
  });

  it('P1: refuses text that is not well-formed Unicode (a lone surrogate) instead of storing U+FFFD', async () => {
    const device = t.newDevice();
    const lone = await t.decisionBody(device, 'analytics', 'granted', {
      source: 'banner',
      surface: 'banner\ud800',
    });
    const res = await postBatch(device, lone);
    expect(res.status).toBe(400);
    const problemBody = Problem.parse(await res.json());
    expect(problemBody.code).toBe('invalid_request');
    expect(problemBody.errors?.[0]?.path).toBe('json.surface');
    expect(await analyticsStatus(device)).toBe('unset');
    // A well-formed pair (an emoji) is text like any other.
    const pair = await t.decisionBody(device, 'analytics', 'granted', {
      source: 'banner',
      surface: 'banner\u{1F44D}',
    });
    expect((await postBatch(device, pair)).status).toBe(201);
  });

  it('P1: refuses a JSON body that is not valid UTF-8 (widget batch, server import) instead of storing U+FFFD', async () => {
    const device = t.newDevice();
    const batch = JSON.stringify(
      await t.decisionBody(device, 'analytics', 'granted', { source: 'banner', surface: 'w@@b' }),
    );
    const imported = JSON.stringify({
      records: [importRecord({ provenance: { system: 'crm', reference: 'form @@ 2025' } })],
    });
    const before = await evidenceRows();
    // 0xFF 0xFE (never UTF-8), a truncated sequence, an encoded surrogate (CESU-8), an overlong "/".
    for (const raw of [[0xff, 0xfe], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      for (const res of [
        await t.app.request('/v1/consents', {
          method: 'POST',
          headers: t.widgetHeaders(device),
          body: withRawBytes(batch, raw),
        }),
        await postServer('/import', withRawBytes(imported, raw)),
      ]) {
        expect(res.status, `${raw}`).toBe(400);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        const body = Problem.parse(await res.json());
        expect(body.code).toBe('invalid_request');
        expect(body.errors?.[0]?.path).toBe('json');
      }
    }
    expect(await evidenceRows()).toEqual(before);
    expect(await analyticsStatus(device)).toBe('unset');
  });

  it('P1: stores multi-byte UTF-8 text (Chinese, emoji, escaped surrogate pairs) exactly as sent', async () => {
    const device = t.newDevice();
    const surface = '横幅_同意_👍';
    const res = await postBatch(
      device,
      await t.decisionBody(device, 'analytics', 'granted', {
        source: 'banner',
        surface,
        locale: 'zh-CN',
      }),
    );
    expect(res.status).toBe(201);
    expect(await analyticsStatus(device)).toBe('granted');
    const [event] = await t.database.db
      .select({ surface: schema.consentEvents.surface, locale: schema.consentEvents.locale })
      .from(schema.consentEvents)
      .where(eq(schema.consentEvents.surface, surface));
    expect(event).toEqual({ surface, locale: 'zh-CN' });

    // A pair written as escapes (as Python's json.dumps sends it) is the same well-formed text.
    const reference = '线下表格 — 签名 ✍️ 👍';
    const record = importRecord({ provenance: { system: 'paper-form', reference } });
    const escaped = JSON.stringify({ records: [record] }).replace('👍', '\\ud83d\\udc4d');
    expect(escaped).toContain('\\ud83d\\udc4d');
    const imp = await postServer('/import', escaped);
    expect(imp.status).toBe(200);
    const { results } = ImportOutput.parse(await imp.json());
    const [row] = await t.database.db
      .select({ provenance: schema.consentImports.provenance })
      .from(schema.consentImports)
      .where(eq(schema.consentImports.eventId, results[0]?.eventId ?? ''));
    expect(row?.provenance).toEqual({ system: 'paper-form', reference });
  });

  it('answers malformed JSON with 400 invalid_request, with or without a surrogate escape', async () => {
    const device = t.newDevice();
    for (const body of ['{"decisions":', '{"surface":"\\ud800"', '']) {
      const res = await t.app.request('/v1/consents', {
        method: 'POST',
        headers: t.widgetHeaders(device),
        body,
      });
      expect(res.status, body).toBe(400);
      const problemBody = Problem.parse(await res.json());
      expect(problemBody.code).toBe('invalid_request');
      expect(problemBody.detail).toBe('Malformed JSON in request body');
    }
  });

  it('refuses a body over the limit with 413 before parsing it', async () => {
    const huge = JSON.stringify({ decisions: [], pad: 'x'.repeat(MAX_BODY_BYTES) });
    const res = await t.app.request('/v1/consents', {
      method: 'POST',
      headers: { ...t.widgetHeaders(t.newDevice()), 'content-length': String(huge.length) },
      body: huge,
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(Problem.parse(await res.json()).code).toBe('payload_too_large');
  });

  it('a wrong method on an existing route answers 405 with Allow; an unknown path 404', async () => {
    const wrong = await t.app.request('/v1/experience', {
      method: 'POST',
      headers: t.widgetHeaders(t.newDevice()),
      body: '{}',
    });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect(Problem.parse(await wrong.json()).code).toBe('method_not_allowed');
    const del = await t.app.request('/v1/consents', {
      method: 'DELETE',
      headers: t.widgetHeaders(t.newDevice()),
    });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD, POST');
    // Server routes check the secret key first (401 without it), then the method.
    expect((await t.app.request('/v1/server/may', { method: 'GET' })).status).toBe(401);
    const server = await t.app.request('/v1/server/may', {
      method: 'GET',
      headers: { authorization: `Bearer ${DEMO_SECRET_KEY}` },
    });
    expect(server.status).toBe(405);
    expect(server.headers.get('allow')).toBe('POST');
    for (const [method, path] of [
      ['POST', '/v1/nope'],
      ['GET', '/v1/nope'],
      ['DELETE', '/nope'],
    ] as const) {
      const res = await t.app.request(path, { method, headers: t.widgetHeaders(t.newDevice()) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(Problem.parse(await res.json()).code).toBe('not_found');
    }
  });

  it('serves the portal SPA for its pages but never for an unknown /portal/api route', async () => {
    const portalDist = mkdtempSync(join(tmpdir(), 'assent-portal-'));
    writeFileSync(join(portalDist, 'index.html'), '<!doctype html><title>portal</title>');
    const app = new Hono().route('/', staticRoutes({ portalDist }));
    const page = await app.request('/portal/requests');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>portal</title>');
    expect((await app.request('/portal/api/nope')).status).toBe(404);
    // Through the whole app (serving the portal) the miss is a problem+json 404, whatever the
    // method: the SPA fallback allows no method on an API path (it used to answer 405 GET, HEAD).
    const whole = createApp({
      database: t.database,
      config: loadConfig({ NODE_ENV: 'test' }),
      clock: t.clock.now,
      mailer: { send: async () => {} },
      keyring: t.keyring,
      assets: { portalDist },
    });
    expect((await whole.request('/portal/requests')).status).toBe(200);
    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await whole.request('/portal/api/nope', {
        method,
        headers: { 'x-requested-with': CSRF_VALUE }, // past the portal's CSRF check
      });
      expect(res.status, method).toBe(404);
      expect(Problem.parse(await res.json()).code).toBe('not_found');
    }
    // A page path keeps its 405 for a wrong method.
    const post = await whole.request('/portal/requests', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves the widget and portal bundles gzip- or brotli-compressed when accepted, plain otherwise', async () => {
    // A bundle-like script: repetitive enough to compress, varied enough to be realistic.
    const script = Buffer.from(
      Array.from(
        { length: 800 },
        (_, i) =>
          `function f${i}(a){return a.map((x)=>x*${i}).filter(Boolean).join("${i % 7}");}\n`,
      ).join(''),
    );
    const sdkDist = mkdtempSync(join(tmpdir(), 'assent-sdk-'));
    writeFileSync(join(sdkDist, 'assent.js'), script);
    writeFileSync(join(sdkDist, 'tiny.js'), 'x');
    const portalDist = mkdtempSync(join(tmpdir(), 'assent-portal-'));
    mkdirSync(join(portalDist, 'assets'));
    writeFileSync(join(portalDist, 'assets', 'app-1a2b.js'), script);
    writeFileSync(
      join(portalDist, 'index.html'),
      `<!doctype html><title>portal</title>${'<p>x</p>'.repeat(300)}`,
    );
    const app = new Hono().route('/', staticRoutes({ sdkDist, portalDist }));
    const get = async (path: string, acceptEncoding?: string) => {
      const res = await app.request(
        path,
        acceptEncoding === undefined ? {} : { headers: { 'accept-encoding': acceptEncoding } },
      );
      expect(res.status, path).toBe(200);
      return { res, bytes: Buffer.from(await res.arrayBuffer()) };
    };

    for (const path of ['/sdk/assent.js', '/portal/assets/app-1a2b.js']) {
      // Twice: the second answer comes from the in-memory copy and must be the same.
      for (let i = 0; i < 2; i++) {
        const gz = await get(path, 'gzip, deflate');
        expect(gz.res.headers.get('content-encoding')).toBe('gzip');
        expect(gz.res.headers.get('vary')).toBe('Accept-Encoding');
        expect(gz.res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
        expect(gz.bytes.length).toBeLessThan(script.length / 3);
        expect(gunzipSync(gz.bytes).equals(script)).toBe(true);
      }
      const br = await get(path, 'gzip, deflate, br, zstd');
      expect(br.res.headers.get('content-encoding')).toBe('br');
      expect(brotliDecompressSync(br.bytes).equals(script)).toBe(true);
      for (const accept of [undefined, 'identity', 'gzip;q=0, br;q=0']) {
        const plain = await get(path, accept);
        expect(plain.res.headers.get('content-encoding'), String(accept)).toBeNull();
        expect(plain.res.headers.get('vary')).toBe('Accept-Encoding');
        expect(plain.bytes.equals(script)).toBe(true);
      }
    }
    // The SPA fallback page is compressed too, and keeps its headers.
    const page = await get('/portal/requests', 'gzip');
    expect(page.res.headers.get('content-encoding')).toBe('gzip');
    expect(page.res.headers.get('cache-control')).toBe('no-cache');
    expect(gunzipSync(page.bytes).toString()).toContain('<title>portal</title>');
    // A file compression would not shrink goes out as it is.
    const tiny = await get('/sdk/tiny.js', 'gzip');
    expect(tiny.res.headers.get('content-encoding')).toBeNull();
    expect(tiny.bytes.toString()).toBe('x');
  });

  it('picks br, then gzip, honouring q=0 (RFC 9110 §12.5.3)', () => {
    expect(pickEncoding('gzip, deflate, br')).toBe('br');
    expect(pickEncoding('gzip')).toBe('gzip');
    expect(pickEncoding('x-gzip')).toBe('gzip');
    expect(pickEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(pickEncoding('GZIP ; q=1')).toBe('gzip');
    expect(pickEncoding('gzip;q=0')).toBeNull();
    expect(pickEncoding('identity')).toBeNull();
    expect(pickEncoding('')).toBeNull();
    expect(pickEncoding(undefined)).toBeNull();
  });
});
