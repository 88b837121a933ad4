// Load scenarios: autocannon against the API process (as fast as it answers), an open-loop
// paced generator for latency at a fixed rate, and a timed loop for direct queries.
import { Agent, request as httpRequest } from 'node:http';
import autocannon, { type RequestSpec } from 'autocannon';
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
 */
export async function paced(scenario: string, o: LoadOptions & { rate: number }): Promise<Figure> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections ?? 64 });
  const total = Math.round(o.rate * o.duration);
  const times: number[] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
    const spec = o.request.setupRequest?.({ ...o.request }) ?? o.request;
    pending.push(
      new Promise<void>((resolve) => {
        const req = httpRequest(
          `${o.url}${spec.path ?? '/'}`,
          {
            method: spec.method ?? 'GET',
            headers: spec.headers as Record<string, string>,
            agent,
            timeout: 10_000,
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              if ((res.statusCode ?? 500) >= 300) failed++;
              times.push(performance.now() - due);
              resolve();
            });
          },
        );
        req.on('error', () => {
          failed++;
          resolve();
        });
        req.end(spec.body);
      }),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
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
      `| ${f.scenario} | ${Math.round(f.rps).toLocaleString('en')} | ${f.p50.toFixed(1)} | ${f.p99.toFixed(1)} | ${f.total.toLocaleString('en')} | ${f.failed} |`,
  );
  return [
    '| scenario | req/s | p50 ms | p99 ms | requests | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
