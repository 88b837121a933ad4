// Starting the API process: database (migrated), demo seed, HTTP server.
import { fileURLToPath } from 'node:url';
import { createDb } from '@assent/db';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import type { Config } from './env.ts';
import { devMailer } from './mailer.ts';
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
  if (config.seedDemo) await seedDemo(database, options.demoOrigins ?? []);
  if (config.production && config.devMailbox)
    throw new Error('the dev mailbox cannot run in production');
  const app = createApp(
    {
      database,
      config,
      clock: Date.now,
      mailer: devMailer(database, log),
      assets: {
        sdkDist: here('../../../packages/sdk/dist'),
        portalDist: here('../../portal/dist'),
      },
    },
    log,
  );
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
      await database.close();
    },
  };
}
