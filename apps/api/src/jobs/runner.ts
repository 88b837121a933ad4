// The job runner: pg-boss on the same database as the API (a real Postgres, or the embedded
// PGlite through its socket URL). Jobs are rows in the `pgboss` schema, so an enqueued job
// survives a restart and is fetched by exactly one worker (FOR UPDATE SKIP LOCKED).
import PgBoss from 'pg-boss';
import type { Deps, JobSender, SendOptions } from '../context.ts';
import type { JobDefinition } from './define.ts';

export interface JobRunnerOptions {
  /** Fetch and run jobs (and keep the cron schedules) here; false = only enqueue. */
  worker: boolean;
  /** Seconds between polls of each queue by a worker (default 2; pg-boss's minimum is 0.5). */
  pollingIntervalSeconds?: number;
  /** Base delay (seconds) of the exponential retry backoff (default 10: 10 s, 20 s, 40 s…). */
  retryDelaySeconds?: number;
  log?: (line: string) => void;
}

export interface JobRunner extends JobSender {
  /** Waits (up to 10 s) for running jobs, then closes the runner's connections. */
  stop(): Promise<void>;
}

const SCHEMA = 'pgboss';

/** Log-safe error description: class and SQLSTATE only (messages may quote personal data). */
function errorClass(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown';
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `${err.name}(${code})` : err.name;
}

/**
 * Starts pg-boss on `deps.database.url`: installs its schema when missing, creates one queue
 * per job, and, when `options.worker`, works every queue and keeps each `schedule` (cron, UTC).
 * A failing handler is retried `retryLimit` times (default 5) with exponential backoff.
 * On PGlite, which serves one query at a time, the pool is 2 connections.
 * @throws when the database cannot be reached or a job name is not a valid queue name.
 */
export async function startJobRunner(
  deps: Deps,
  jobs: JobDefinition[],
  options: JobRunnerOptions,
): Promise<JobRunner> {
  const log = options.log ?? (() => {});
  const pglite = deps.database.kind === 'pglite';
  const boss = new PgBoss({
    connectionString: deps.database.url,
    schema: SCHEMA,
    application_name: 'assent-jobs',
    max: pglite ? 2 : 5,
    supervise: options.worker,
    schedule: options.worker,
    migrate: true,
  });
  boss.on('error', (err) => log(`jobs: ${errorClass(err)}`));
  await boss.start();

  const byName = new Map(jobs.map((j) => [j.name, j]));
  const timers: NodeJS.Timeout[] = [];
  for (const job of jobs) {
    const queue = {
      name: job.name,
      retryLimit: job.retryLimit ?? 5,
      retryDelay: options.retryDelaySeconds ?? 10,
      retryBackoff: true,
    };
    await boss.createQueue(job.name, queue);
    await boss.updateQueue(job.name, queue);
  }

  if (options.worker) {
    const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
    for (const job of jobs) {
      await boss.work<Record<string, unknown>>(
        job.name,
        { pollingIntervalSeconds, batchSize: 1 },
        async ([item]) => {
          if (!item) return;
          try {
            await job.handler(deps, item.data ?? {});
          } catch (err) {
            log(`job ${job.name} ${item.id} failed: ${errorClass(err)}`);
            // pg-boss stores the thrown error with the job: keep only its class, since driver
            // messages can quote parameters (personal data)
            throw new Error(`job failed: ${errorClass(err)}`);
          }
        },
      );
    }
    const wanted = new Map(jobs.flatMap((j) => (j.schedule ? [[j.name, j.schedule]] : [])));
    for (const s of await boss.getSchedules()) {
      if (!wanted.has(s.name)) await boss.unschedule(s.name);
    }
    for (const [name, cron] of wanted) await boss.schedule(name, cron, {}, { tz: 'UTC' });
    for (const job of jobs) if (job.poll) timers.push(startPoll(boss, deps, job, job.poll, log));
  }

  return {
    async send(name, payload, opts = {}) {
      if (!byName.has(name)) throw new Error(`Unknown job: ${name}`);
      await sendJob(boss, deps, name, payload, opts);
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}

/**
 * Enqueues one job. With `singletonKey`, nothing is added while a job of that name and key is
 * still waiting (created or retrying): the check and the insert run in one transaction under
 * an advisory lock, so concurrent API processes cannot both add one.
 */
async function sendJob(
  boss: PgBoss,
  deps: Deps,
  name: string,
  payload: Record<string, unknown>,
  opts: SendOptions,
): Promise<void> {
  const startAfter =
    opts.startAfterMs && opts.startAfterMs > 0 ? `${opts.startAfterMs / 1000}` : undefined;
  const key = opts.singletonKey;
  if (!key) {
    await boss.send(name, payload, startAfter ? { startAfter } : {});
    return;
  }
  await deps.database.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`assent-job:${name}:${key}`}))`;
    const waiting = await tx.unsafe(
      `select 1 from ${SCHEMA}.job where name = $1 and singleton_key = $2 and state in ('created', 'retry') limit 1`,
      [name, key],
    );
    if (waiting.length > 0) return;
    // pg-boss's own statements on this transaction: postgres.js wants null, not undefined,
    // and JSON as text (the statement casts `$3::jsonb`).
    const param = (v: unknown) =>
      v === undefined ? null : typeof v === 'object' && v !== null ? JSON.stringify(v) : v;
    const db = {
      executeSql: async (text: string, values: unknown[]) => ({
        rows: await tx.unsafe(text, values.map(param) as never[]),
      }),
    };
    await boss.send(name, payload, {
      singletonKey: key,
      db,
      ...(startAfter ? { startAfter } : {}),
    });
  });
}

/** Polls `job.poll.due()` every `everyMs` (skipping a tick while one runs) and enqueues the job. */
function startPoll(
  boss: PgBoss,
  deps: Deps,
  job: JobDefinition,
  poll: NonNullable<JobDefinition['poll']>,
  log: (line: string) => void,
): NodeJS.Timeout {
  let busy = false;
  return setInterval(() => {
    if (busy) return;
    busy = true;
    poll
      .due(deps)
      .then((due) =>
        due ? sendJob(boss, deps, job.name, {}, { singletonKey: 'poll' }) : undefined,
      )
      .catch((err: unknown) => log(`job ${job.name} poll failed: ${errorClass(err)}`))
      .finally(() => {
        busy = false;
      });
  }, poll.everyMs);
}
