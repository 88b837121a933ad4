// `pnpm --filter @assent/api bench:profile`: per-request cost of the hot paths, measured in
// process with app.request() on a throw-away Postgres database: mean latency of sequential
// requests, the API's CPU time per request (process.cpuUsage: steadier than wall time on a
// busy machine) and the transactions each one costs (pg_stat_database counts).

import { createTestApp } from '../src/testing.ts';
import { acceptAllBody } from './shared.ts';

const N = Number(process.env.PROFILE_REQUESTS ?? 400);
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
const t = await createTestApp();
try {
  const device = (i: number) => `profile_device_${i.toString().padStart(10, '0')}`;
  const exp = (await (
    await t.app.request('/v1/experience?locale=en', { headers: t.widgetHeaders(device(0)) })
  ).json()) as { purposes: { key: string; notice: { id: string; hash: string } }[] };
  const body = acceptAllBody(exp);
  const counters = async () => {
    const [row] = await t.database.sql<{ n: string }[]>`
      select (xact_commit + xact_rollback)::text as n from pg_stat_database where datname = current_database()`;
    return Number(row?.n ?? 0);
  };
  const only = process.env.PROFILE_ONLY; // e.g. `experience`: measure only matching routes
  const measure = async (label: string, fn: (i: number) => Response | Promise<Response>) => {
    if (only && !label.includes(only)) return;
    for (let i = 0; i < 50; i++) await fn(100_000 + i);
    await new Promise((r) => setTimeout(r, 600)); // stats are flushed at most every 500 ms
    const before = await counters();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 1; i <= N; i++) {
      const res = await fn(i);
      if (res.status >= 300) throw new Error(`${label}: ${res.status} ${await res.text()}`);
    }
    const ms = (performance.now() - t0) / N;
    const cpu = process.cpuUsage(cpu0);
    const cpuUs = (cpu.user + cpu.system) / N;
    await new Promise((r) => setTimeout(r, 600));
    const tx = ((await counters()) - before - 1) / N;
    console.log(
      `${label.padEnd(34)} ${ms.toFixed(2)} ms/request, ${cpuUs.toFixed(0)} µs CPU/request, ${tx.toFixed(2)} transactions/request`,
    );
  };
  await measure('POST /v1/consents (3 decisions)', (i) =>
    t.app.request('/v1/consents', {
      method: 'POST',
      headers: t.widgetHeaders(device(i), { 'idempotency-key': `profile-${i}-${Math.random()}` }),
      body,
    }),
  );
  await measure('GET /v1/experience', (i) =>
    t.app.request('/v1/experience?locale=en', { headers: t.widgetHeaders(device(i)) }),
  );
  await measure('GET /v1/consents', (i) =>
    t.app.request('/v1/consents', { headers: t.widgetHeaders(device(i)) }),
  );
} finally {
  await t.dispose();
}
