// The job runner on a real database (PGlite through its socket, or Postgres with DATABASE_URL).
import { createTestDb } from '@assent/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../context.ts';
import { loadConfig } from '../env.ts';
import { jobDeps } from './job-deps.ts';
import { defineJob, type JobDefinition } from './registry.ts';
import { type JobRunner, startJobRunner } from './runner.ts';

let database: Awaited<ReturnType<typeof createTestDb>>;
let deps: Deps;
const runners: JobRunner[] = [];

beforeAll(async () => {
  database = await createTestDb();
  deps = await jobDeps(loadConfig({ NODE_ENV: 'test' }), database, () => {});
});
afterAll(async () => {
  for (const r of runners) await r.stop().catch(() => {});
  await database.dispose();
});

async function start(jobs: JobDefinition[], worker: boolean) {
  const runner = await startJobRunner(deps, jobs, {
    worker,
    pollingIntervalSeconds: 0.5,
    retryDelaySeconds: 1,
  });
  runners.push(runner);
  return runner;
}

async function until(check: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A job that records each payload it is given. */
function recorder(name: string, extra: Partial<JobDefinition> = {}) {
  const seen: Record<string, unknown>[] = [];
  const job = defineJob({
    name,
    async handler(_deps, payload) {
      seen.push(payload);
    },
    ...extra,
  });
  return { job, seen };
}

describe('job runner (pg-boss)', () => {
  it('runs an enqueued job with its payload and the app dependencies', async () => {
    let gotDeps: Deps | undefined;
    const seen: Record<string, unknown>[] = [];
    const job = defineJob({
      name: 'test-hello',
      async handler(d, payload) {
        gotDeps = d;
        seen.push(payload);
      },
    });
    const runner = await start([job], true);
    await runner.send('test-hello', { n: 1 });
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ n: 1 }]);
    expect(gotDeps?.database).toBe(database);
    await runner.stop();
  });

  it('a job enqueued before a restart runs exactly once after it', async () => {
    const { job, seen } = recorder('test-restart');
    const api = await start([job], false);
    await api.send('test-restart', { order: 'A' });
    await api.stop(); // the process goes away before any worker fetched the job
    expect(seen).toHaveLength(0);

    const worker = await start([job], true);
    await until(() => seen.length === 1);
    await sleep(1_500); // three more polls: nothing runs twice
    expect(seen).toEqual([{ order: 'A' }]);
    await worker.stop();

    const again = await start([job], true);
    await sleep(1_200);
    expect(seen).toHaveLength(1);
    await again.stop();
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    let calls = 0;
    const job = defineJob({
      name: 'test-flaky',
      retryLimit: 3,
      async handler() {
        calls++;
        if (calls === 1) throw new Error('first attempt fails');
      },
    });
    const runner = await start([job], true);
    await runner.send('test-flaky', {});
    await until(() => calls === 2, 15_000);
    const [row] = await database.sql`
      select state, retry_count from pgboss.job where name = 'test-flaky'`;
    expect(row).toMatchObject({ retry_count: 1 });
    await runner.stop();
  });

  it('singletonKey: a second send while one is waiting adds nothing', async () => {
    const { job, seen } = recorder('test-singleton');
    const api = await start([job], false);
    await Promise.all([
      api.send('test-singleton', { i: 1 }, { singletonKey: 'k1' }),
      api.send('test-singleton', { i: 2 }, { singletonKey: 'k1' }),
      api.send('test-singleton', { i: 3 }, { singletonKey: 'k2' }),
    ]);
    const rows = await database.sql`
      select singleton_key from pgboss.job where name = 'test-singleton' order by singleton_key`;
    expect(rows.map((r) => r.singleton_key)).toEqual(['k1', 'k2']);
    const worker = await start([job], true);
    await until(() => seen.length === 2);
    await api.stop();
    // once run, the key is free again
    const api2 = await start([job], false);
    await api2.send('test-singleton', { i: 4 }, { singletonKey: 'k1' });
    await until(() => seen.length === 3);
    await worker.stop();
    await api2.stop();
  });

  it('startAfterMs delays a job; unknown job names are refused', async () => {
    const { job, seen } = recorder('test-later');
    const runner = await start([job], true);
    await runner.send('test-later', {}, { startAfterMs: 60_000 });
    await sleep(1_200);
    expect(seen).toHaveLength(0);
    const [row] = await database.sql`
      select extract(epoch from start_after - now()) as wait from pgboss.job where name = 'test-later'`;
    expect(Number(row?.wait)).toBeGreaterThan(50);
    await expect(runner.send('no-such-job', {})).rejects.toThrow(/Unknown job/);
    await runner.stop();
  });

  it('keeps the cron schedules of the job list (UTC), and drops removed ones', async () => {
    const nightly = recorder('test-nightly', { schedule: '15 3 * * *' }).job;
    const old = recorder('test-old', { schedule: '0 * * * *' }).job;
    const first = await start([nightly, old], true);
    await first.stop();
    const second = await start([nightly], true);
    const rows = await database.sql`select name, cron, timezone from pgboss.schedule order by name`;
    expect(rows.map((r) => ({ ...r }))).toEqual([
      { name: 'test-nightly', cron: '15 3 * * *', timezone: 'UTC' },
    ]);
    await second.stop();
  });

  it('a failed job keeps only the error class, never its message (may quote personal data)', async () => {
    const job = defineJob({
      name: 'test-secretive',
      retryLimit: 0,
      async handler() {
        throw new TypeError('no subject for ann@example.com');
      },
    });
    const runner = await start([job], true);
    await runner.send('test-secretive', {});
    let row: { state: string; output: unknown } | undefined;
    const end = Date.now() + 10_000;
    while (row?.state !== 'failed' && Date.now() < end) {
      await sleep(200);
      [row] = (await database.sql`
        select state, output from pgboss.job where name = 'test-secretive'`) as never[];
    }
    expect(row?.state).toBe('failed');
    expect(JSON.stringify(row?.output)).toContain('TypeError');
    expect(JSON.stringify(row?.output)).not.toContain('ann@example.com');
    await runner.stop();
  });
});
