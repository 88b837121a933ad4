// The shape of a background job (DESIGN "Jobs"). Job modules import `defineJob` from here, not
// from registry.ts, so that importing a job module first never meets a half-initialised list.
// A job is a plain async function of the app's dependencies and a JSON payload, so tests call
// it directly with a moved clock; the runner (pg-boss on Postgres or the embedded PGlite)
// schedules, retries and runs it, in the API process by default or in a separate worker.
import type { Deps } from '../context.ts';

export interface JobDefinition<P = Record<string, unknown>> {
  /** Unique queue name, kebab-case, e.g. `webhook-delivery`, `retention-sweep`. */
  name: string;
  /** Cron expression (UTC) for scheduled jobs; absent for jobs only ever enqueued. */
  schedule?: string;
  /** Retries after a failure (with exponential backoff), default 5. */
  retryLimit?: number;
  /**
   * Work that arrives through a table (e.g. the outbox): every `everyMs` a worker asks `due()`
   * (one cheap query) and enqueues the job when it answers true, at most one waiting at a time.
   */
  poll?: { everyMs: number; due(deps: Deps): Promise<boolean> };
  /** Does the work; throws to be retried. Must be idempotent (a job may run twice after a crash). */
  handler(deps: Deps, payload: P): Promise<void>;
}

/** Typed helper for declaring a job. */
export function defineJob<P extends Record<string, unknown>>(
  job: JobDefinition<P>,
): JobDefinition<P> {
  return job;
}
