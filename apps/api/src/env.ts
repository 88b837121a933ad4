// Configuration, parsed once at start-up with zod and failing closed. Nothing else reads process.env.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Postgres connection string; when unset Assent runs on embedded PGlite. */
  DATABASE_URL: z.string().url().optional(),
  /** PGlite data folder for the embedded default (default: `.assent/data` at the repository root). */
  ASSENT_DATA_DIR: z
    .string()
    .default(fileURLToPath(new URL('../../../.assent/data', import.meta.url))),
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  /** Public URL of this API (used in links and printed at start). */
  ASSENT_PUBLIC_URL: z.string().url().optional(),
  /** Seed the demo property on start (default on outside production). */
  ASSENT_SEED_DEMO: z.enum(['true', 'false']).optional(),
});

export interface Config {
  production: boolean;
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  publicUrl: string;
  seedDemo: boolean;
  /** Mail goes to the dev mailbox page and the server log; never in production. */
  devMailbox: boolean;
  /** Portal cookies carry `Secure` (off only for plain-HTTP localhost development). */
  secureCookies: boolean;
}

/**
 * Parses configuration from an environment object.
 * @throws Error naming every invalid variable (the process should exit).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const publicUrl = e.ASSENT_PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  return {
    production,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.ASSENT_DATA_DIR,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    seedDemo: e.ASSENT_SEED_DEMO ? e.ASSENT_SEED_DEMO === 'true' : !production,
    devMailbox: !production,
    secureCookies: production || !/^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(publicUrl),
  };
}
