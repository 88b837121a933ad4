// `pnpm assent jobs list | run <name> [json payload]`: the background jobs, and running one now
// in this process (same handler, same configuration as the worker), e.g. after an outage.
import type { CliContext } from '../cli.ts';
import { jobDeps } from '../jobs/job-deps.ts';
import { jobs } from '../jobs/registry.ts';
import { startJobRunner } from '../jobs/runner.ts';

export const summary = 'jobs list | run <name> [json payload]: background jobs';

/** @returns 0 when the job ran, 1 when it failed or is unknown, 2 on wrong usage */
export async function run(args: string[], ctx: CliContext): Promise<number> {
  const [verb, name, payloadText] = args;
  if (verb === 'list') {
    for (const j of jobs)
      ctx.out(`${j.name.padEnd(28)} ${j.schedule ? `cron "${j.schedule}" UTC` : 'on demand'}`);
    return 0;
  }
  if (verb !== 'run' || !name) {
    ctx.out(`Usage: pnpm assent ${summary}`);
    return 2;
  }
  const job = jobs.find((j) => j.name === name);
  if (!job) {
    ctx.out(`Unknown job ${name}. Known: ${jobs.map((j) => j.name).join(', ') || 'none'}`);
    return 1;
  }
  let payload: Record<string, unknown> = {};
  if (payloadText) {
    try {
      const parsed: unknown = JSON.parse(payloadText);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
      payload = parsed as Record<string, unknown>;
    } catch {
      ctx.out('The payload must be a JSON object.');
      return 2;
    }
  }
  const database = await ctx.database();
  const deps = await jobDeps(ctx.config, database, ctx.out, ctx.now);
  // Jobs this one enqueues go to the queue; a worker (or the API) runs them.
  const runner = await startJobRunner(deps, jobs, { worker: false });
  deps.jobs = runner;
  const started = Date.now();
  try {
    await job.handler(deps, payload);
    ctx.out(`${name}: done in ${Date.now() - started} ms`);
    return 0;
  } catch (err) {
    ctx.out(`${name}: failed (${err instanceof Error ? err.name : 'unknown error'})`);
    return 1;
  } finally {
    await runner.stop();
  }
}
