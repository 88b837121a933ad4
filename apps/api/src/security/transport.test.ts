// Production transport rules (REQUIREMENTS S4): no plain HTTP unless a trusted proxy vouches
// for TLS; HSTS; a strict CSP on the portal.
import { randomBytes } from 'node:crypto';
import { createTestDb } from '@assent/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../env.ts';
import { devMailer } from '../mailer.ts';
import { keyringFromConfig } from './keyring.ts';
import { HSTS } from './transport.ts';

const MASTER_KEY = randomBytes(32).toString('base64');
let database: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => {
  database = await createTestDb();
});
afterAll(() => database.dispose());

async function productionApp(env: Record<string, string> = {}) {
  const config = loadConfig({
    NODE_ENV: 'production',
    ASSENT_MASTER_KEY: MASTER_KEY,
    ASSENT_PUBLIC_URL: 'https://consent.example',
    ...env,
  });
  const keyring = await keyringFromConfig(database.db, config.security, Date.now());
  return createApp({
    database,
    config,
    clock: Date.now,
    mailer: devMailer(database, () => {}),
    keyring,
  });
}

describe('transport security', () => {
  it('S4: production refuses plain HTTP, even with a forwarded header from an untrusted proxy', async () => {
    const app = await productionApp();
    const plain = await app.request('http://consent.example/portal/api/config');
    expect(plain.status).toBe(403);
    expect(((await plain.json()) as { code: string }).code).toBe('tls_required');
    const spoofed = await app.request('http://consent.example/portal/api/config', {
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(spoofed.status).toBe(403);
    // Load balancer probes still reach the health check.
    expect((await app.request('http://consent.example/healthz')).status).toBe(200);
  });

  it('S4: over TLS, or behind a trusted proxy that says https, it serves with HSTS', async () => {
    const direct = await (await productionApp()).request(
      'https://consent.example/portal/api/config',
    );
    expect(direct.status).toBe(200);
    expect(direct.headers.get('strict-transport-security')).toBe(HSTS);
    const proxied = await (await productionApp({ ASSENT_TRUST_PROXY: 'true' })).request(
      'http://consent.example/portal/api/config',
      { headers: { 'x-forwarded-proto': 'https' } },
    );
    expect(proxied.status).toBe(200);
    expect(proxied.headers.get('strict-transport-security')).toBe(HSTS);
  });

  it('S4: the portal carries a strict Content-Security-Policy', async () => {
    const res = await (await productionApp()).request('https://consent.example/portal/api/config');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });
});
