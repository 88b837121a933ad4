// A separate job worker process: `pnpm --filter @assent/api worker` (or `node --import tsx
// src/worker.ts`). Run it next to API processes started with ASSENT_WORKER=false. It needs
// DATABASE_URL: the embedded PGlite belongs to the one process that opened its data folder.
import { createDb } from '@assent/db';
import { loadConfig } from './env.ts';
import { jobDeps } from './jobs/job-deps.ts';
import { jobs } from './jobs/registry.ts';
import { startJobRunner } from './jobs/runner.ts';

const config = loadConfig();
if (!config.databaseUrl) {
  console.error(
    'The worker needs DATABASE_URL. On the embedded database jobs run inside the API process.',
  );
  process.exit(2);
}
const database = await createDb({ url: config.databaseUrl });
const deps = await jobDeps(config, database, console.log);
const runner = await startJobRunner(deps, jobs, { worker: true, log: console.log });
deps.jobs = runner;
console.log(`Assent worker: ${jobs.length} job queues (${jobs.map((j) => j.name).join(', ')})`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void runner
      .stop()
      .then(() => database.close())
      .then(() => process.exit(0));
  });
}
