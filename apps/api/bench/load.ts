// Load scenarios: autocannon against the API process, and a timed loop for direct queries.
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
  /** Fixed total rate (req/s) instead of as fast as possible. */
  rate?: number;
  request: RequestSpec;
}

/** Runs autocannon once and reduces its result to a Figure. */
export async function load(scenario: string, o: LoadOptions): Promise<Figure> {
  const r = await autocannon({
    url: o.url,
    connections: o.connections ?? 32,
    duration: o.duration,
    timeout: 10,
    ...(o.rate ? { overallRate: o.rate } : {}),
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
