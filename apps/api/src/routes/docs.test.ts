// /openapi.json is a valid OpenAPI 3.1 document; /docs renders the reference without any
// resource from outside this API (it must work offline).
import { compileErrors, validate } from '@readme/openapi-parser';
import { createWorkspaceStore } from '@scalar/workspace-store/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing.ts';
import { DOCS_SCRIPT_PATH } from './docs.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

describe('/openapi.json', () => {
  it('validates as OpenAPI 3.1; the widget routes document their problem+json errors', async () => {
    const res = await t.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([, p]) => Object.values(p));
    expect(operations.length).toBeGreaterThanOrEqual(3);
    for (const op of operations) {
      expect(Object.keys(op.responses)).toContain('400');
      expect(op.responses['400']?.content).toHaveProperty(['application/problem+json']);
    }
  });

  it('the validator rejects a broken document (the check can fail)', async () => {
    const res = await t.app.request('/openapi.json');
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    doc.paths['/broken'] = { get: { responses: 'not-an-object' } };
    const result = await validate(doc as never);
    expect(result.valid).toBe(false);
  });
});

/** The parts of /openapi.json the security checks read. */
type SecurityDoc = {
  paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
  components?: { securitySchemes?: Record<string, Record<string, unknown>> };
};

/**
 * Every operation under /v1 outside /v1/server that does not require the publishable key
 * (one of its security requirements names `publishableKey`), as `METHOD path`; empty when all do.
 */
function widgetOperationsWithoutKey(doc: SecurityDoc): string[] {
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/v1/') && !path.startsWith('/v1/server/'))
    .flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => !(op.security ?? []).some((req) => 'publishableKey' in req))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
}

describe('/openapi.json declares how the widget routes authenticate (the /docs "Try it" client)', () => {
  it('every /v1 route outside /v1/server requires publishableKey, an apiKey in header X-Assent-Key', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as SecurityDoc;
    const widgetPaths = Object.keys(doc.paths).filter(
      (p) => p.startsWith('/v1/') && !p.startsWith('/v1/server/'),
    );
    for (const p of ['/v1/experience', '/v1/consents', '/v1/identify', '/v1/receipts/{eventId}'])
      expect(widgetPaths).toContain(p);
    expect(widgetOperationsWithoutKey(doc)).toEqual([]);
    const schemes = doc.components?.securitySchemes ?? {};
    expect(schemes.publishableKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-Assent-Key',
    });
    expect(schemes.device).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Assent-Device' });
    // The routes that read a device id require it too.
    for (const [path, method] of [
      ['/v1/experience', 'get'],
      ['/v1/consents', 'post'],
      ['/v1/consents', 'get'],
      ['/v1/identify', 'post'],
      ['/v1/receipts/{eventId}', 'get'],
    ] as const)
      expect(doc.paths[path]?.[method]?.security, `${method} ${path}`).toEqual([
        { publishableKey: [], device: [] },
      ]);
    // The server routes keep their secret key and never take the publishable one.
    const server = Object.entries(doc.paths).filter(([p]) => p.startsWith('/v1/server/'));
    expect(server.length).toBeGreaterThan(0);
    for (const [, ops] of server)
      for (const op of Object.values(ops))
        expect(op.security?.some((req) => 'publishableKey' in req)).not.toBe(true);
  });

  it('the check can fail: a widget route without security is named', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as SecurityDoc;
    const identify = doc.paths['/v1/identify']?.post;
    if (!identify) throw new Error('no POST /v1/identify');
    delete identify.security;
    expect(widgetOperationsWithoutKey(doc)).toEqual(['POST /v1/identify']);
  });
});

/**
 * What /docs does with the document in the browser: Scalar's workspace store loads it and
 * checks it against Scalar's own OpenAPI schema, warning "document validation errors" with
 * the paths it refused. @returns those paths (empty when Scalar accepts the document).
 */
async function scalarRefuses(doc: Record<string, unknown>): Promise<string[]> {
  const warn = console.warn;
  const info = console.info;
  const refused: string[] = [];
  console.warn = (...args: unknown[]) => {
    for (const a of args)
      if (Array.isArray(a)) for (const e of a) refused.push(String((e as { path: unknown }).path));
  };
  console.info = () => {}; // the store's timing lines
  try {
    await createWorkspaceStore().addDocument({ name: 'api', document: structuredClone(doc) });
  } finally {
    console.warn = warn;
    console.info = info;
  }
  return refused;
}

describe('/openapi.json in the reference (Scalar)', () => {
  it('loads without document validation errors (PortalPurpose, StaffAlert were refused)', async () => {
    const doc = await (await t.app.request('/openapi.json')).json();
    expect(await scalarRefuses(doc)).toEqual([]);
  });

  it('PortalPurpose says which fields may be null, without allOf around a $ref', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      components: { schemas: Record<string, { properties: Record<string, { type?: unknown }> }> };
    };
    const { properties } = doc.components.schemas.PortalPurpose ?? { properties: {} };
    for (const field of ['agreedNotice', 'agreedNoticeFile', 'source'])
      expect(properties[field]?.type, field).toContain('null');
  });

  it('the check can fail: the nullable-$ref rendering it replaced is refused', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const purpose = doc.components.schemas.PortalPurpose;
    if (!purpose) throw new Error('no PortalPurpose');
    purpose.properties.source = {
      allOf: [{ $ref: '#/components/schemas/ConsentSource' }, { type: ['string', 'null'] }],
    };
    expect(await scalarRefuses(doc)).toContain('/components/schemas/PortalPurpose');
  });
});

describe('/docs', () => {
  it('serves the API reference page pointing at /openapi.json, with no external script or font', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain(`<script src="${DOCS_SCRIPT_PATH}">`);
    expect(html).toContain('"url": "/openapi.json"');
    expect(html).toContain('"withDefaultFonts": false');
    // Every script and stylesheet comes from this origin.
    const external = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((m) => m[1] ?? '')
      .filter((u) => /^(https?:)?\/\//.test(u));
    expect(external).toEqual([]);
  });

  it('serves the Scalar bundle itself, gzip when accepted', async () => {
    const raw = await t.app.request(DOCS_SCRIPT_PATH);
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/javascript/);
    const body = await raw.text();
    expect(body.length).toBeGreaterThan(1_000_000);
    expect(body).toContain('createApiReference');
    const gz = await t.app.request(DOCS_SCRIPT_PATH, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect((await gz.arrayBuffer()).byteLength).toBeLessThan(body.length / 2);
  });
});
