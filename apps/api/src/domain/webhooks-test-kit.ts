// Test helpers for webhooks: a real local HTTP receiver (port 0) with scripted answers, the
// Standard Webhooks signature check written from the spec, and the server API calls.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { CreatedWebhookEndpoint } from '@assent/contract';
import type { Deps } from '../context.ts';
import { loadConfig } from '../env.ts';
import { devMailer } from '../mailer.ts';
import { DEMO_SECRET_KEY } from '../seed/demo-property.ts';
import type { TestApp } from '../testing.ts';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A local receiver: records every request; answers with the next scripted status (default 200). */
export async function startReceiver() {
  const received: Received[] = [];
  const script: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      received.push({ path: req.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = script.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    /** Answers the next requests with these statuses, in order. */
    answer: (...statuses: number[]) => script.push(...statuses),
    at: (path: string) => received.filter((r) => r.path === path),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Standard Webhooks verification, from the spec: HMAC-SHA256 keyed with the base64-decoded
 * secret after `whsec_`, over `${webhook-id}.${webhook-timestamp}.${body}`, base64; the
 * `webhook-signature` header holds space-separated `v1,<signature>` entries.
 */
export function verifySignature(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`)
    .digest();
  return (r.headers['webhook-signature'] ?? '').split(' ').some((entry) => {
    const [version, sig] = entry.split(',');
    const given = Buffer.from(sig ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Deps for calling jobs directly, sharing the test app's database, keyring and clock. */
export function depsOf(t: TestApp): Deps {
  return {
    database: t.database,
    config: loadConfig({ NODE_ENV: 'test' }),
    clock: t.clock.now,
    mailer: devMailer(t.database, () => {}),
    keyring: t.keyring,
  };
}

export const serverHeaders = (key = DEMO_SECRET_KEY) => ({
  authorization: `Bearer ${key}`,
  'content-type': 'application/json',
});

/** Registers an endpoint through the API. @returns its id and secret */
export async function register(t: TestApp, url: string, topics?: string[]) {
  const res = await t.app.request('/v1/server/webhooks', {
    method: 'POST',
    headers: serverHeaders(),
    body: JSON.stringify({ url, ...(topics ? { topics } : {}) }),
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  return CreatedWebhookEndpoint.parse(await res.json());
}

/** Removes every endpoint of the demo property (isolates tests that share one database). */
export async function unregisterAll(t: TestApp) {
  const res = await t.app.request('/v1/server/webhooks', { headers: serverHeaders() });
  const { data } = (await res.json()) as { data: { id: string }[] };
  for (const e of data)
    await t.app.request(`/v1/server/webhooks/${e.id}`, {
      method: 'DELETE',
      headers: serverHeaders(),
    });
}

/** Decides `analytics` for a (new) device through the widget API. @returns the device id */
export async function grantAnalytics(
  t: TestApp,
  decision: 'granted' | 'denied' = 'granted',
  device = t.newDevice(),
) {
  return t.recordDecision(device, 'analytics', decision);
}
