// The process under test: the real API (startApi, as `pnpm start` runs it) on the bench's
// Postgres database, plus a bare Hono route in the same process as the reference. Prints one
// JSON line `{"api": url, "bare": url}` when both listen (port 0, 127.0.0.1 only).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { loadConfig } from '../src/env.ts';
import { startApi } from '../src/server.ts';
import { BENCH_ORIGIN } from './shared.ts';

const config = { ...loadConfig(), port: 0, host: '127.0.0.1', seedDemo: true };
// No access log: one log line per request would measure the terminal, not the API.
const api = await startApi(config, { demoOrigins: [BENCH_ORIGIN], log: () => {} });

const bare = new Hono().get('/', (c) => c.json({ ok: true }));
const bareServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const s = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
});
const barePort = (bareServer.address() as AddressInfo).port;
const apiPort = new URL(api.url).port;

process.stdout.write(
  `${JSON.stringify({ api: `http://127.0.0.1:${apiPort}`, bare: `http://127.0.0.1:${barePort}` })}\n`,
);

async function stop() {
  bareServer.close();
  await api.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
