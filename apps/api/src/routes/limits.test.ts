// Input limits and routing edges: oversized bodies and unknown portal API routes answer
// problem+json, never a 500 or an HTML page.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Problem } from '@assent/contract';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../app.ts';
import { DEMO_SECRET_KEY } from '../seed/demo-property.ts';
import { createTestApp, type TestApp } from '../testing.ts';
import { staticRoutes } from './static.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

describe('limits', () => {
  it('refuses text the database cannot store (a NUL character) with 400, writing nothing', async () => {
    const device = t.newDevice();
    const body = await t.decisionBody(device, 'analytics', 'granted', {
      source: 'banner',
      surface: 'banner\u0000accept',
    });
    const res = await t.app.request('/v1/consents', {
      method: 'POST',
      headers: t.widgetHeaders(device),
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(Problem.parse(await res.json()).code).toBe('invalid_request');
    const consents = (await (
      await t.app.request('/v1/consents', { headers: t.widgetHeaders(device) })
    ).json()) as { consents: Record<string, { status: string }> };
    expect(consents.consents.analytics?.status).toBe('unset');
  });

  it('P1: refuses text that is not well-formed Unicode (a lone surrogate) instead of storing U+FFFD', async () => {
    const device = t.newDevice();
    const lone = await t.decisionBody(device, 'analytics', 'granted', {
      source: 'banner',
      surface: 'banner\ud800',
    });
    const res = await t.app.request('/v1/consents', {
      method: 'POST',
      headers: t.widgetHeaders(device),
      body: JSON.stringify(lone),
    });
    expect(res.status).toBe(400);
    const problemBody = Problem.parse(await res.json());
    expect(problemBody.code).toBe('invalid_request');
    expect(problemBody.errors?.[0]?.path).toBe('json.surface');
    const consents = (await (
      await t.app.request('/v1/consents', { headers: t.widgetHeaders(device) })
    ).json()) as { consents: Record<string, { status: string }> };
    expect(consents.consents.analytics?.status).toBe('unset');
    // A well-formed pair (an emoji) is text like any other.
    const pair = await t.decisionBody(device, 'analytics', 'granted', {
      source: 'banner',
      surface: 'banner\u{1F44D}',
    });
    const ok = await t.app.request('/v1/consents', {
      method: 'POST',
      headers: t.widgetHeaders(device),
      body: JSON.stringify(pair),
    });
    expect(ok.status).toBe(201);
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
    // Through the whole app the miss is a problem+json 404.
    const res = await t.app.request('/portal/api/nope');
    expect(res.status).toBe(404);
    expect(Problem.parse(await res.json()).code).toBe('not_found');
  });
});
