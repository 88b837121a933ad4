// Load scenarios: autocannon against the API process (as fast as it answers), an open-loop
// paced generator for latency at a fixed rate, and a timed loop for direct queries.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon, { type RequestSpec } from 'autocannon';
import type { PacedJob, PacedResult } from './paced-worker.ts';
import { percentile } from './shared.ts';

export interface Figure {
  scenario: string;
  /** Requests (or calls) per second, mean over the run. */
  rps: number;
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  /** Responses that were not 2xx, plus socket errors and time-outs. */
  failed: number;
  total: number;
  /** CPU time of the API process per answered request (µs), background work included. */
  apiCpuUs?: number;
  /** Paced runs: the generator's own p99 lateness in sending (ms); a late send counts as latency. */
  lateP99?: number;
}

export interface LoadOptions {
  url: string;
  /** Seconds. */
  duration: number;
  connections?: number;
  /** Fixed total rate (req/s) instead of as fast as possible: see `paced`. */
  rate?: number;
  request: RequestSpec;
}

/** Runs autocannon once (or `paced` with `o.rate`) and reduces its result to a Figure. */
export async function load(scenario: string, o: LoadOptions): Promise<Figure> {
  if (o.rate) return paced(scenario, { ...o, rate: o.rate });
  const r = await autocannon({
    url: o.url,
    connections: o.connections ?? 32,
    duration: o.duration,
    timeout: 10,
    requests: [o.request],
  });
  return {
    scenario,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    failed: r.non2xx + r.errors + r.timeouts,
    total: r.requests.total,
  };
}

/**
 * An open-loop load at a fixed rate: request i is due at start + i / rate and sent then (on
 * any free keep-alive socket, up to `connections`), whether or not earlier ones answered; its
 * latency counts from when it was due, so a stalled server cannot hide its queue
 * (no coordinated omission). autocannon's `overallRate` is not used: it lets each
 * connection send its whole second's quota at the start of every second, a burst.
 * The generator runs in a process of its own (bench/paced-worker.ts: raw HTTP/1.1 on sockets
 * opened before the clock starts) so nothing else in the bench delays it; how late it sent
 * (its p99 lateness, `lateP99`) is reported with the figure, since a late send counts as
 * server latency.
 */
export async function paced(scenario: string, o: LoadOptions & { rate: number }): Promise<Figure> {
  const url = new URL(o.url);
  const total = Math.round(o.rate * o.duration);
  const requests: string[] = [];
  for (let i = 0; i < total; i++) {
    const spec = o.request.setupRequest?.({ ...o.request }) ?? o.request;
    const body = typeof spec.body === 'string' ? spec.body : '';
    const headers = {
      host: url.host,
      ...(spec.headers as Record<string, string>),
      ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
    };
    requests.push(
      `${spec.method ?? 'GET'} ${spec.path ?? '/'} HTTP/1.1\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n${body}`,
    );
  }
  const job: PacedJob = {
    host: url.hostname,
    port: Number(url.port),
    rate: o.rate,
    connections: o.connections ?? 64,
    requests,
  };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./paced-worker.ts', import.meta.url))],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  child.stdin.end(JSON.stringify(job));
  const code = await exited;
  if (code !== 0) throw new Error(`paced generator exited with ${code}`);
  const r = JSON.parse(out) as PacedResult;
  const times = r.latencies.sort((a, b) => a - b);
  return {
    scenario,
    rps: times.length / r.elapsed,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    failed: r.failed,
    total: times.length,
    lateP99: percentile(
      r.lateness.sort((a, b) => a - b),
      99,
    ),
  };
}

/** Calls `fn` from `concurrency` loops for `seconds`, timing each call. */
export async function loop(
  scenario: string,
  seconds: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
): Promise<Figure> {
  const times: number[] = [];
  let failed = 0;
  let i = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await fn(i++);
        } catch {
          failed++;
        }
        times.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    scenario,
    rps: times.length / elapsed,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    failed,
    total: times.length,
  };
}

/** A Markdown table of figures. */
export function table(figures: Figure[]): string {
  const rows = figures.map(
    (f) =>
      `| ${f.scenario}${f.lateP99 === undefined ? '' : ` (generator late p99 ${f.lateP99.toFixed(1)} ms)`} | ${Math.round(f.rps).toLocaleString('en')} | ${f.p50.toFixed(1)} | ${f.p99.toFixed(1)} | ${f.apiCpuUs === undefined || Number.isNaN(f.apiCpuUs) ? 'n/a' : Math.round(f.apiCpuUs)} | ${f.total.toLocaleString('en')} | ${f.failed} |`,
  );
  return [
    '| scenario | req/s | p50 ms | p99 ms | API CPU µs/req | requests | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
