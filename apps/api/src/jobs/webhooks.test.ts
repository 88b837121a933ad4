// End to end through the real runner: a consent decision reaches a local receiver with no
// manual step (outbox poll → pg-boss → dispatch); and `pnpm assent jobs run` runs a job now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as jobsCli } from '../cli/jobs.ts';
import type { CliContext } from '../cli.ts';
import {
  depsOf,
  grantAnalytics,
  register,
  startReceiver,
  verifySignature,
} from '../domain/webhooks-test-kit.ts';
import { loadConfig } from '../env.ts';
import { createTestApp, type TestApp } from '../testing.ts';
import { jobs } from './registry.ts';
import { startJobRunner } from './runner.ts';

let t: TestApp;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  t = await createTestApp();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await t.dispose();
});

async function until(check: () => boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('webhook jobs in the runner', () => {
  it('lists the webhook jobs with their schedules', () => {
    const byName = new Map(jobs.map((j) => [j.name, j]));
    expect(byName.get('webhook-dispatch')?.schedule).toBe('* * * * *');
    expect(byName.get('webhook-dispatch')?.poll?.everyMs).toBeLessThanOrEqual(2_000);
    expect(byName.get('consent-expiring')?.schedule).toBe('7 * * * *');
  });

  it('a recorded decision is delivered within seconds by the running worker', async () => {
    const deps = depsOf(t);
    const runner = await startJobRunner(deps, jobs, { worker: true, pollingIntervalSeconds: 0.5 });
    deps.jobs = runner;
    try {
      const endpoint = await register(t, receiver.url('/live'));
      await grantAnalytics(t);
      await until(() => receiver.at('/live').length === 1);
      const [got] = receiver.at('/live');
      expect(got && verifySignature(endpoint.secret, got)).toBe(true);
    } finally {
      await runner.stop();
    }
  });

  it('`pnpm assent jobs run webhook-dispatch` delivers now; unknown jobs and bad payloads fail', async () => {
    await register(t, receiver.url('/cli'));
    await grantAnalytics(t);
    const lines: string[] = [];
    const ctx: CliContext = {
      config: loadConfig({ NODE_ENV: 'test' }),
      database: async () => t.database,
      out: (l) => lines.push(l),
      now: t.clock.now,
    };
    expect(await jobsCli(['run', 'webhook-dispatch'], ctx)).toBe(0);
    expect(receiver.at('/cli')).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^webhook-dispatch: done in \d+ ms$/);
    expect(await jobsCli(['run', 'no-such-job'], ctx)).toBe(1);
    expect(await jobsCli(['run', 'webhook-dispatch', '[1]'], ctx)).toBe(2);
    expect(await jobsCli(['list'], ctx)).toBe(0);
    expect(lines.some((l) => l.startsWith('consent-expiring'))).toBe(true);
  });
});
