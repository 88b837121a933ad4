// The local stage: the API (with portal and widget bundles) and the demo shop in one process.
// The shop registers its data provider on start, as a product's backend would, so access and
// erasure requests fan out to it.
import {
  DEMO_IDENTITY_SECRET,
  DEMO_PUBLISHABLE_KEY,
  DEMO_SECRET_KEY,
  loadConfig,
  startApi,
} from '@assent/api';
import { serve } from '@hono/node-server';
import { registerDemoProvider } from './data-provider.ts';
import { createDemoApp } from './index.ts';

export interface Stage {
  apiUrl: string;
  demoUrl: string;
  portalUrl: string;
  mailboxUrl: string;
  /** The shop's data provider, registered with Assent on start (null without the demo seed). */
  dataProviderUrl: string | null;
  databaseKind: string;
  close(): Promise<void>;
}

/**
 * Starts API + demo shop and registers the shop's data provider (when the demo property is
 * seeded). Ports from the environment (PORT, DEMO_PORT; 0 = any free port).
 * @param env environment overrides (tests pass ports 0 and a memory data dir)
 */
export async function startStage(
  env: Record<string, string | undefined> = process.env,
  log = console.log,
): Promise<Stage> {
  const demoPort = Number(env.DEMO_PORT ?? 4001);
  // Bind the demo first so its real port is known for the property's origin allow-list;
  // it answers 503 for the moment until the API is up.
  let demoApp: ReturnType<typeof createDemoApp> | undefined;
  const demoServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        fetch: (req) => demoApp?.fetch(req) ?? new Response('starting', { status: 503 }),
        port: demoPort,
        hostname: env.HOST ?? '127.0.0.1',
      },
      () => resolve(s),
    );
  });
  const address = demoServer.address();
  const port = typeof address === 'object' && address ? address.port : demoPort;
  const demoUrl = `http://localhost:${port}`;
  const config = loadConfig(env);
  const api = await startApi(config, { demoOrigins: [demoUrl, `http://127.0.0.1:${port}`], log });
  demoApp = createDemoApp({
    apiUrl: api.url,
    publishableKey: DEMO_PUBLISHABLE_KEY,
    identitySecret: DEMO_IDENTITY_SECRET,
  });
  let dataProviderUrl: string | null = null;
  if (config.seedDemo) {
    dataProviderUrl = `${demoUrl}/assent/data-provider`;
    try {
      const { stale } = await registerDemoProvider({
        apiUrl: api.url,
        secretKey: DEMO_SECRET_KEY,
        url: dataProviderUrl,
      });
      for (const url of stale)
        log(
          `The demo data provider is also registered at ${url} (an earlier DEMO_PORT); requests wait for it until an operator runs \`pnpm assent requests fail-provider\`.`,
        );
    } catch (err) {
      await new Promise<void>((resolve) => demoServer.close(() => resolve()));
      await api.close();
      throw err;
    }
  }
  return {
    apiUrl: api.url,
    demoUrl,
    portalUrl: `${api.url}/portal/`,
    mailboxUrl: `${api.url}/dev/mailbox`,
    dataProviderUrl,
    databaseKind: api.databaseKind,
    async close() {
      await new Promise<void>((resolve) => demoServer.close(() => resolve()));
      await api.close();
    },
  };
}
