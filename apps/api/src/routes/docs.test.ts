// /openapi.json is a valid OpenAPI 3.1 document; /docs renders the reference without any
// resource from outside this API (it must work offline); every route says how it authenticates.
import { isDeepStrictEqual } from 'node:util';
import { compileErrors, validate } from '@readme/openapi-parser';
import { createWorkspaceStore } from '@scalar/workspace-store/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing.ts';
import { DOCS_SCRIPT_PATH } from './docs.ts';
import { CSRF_HEADER, CSRF_VALUE, SESSION_COOKIE } from './portal.ts';

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
 * The /portal/api paths whose routes run without `requireSession` (routes/portal*.ts): signing
 * in, signing out (ends the cookie's session if any) and the portal's public settings. Every
 * other portal route needs the session cookie. The test below checks this list against the
 * middleware itself.
 */
const PORTAL_NO_SESSION = [
  '/portal/api/config',
  '/portal/api/sign-in/start',
  '/portal/api/sign-in/verify',
  '/portal/api/sign-in/link',
  '/portal/api/sign-out',
];

/**
 * The security requirement a portal operation must declare: `portalSession` unless its path is
 * in PORTAL_NO_SESSION, `portalCsrf` unless it is a GET (csrfGuard in routes/portal.ts skips
 * only GET and HEAD); `[]` (no credential) when neither applies.
 */
function expectedPortalSecurity(method: string, path: string): Record<string, string[]>[] {
  const req: Record<string, string[]> = {};
  if (!PORTAL_NO_SESSION.includes(path)) req.portalSession = [];
  if (method !== 'get') req.portalCsrf = [];
  return Object.keys(req).length > 0 ? [req] : [];
}

/** Every /portal/api operation as `[method, path, operation]` (method lower case). */
function portalOperations(doc: SecurityDoc) {
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/portal/api/'))
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => [method, path, op] as const),
    );
}

/**
 * Every /portal/api operation whose `security` differs from expectedPortalSecurity, as
 * `METHOD path: <declared security as JSON>`; empty when all match.
 */
function portalSecurityMismatches(doc: SecurityDoc): string[] {
  return portalOperations(doc)
    .filter(
      ([method, path, op]) => !isDeepStrictEqual(op.security, expectedPortalSecurity(method, path)),
    )
    .map(([method, path, op]) => `${method.toUpperCase()} ${path}: ${JSON.stringify(op.security)}`);
}

describe('/openapi.json declares how the portal routes authenticate (session cookie + CSRF header)', () => {
  it('every /portal/api operation requires portalSession unless it needs no session, and portalCsrf unless GET', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as SecurityDoc;
    const operations = portalOperations(doc);
    expect(operations.length).toBeGreaterThanOrEqual(21);
    const paths = operations.map(([, path]) => path);
    for (const p of PORTAL_NO_SESSION) expect(paths, p).toContain(p);
    expect(portalSecurityMismatches(doc)).toEqual([]);
    // Spot checks of the rule's four cases.
    expect(doc.paths['/portal/api/consents']?.post?.security).toEqual([
      { portalSession: [], portalCsrf: [] },
    ]);
    expect(doc.paths['/portal/api/me']?.get?.security).toEqual([{ portalSession: [] }]);
    expect(doc.paths['/portal/api/sign-in/verify']?.post?.security).toEqual([{ portalCsrf: [] }]);
    expect(doc.paths['/portal/api/config']?.get?.security).toEqual([]);

    const schemes = doc.components?.securitySchemes ?? {};
    expect(schemes.portalSession).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: SESSION_COOKIE,
    });
    expect(schemes.portalSession?.name).toBe('assent_portal');
    expect(schemes.portalCsrf).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-Requested-With',
    });
    expect(String(schemes.portalCsrf?.name).toLowerCase()).toBe(CSRF_HEADER);
    expect(schemes.portalCsrf?.description).toContain(`\`${CSRF_VALUE}\``);
    for (const op of ['/portal/api/sign-in/verify', '/portal/api/sign-in/link'])
      expect(schemes.portalSession?.description).toContain(op);
  });

  it('the list of routes without a session, and the CSRF rule, are what the middleware enforces', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as SecurityDoc;
    const operations = portalOperations(doc);
    expect(operations.length).toBeGreaterThanOrEqual(21);
    for (const [method, path] of operations) {
      // No cookie; path parameters filled with a placeholder; no body. Middleware answers
      // before any handler, so nothing is written.
      const url = path.replaceAll(/\{[^}]+\}/g, 'x');
      const m = method.toUpperCase();
      const res = await t.app.request(url, {
        method: m,
        headers: method === 'get' ? {} : { [CSRF_HEADER]: CSRF_VALUE },
      });
      const text = await res.text(); // sign-out's 204 has no body
      const body = (text ? JSON.parse(text) : {}) as { code?: string };
      // requireSession's refusal (a handler's 401 `invalid_token` would not count).
      const needsSession = res.status === 401 && body.code === 'unauthorized';
      expect(needsSession, `${m} ${path} answered ${res.status} ${body.code}`).toBe(
        !PORTAL_NO_SESSION.includes(path),
      );
      if (method !== 'get') {
        const bare = await t.app.request(url, { method: m });
        expect(bare.status, `${m} ${path} without ${CSRF_HEADER}`).toBe(403);
        expect(((await bare.json()) as { code: string }).code).toBe('csrf_failed');
      } else expect(body.code, `${m} ${path} needs no ${CSRF_HEADER}`).not.toBe('csrf_failed');
    }
  });

  it('the check can fail: a portal route missing or over-stating its security is named', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as SecurityDoc;
    const decide = doc.paths['/portal/api/consents']?.post;
    const config = doc.paths['/portal/api/config']?.get;
    if (!decide || !config)
      throw new Error('no POST /portal/api/consents or GET /portal/api/config');
    delete decide.security;
    config.security = [{ portalSession: [] }];
    expect(portalSecurityMismatches(doc)).toEqual([
      'GET /portal/api/config: [{"portalSession":[]}]',
      'POST /portal/api/consents: undefined',
    ]);
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
