// Starting the API process: database (migrated), demo seed, HTTP server.
import { fileURLToPath } from 'node:url';
import { createDb } from '@assent/db';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import type { Deps } from './context.ts';
import { configureStateCache } from './domain/state-cache.ts';
import { encryptLegacySubjects } from './domain/subjects.ts';
import type { Config } from './env.ts';
import { jobs } from './jobs/registry.ts';
import { startJobRunner } from './jobs/runner.ts';
import { mailerFromConfig } from './mailer.ts';
import { keyringFromConfig } from './security/keyring.ts';
import { encryptStoredSecrets } from './security/stored-secrets.ts';
import { seedDemo } from './seed/seed-demo.ts';

export interface RunningApi {
  url: string;
  databaseKind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Opens the database, applies migrations, seeds the demo property (when configured), and
 * listens on `config.host:config.port` (port 0 picks a free one).
 * @param demoOrigins origins the demo property accepts (the demo shop's URLs).
 */
export async function startApi(
  config: Config,
  options: { demoOrigins?: string[]; log?: (line: string) => void } = {},
): Promise<RunningApi> {
  const log = options.log ?? console.log;
  const database = await createDb({ url: config.databaseUrl, dataDir: config.dataDir });
  configureStateCache(database, config.stateCache);
  if (config.production && config.devMailbox)
    throw new Error('the dev mailbox cannot run in production');
  const keyring = await keyringFromConfig(database.db, config.security, Date.now());
  if (config.seedDemo) await seedDemo(database, options.demoOrigins ?? [], keyring);
  await encryptLegacySubjects(database.db, keyring);
  await encryptStoredSecrets(database.db, keyring, Date.now());
  const deps: Deps = {
    database,
    config,
    clock: Date.now,
    mailer: mailerFromConfig(config, database, log),
    keyring,
    assets: {
      sdkDist: here('../../../packages/sdk/dist'),
      portalDist: here('../../portal/dist'),
    },
  };
  // Jobs run in this process unless ASSENT_WORKER=false (then `worker.ts` runs them).
  const runner = await startJobRunner(deps, jobs, { worker: config.worker, log });
  deps.jobs = runner;
  const app = createApp(deps, log);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    url: `http://localhost:${port}`,
    databaseKind: database.kind,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runner.stop();
      await database.close();
    },
  };
}
