// The rate-limit counter in Postgres: a sliding window approximated from two fixed windows
// (current and previous, the previous weighted by how much of it still overlaps), updated
// with one upsert per hit so every API process sees the same count.
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
 * Counts one hit and decides it; one round trip (`INSERT … ON CONFLICT DO UPDATE … RETURNING`).
 * Refused hits count too, so a client hammering past the limit stays limited.
 */
export async function hitRateLimit(sql: Sql, hit: RateLimitHit): Promise<RateLimitVerdict> {
  const { key, limit, windowMs, now } = hit;
  const windowStart = now - (now % windowMs);
  const [row] = await sql<{ hits: number; prev_hits: number }[]>`
    insert into rate_limits as r (key, window_start, hits, prev_hits)
    values (${key}, ${windowStart}, 1, 0)
    on conflict (key) do update set
      prev_hits = case
        when r.window_start = excluded.window_start then r.prev_hits
        when r.window_start = excluded.window_start - ${windowMs} then r.hits
        else 0 end,
      hits = case when r.window_start = excluded.window_start then r.hits + 1 else 1 end,
      window_start = excluded.window_start
    returning hits, prev_hits`;
  const hits = row?.hits ?? 1;
  const prev = row?.prev_hits ?? 0;
  const elapsed = now - windowStart;
  const count = prev * (1 - elapsed / windowMs) + hits;
  if (count <= limit) return { allowed: true, count, retryAfterMs: 0 };
  // Wait until one more request fits: the weighted count must fall to limit - 1.
  const retryAfterMs = retryAfter(hits, prev, limit - 1, windowMs, elapsed);
  return { allowed: false, count, retryAfterMs };
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
