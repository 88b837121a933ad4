// `pnpm bench`: load-tests the real API on real Postgres and prints p50/p99 latency and
// throughput. Creates a throw-away database on DATABASE_URL's server (default the local
// postgres), starts the API as a child process on port 0, and drops the database at the end.
// Bounded: BENCH_SECONDS per scenario (default 8) and a 5-minute hard stop; 127.0.0.1 only.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createDb } from '@assent/db';
import { DEMO_PUBLISHABLE_KEY, DEMO_SECRET_KEY } from '../src/seed/demo-property.ts';
import { bulkLoad } from './bulk.ts';
import { type Figure, load, loop, table } from './load.ts';
import {
  acceptAllBody,
  assertLoopback,
  BANNER_PURPOSES,
  BENCH_ORIGIN,
  benchDevice,
} from './shared.ts';

const BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
// BENCH_ONLY=read,paced (any of bare, write, read, paced, may) runs only those scenarios, e.g.
// to profile one of them with BENCH_CPU_PROF; reads still get devices from a short write.
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const wanted = (kind: string) => !ONLY || ONLY.includes(kind);
assertLoopback(BASE);

const loadBefore = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
const name = `assent_bench_${Date.now().toString(36)}`;
const admin = await createDb({ url: BASE, migrate: false, max: 1 });
await admin.sql.unsafe(`create database ${name}`);
const dbUrl = new URL(BASE);
dbUrl.pathname = `/${name}`;

const child = spawn(
  process.execPath,
  [
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the API process there (open it in
    // Chrome DevTools): where the API spends its time under load.
    ...(process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : []),
    // BENCH_NODE_ARGS='--trace-gc …': more flags for the API process; its output then goes to
    // the bench's stderr.
    ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    '--import',
    'tsx',
    fileURLToPath(new URL('./server.ts', import.meta.url)),
  ],
  {
    env: {
      ...process.env,
      DATABASE_URL: dbUrl.toString(),
      NODE_ENV: 'development',
      ASSENT_SEED_DEMO: 'true',
      // The limiter runs on every request (its cost is measured) but the bench's single
      // client address must never be refused.
      ASSENT_RATE_LIMIT_READS: process.env.ASSENT_RATE_LIMIT_READS ?? '1000000000',
      ASSENT_RATE_LIMIT_WRITES: process.env.ASSENT_RATE_LIMIT_WRITES ?? '1000000000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let database: Awaited<ReturnType<typeof createDb>> | undefined;
let cleaned: Promise<void> | undefined;
/** Stops the API process and drops the throw-away database (once). */
const cleanup = () => {
  cleaned ??= (async () => {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await database?.close();
    await admin.sql.unsafe(`drop database if exists ${name} with (force)`);
    await admin.close();
  })();
  return cleaned;
};
const hardStop = setTimeout(() => {
  console.error('bench: 5-minute limit reached, stopping');
  void cleanup().finally(() => process.exit(1));
}, 5 * 60_000);
hardStop.unref();
try {
  const urls = await new Promise<{ api: string; bare: string }>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      if (process.env.BENCH_NODE_ARGS) process.stderr.write(d);
      buf += d.toString();
      const line = buf.split('\n').find((l) => l.startsWith('{"api"'));
      if (line) resolve(JSON.parse(line));
    });
    child.on('exit', (code) => reject(new Error(`API process exited (${code})`)));
  });
  assertLoopback(urls.api);
  assertLoopback(urls.bare);
  database = await createDb({ url: dbUrl.toString(), migrate: false, max: 32 });
  const figures = await scenarios(urls, database);
  console.log(
    `\n${machine()}\nload average before: ${loadBefore}, after: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n\n${table(figures)}\n\n${verdicts(figures)}\n`,
  );
} finally {
  await cleanup();
}

async function scenarios(
  urls: { api: string; bare: string },
  db: NonNullable<typeof database>,
): Promise<Figure[]> {
  const widget = { 'x-assent-key': DEMO_PUBLISHABLE_KEY, origin: BENCH_ORIGIN };
  const exp = await fetch(`${urls.api}/v1/experience?locale=en`, {
    headers: { ...widget, 'x-assent-device': benchDevice(0) },
  }).then(
    (r) =>
      r.json() as Promise<{ purposes: { key: string; notice: { id: string; hash: string } }[] }>,
  );
  const body = acceptAllBody(exp);
  const [property] = await db.sql<{ id: string }[]>`
    select id from properties where publishable_key = ${DEMO_PUBLISHABLE_KEY}`;
  if (!property) throw new Error('demo property missing');

  let written = 0;
  let batches = 0;
  const writeOptions = () => ({
    url: urls.api,
    duration: SECONDS,
    request: {
      method: 'POST',
      path: '/v1/consents',
      headers: { ...widget, 'content-type': 'application/json' },
      body,
      setupRequest: (req: { headers?: Record<string, string> }) => ({
        ...req,
        headers: {
          ...req.headers,
          'x-assent-device': benchDevice(++written),
          'idempotency-key': `bench-${name}-${++batches}`,
        },
      }),
    },
  });
  const write = async (label: string) => {
    const f = await load(label, writeOptions());
    await settle(db);
    return { ...f, scenario: `${f.scenario} (${BANNER_PURPOSES.length} decisions/batch)` };
  };
  let r = 0;
  const readRequest = {
    method: 'GET',
    path: '/v1/experience?locale=en',
    headers: widget,
    setupRequest: (req: { headers?: Record<string, string> }) => ({
      ...req,
      headers: { ...req.headers, 'x-assent-device': benchDevice(1 + (r++ % Math.max(1, written))) },
    }),
  };
  const read = (label: string, rate?: number) =>
    load(label, {
      url: urls.api,
      duration: SECONDS,
      request: readRequest,
      ...(rate ? { rate } : {}),
    });
  const may = await mayScenario(urls.api, db);

  const out: Figure[] = [];
  const run = async (kind: string, figure: () => Promise<Figure>) => {
    if (!wanted(kind)) return;
    const cpu0 = apiCpuMs(child.pid);
    const f = await figure();
    out.push({ ...f, apiCpuUs: ((apiCpuMs(child.pid) - cpu0) * 1000) / Math.max(1, f.total) });
  };
  await run('bare', () =>
    load('bare Hono route (same process)', {
      url: urls.bare,
      duration: SECONDS,
      request: { path: '/' },
    }),
  );
  // Reads rotate over the devices written: a filtered run writes some first, unreported.
  if (!wanted('write')) {
    await load('devices for the reads', { ...writeOptions(), duration: 2 });
    await settle(db);
  }
  await load('warm-up', { url: urls.api, duration: 2, request: readRequest });
  await run('write', () => write('batch write, small ledger'));
  await run('read', () => read('experience+state read, small ledger'));
  await run('paced', () => read('experience+state read at 1,000 req/s, small ledger', 1000));
  await run('may', () => may('may() check, small ledger'));
  if (EVENTS <= 0) return out;
  const [{ count: before } = { count: '0' }] = await db.sql<{ count: string }[]>`
    select count(*)::text as count from consent_events`;
  console.log(
    `bench: ${before} events before the bulk load; loading ${EVENTS.toLocaleString('en')}…`,
  );
  const seconds = await bulkLoad(db.sql, property.id, EVENTS);
  console.log(`bench: bulk load took ${seconds.toFixed(1)} s`);
  const big = `+${EVENTS.toLocaleString('en')} events`;
  await run('write', () => write(`batch write, ${big}`));
  await run('read', () => read(`experience+state read, ${big}`));
  await run('paced', () => read(`experience+state read at 1,000 req/s, ${big}`, 1000));
  await run('may', () => may(`may() check, ${big}`));
  return out;
}

/**
 * CPU time (ms) the API process has used so far, user + system, from /proc/<pid>/stat
 * (Linux, 10 ms ticks); NaN elsewhere. Steadier than throughput on a shared machine: it does
 * not count time the process waited for a core.
 */
function apiCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/**
 * After a write scenario: waits (at most 60 s) until the API's job runner has worked off the
 * outbox rows the writes left (consent.changed messages), then VACUUM ANALYZE, so the next
 * scenario measures its own requests and not the previous one's background work.
 */
async function settle(db: NonNullable<typeof database>): Promise<void> {
  const started = performance.now();
  for (;;) {
    const [row] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from outbox where delivered_at is null`;
    if (!row?.n || performance.now() - started > 60_000) {
      if (row?.n) console.log(`bench: ${row.n} outbox rows still pending after 60 s`);
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await db.sql`vacuum analyze`;
  console.log(`bench: settled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** `POST /v1/server/may` when the API has it; otherwise the same state query called directly. */
async function mayScenario(api: string, db: NonNullable<typeof database>) {
  const doc = (await fetch(`${api}/openapi.json`).then((r) => r.json())) as {
    paths: Record<string, unknown>;
  };
  const subjects = async () =>
    (
      await db.sql<
        { subject_id: string }[]
      >`select subject_id from devices order by random() limit 5000`
    ).map((s) => s.subject_id);
  if (doc.paths['/v1/server/may']) {
    return async (label: string) => {
      const ids = await subjects();
      let i = 0;
      return load(label, {
        url: api,
        duration: SECONDS,
        request: {
          method: 'POST',
          path: '/v1/server/may',
          headers: {
            authorization: `Bearer ${DEMO_SECRET_KEY}`,
            'content-type': 'application/json',
          },
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({ subjectId: ids[i++ % ids.length], purpose: 'analytics' }),
          }),
        },
      });
    };
  }
  return async (label: string) => {
    const ids = await subjects();
    return loop(
      `${label} (direct query, no HTTP)`,
      SECONDS,
      32,
      (i) =>
        db.sql`
        select s.decision, s.expires_at, s.notice_version
        from consent_states s join purposes p on p.id = s.purpose_id
        where s.subject_id = ${ids[i % ids.length] ?? ''} and p.key = 'analytics'`,
    );
  };
}

function machine(): string {
  return `machine: ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ${SECONDS} s per scenario, 32 connections`;
}

/** The targets, checked against the figures (informational: the bench never fails). */
function verdicts(figures: Figure[]): string {
  const find = (prefix: string, big: boolean) =>
    figures.find((f) => f.scenario.startsWith(prefix) && f.scenario.includes(' events') === big);
  const read = find('experience+state read, ', false);
  const paced = find('experience+state read at', false);
  const write = find('batch write', false);
  const readBig = find('experience+state read, ', true);
  const writeBig = find('batch write', true);
  const lines = [
    ['experience+state read ≥ 5,000 req/s', read ? `${Math.round(read.rps)} req/s` : 'n/a'],
    [
      'p99 ≤ 10 ms at 1,000 req/s',
      paced ? `${paced.p99.toFixed(1)} ms at ${Math.round(paced.rps)} req/s` : 'n/a',
    ],
    [
      '≥ 2,000 recorded decisions/s',
      write ? `${Math.round(write.rps * BANNER_PURPOSES.length)} decisions/s` : 'n/a',
    ],
    [
      'read at 1M events within 1.2× of small',
      read && readBig
        ? `throughput ×${(read.rps / readBig.rps).toFixed(2)}, p50 ×${(readBig.p50 / read.p50).toFixed(2)}`
        : 'n/a',
    ],
    [
      'write at 1M events within 1.2× of small',
      write && writeBig
        ? `throughput ×${(write.rps / writeBig.rps).toFixed(2)}, p50 ×${(writeBig.p50 / write.p50).toFixed(2)}`
        : 'n/a',
    ],
  ];
  return lines.map(([target, got]) => `- ${target}: ${got}`).join('\n');
}
