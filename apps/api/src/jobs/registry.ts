// The background jobs Assent runs (DESIGN "Jobs"): one list, read by the job runner.
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
  /** Does the work; throws to be retried. Must be idempotent (a job may run twice after a crash). */
  handler(deps: Deps, payload: P): Promise<void>;
}

/** Every job. Add yours with one line: `defineJob({...})` in your module, then list it here. */
export const jobs: JobDefinition[] = [];

/** Typed helper for declaring a job. */
export function defineJob<P extends Record<string, unknown>>(
  job: JobDefinition<P>,
): JobDefinition<P> {
  return job;
}
