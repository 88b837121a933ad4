// Rate-limit counters of the public endpoints, shared by every API process (DESIGN "Scale
// path": no in-memory limiter state). One row per limited key holding a sliding window as two
// fixed windows (current and previous). The table is UNLOGGED (drizzle/…_ratelimit_unlogged.sql):
// counters need no crash safety, and skipping WAL keeps each hit a cheap, fsync-free update.
import { bigint, integer, pgTable, text } from 'drizzle-orm/pg-core';

/** Sliding-window counters; `key` is a SHA-256 of the limit class and scope, never an IP. */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  /** Start of the current fixed window (epoch ms, a multiple of the window length). */
  windowStart: bigint('window_start', { mode: 'number' }).notNull(),
  /** Hits in the current window. */
  hits: integer('hits').notNull(),
  /** Hits in the window just before the current one (weighted by overlap). */
  prevHits: integer('prev_hits').notNull().default(0),
});

/**
 * A counter per property bumped (by triggers, drizzle/…_perf_config_version.sql) on every
 * change of the property, its purposes or notices, so API processes can cache that
 * configuration and revalidate it with the property lookup they make anyway.
 */
export const propertyConfigVersions = pgTable('property_config_versions', {
  propertyId: text('property_id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
});
