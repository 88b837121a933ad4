// The rate-limit counter in Postgres: a sliding window approximated from two fixed windows
// (current and previous, the previous weighted by how much of it still overlaps), shared by
// every API process. Small limits (sign-in) are decided by one upsert per hit; large ones
// (widget reads and writes) are counted in process while far below the limit and flushed to
// Postgres in one statement every FLUSH_MS, turning strict again at half the limit.
import type { Database } from '@assent/db';

type Sql = Database['sql'];

export interface RateLimitHit {
  /** SHA-256 key of the limited scope. */
  key: string;
  /** Requests allowed per window. */
  limit: number;
  /** Window length, ms. */
  windowMs: number;
  /** Epoch ms (the app's clock). */
  now: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** Sliding-window count including this hit. */
  count: number;
  /** When not allowed: ms until a request would be allowed again (0 when allowed). */
  retryAfterMs: number;
}

/**
 * Counts one hit (plus `pending` hits counted in process before) and decides it; one round
 * trip (`INSERT … ON CONFLICT DO UPDATE … RETURNING`). Refused hits count too, so a client
 * hammering past the limit stays limited.
 */
export async function hitRateLimit(
  sql: Sql,
  hit: RateLimitHit,
  pending = 0,
): Promise<RateLimitVerdict & { hits: number; prev: number }> {
  const { key, limit, windowMs, now } = hit;
  const windowStart = now - (now % windowMs);
  const n = pending + 1;
  const [row] = await upsertHits(sql, [{ key, windowStart, n }], windowMs);
  const hits = row?.hits ?? n;
  const prev = row?.prev_hits ?? 0;
  return { ...decide(hits, prev, limit, windowMs, now - windowStart), hits, prev };
}

/**
 * Adds `n` hits per key to its counter in one statement (the sliding window's two fixed
 * windows: a new window moves the current count to `prev_hits`), returning the counts now. A
 * counter already in a later window (another process's clock ahead) is left alone and not
 * returned.
 */
async function upsertHits(
  sql: Sql,
  items: { key: string; windowStart: number; n: number }[],
  windowMs: number,
) {
  return sql<{ key: string; window_start: string; hits: number; prev_hits: number }[]>`
    insert into rate_limits as r (key, window_start, hits, prev_hits)
    select k, w, n, 0
    from unnest(${sql.array(items.map((i) => i.key))}::text[],
                ${sql.array(items.map((i) => i.windowStart))}::bigint[],
                ${sql.array(items.map((i) => i.n))}::int[]) as u(k, w, n)
    on conflict (key) do update set
      prev_hits = case
        when r.window_start = excluded.window_start then r.prev_hits
        when r.window_start = excluded.window_start - ${windowMs} then r.hits
        else 0 end,
      hits = case when r.window_start = excluded.window_start then r.hits + excluded.hits
        else excluded.hits end,
      window_start = excluded.window_start
    where r.window_start <= excluded.window_start
    returning key, window_start::text, hits, prev_hits`;
}

/** The verdict for a window's `hits` and the previous window's `prev` at `elapsed` ms into it. */
function decide(
  hits: number,
  prev: number,
  limit: number,
  windowMs: number,
  elapsed: number,
): RateLimitVerdict {
  const count = prev * (1 - elapsed / windowMs) + hits;
  if (count <= limit) return { allowed: true, count, retryAfterMs: 0 };
  // Wait until one more request fits: the weighted count must fall to limit - 1.
  const retryAfterMs = retryAfter(hits, prev, limit - 1, windowMs, elapsed);
  return { allowed: false, count, retryAfterMs };
}

/** Limits at least this large are counted in process while far below them. */
export const LOCAL_MIN_LIMIT = 100;
/** How often hits counted in process are written to Postgres (ms). */
export const FLUSH_MS = 100;
/** Bound on keys tracked per process (the map is cleared when it is reached). */
const MAX_KEYS = 100_000;

interface Tracked {
  windowStart: number;
  windowMs: number;
  /** The shared counts as Postgres last answered them. */
  hits: number;
  prev: number;
  /** Hits counted here and not yet written. */
  pending: number;
}

/**
 * The rate limiter of one database. `hit()` decides a request:
 * - limits under LOCAL_MIN_LIMIT: one upsert per hit (exact across processes);
 * - larger limits: while the shared count (as last flushed) plus this process's unwritten
 *   hits stays under half the limit, the hit is counted in process and written with every
 *   other key in one statement within FLUSH_MS; from half the limit on, one upsert per hit
 *   again. Across N processes a limit can be exceeded by at most the hits the other
 *   processes counted in one flush interval, and only below half the limit is anything
 *   deferred, so a client is refused at the limit as before.
 */
export class RateLimiter {
  readonly #sql: Sql;
  readonly #tracked = new Map<string, Tracked>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #flushing: Promise<void> | undefined;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** Counts and decides one hit (see the class). */
  async hit(h: RateLimitHit): Promise<RateLimitVerdict> {
    const { key, limit, windowMs, now } = h;
    const windowStart = now - (now % windowMs);
    let t = this.#tracked.get(key);
    if (t && t.windowStart !== windowStart) {
      // A new window: what this process knew becomes the previous window (unwritten hits of
      // the old window are not carried into the new one).
      const prev = t.windowStart === windowStart - windowMs ? t.hits + t.pending : 0;
      t = { windowStart, windowMs, hits: 0, prev, pending: 0 };
      this.#tracked.set(key, t);
    }
    if (limit >= LOCAL_MIN_LIMIT) {
      if (!t) {
        if (this.#tracked.size >= MAX_KEYS) this.#tracked.clear();
        t = { windowStart, windowMs, hits: 0, prev: 0, pending: 0 };
        this.#tracked.set(key, t);
      }
      const verdict = decide(t.hits + t.pending + 1, t.prev, limit, windowMs, now - windowStart);
      if (verdict.count <= limit / 2) {
        t.pending++;
        this.#schedule();
        return verdict;
      }
    }
    const pending = t?.pending ?? 0;
    if (t) t.pending = 0;
    const verdict = await hitRateLimit(this.#sql, h, pending);
    if (limit >= LOCAL_MIN_LIMIT) {
      const tracked = this.#tracked.get(key);
      if (tracked && tracked.windowStart === windowStart) {
        tracked.hits = verdict.hits;
        tracked.prev = verdict.prev;
      }
    }
    return verdict;
  }

  /** Writes every key's unwritten hits in one statement and learns the shared counts. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #flush(): Promise<void> {
    // Grouped by window length (one group in practice: the limits share one window).
    const groups = new Map<number, { key: string; t: Tracked; n: number }[]>();
    for (const [key, t] of this.#tracked) {
      if (t.pending === 0) continue;
      const group = groups.get(t.windowMs) ?? [];
      group.push({ key, t, n: t.pending });
      groups.set(t.windowMs, group);
      t.pending = 0;
    }
    if (groups.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const sql = this.#sql;
    for (const [windowMs, batch] of groups) {
      const rows = await upsertHits(
        sql,
        batch.map((b) => ({ key: b.key, windowStart: b.t.windowStart, n: b.n })),
        windowMs,
      );
      for (const row of rows) {
        const t = this.#tracked.get(row.key);
        if (t && t.windowStart === Number(row.window_start)) {
          t.hits = row.hits;
          t.prev = row.prev_hits;
        }
      }
    }
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      void this.flush().catch(() => {});
    }, FLUSH_MS);
    this.#timer.unref?.();
  }
}

const limiters = new WeakMap<Sql, RateLimiter>();

/** The process's rate limiter for a database (one per postgres.js client). */
export function rateLimiterFor(sql: Sql): RateLimiter {
  let limiter = limiters.get(sql);
  if (!limiter) {
    limiter = new RateLimiter(sql);
    limiters.set(sql, limiter);
  }
  return limiter;
}

/** The smallest wait (ms) after which the weighted count falls to the limit, with no new hits. */
function retryAfter(hits: number, prev: number, limit: number, windowMs: number, elapsed: number) {
  if (hits <= limit && prev > 0) {
    // Still in this window: wait until enough of the previous window has slid out.
    const at = windowMs * (1 - (limit - hits) / prev);
    return Math.max(0, at - elapsed);
  }
  // In the next window this window becomes the previous one.
  const into = windowMs * (1 - limit / hits);
  return windowMs - elapsed + Math.max(0, into);
}

/** Deletes counters untouched for two windows (they no longer weigh on any decision). */
export async function sweepRateLimits(sql: Sql, now: number, windowMs: number) {
  const before = now - (now % windowMs) - windowMs;
  await sql`delete from rate_limits where window_start < ${before}`;
}
