// `pnpm assent <command> [args]`: operator commands. Each command is a module in ./cli/
// exporting `summary` and `run(args, ctx)`; the database is opened from the same
// configuration as the API (DATABASE_URL, or the embedded PGlite data folder).
import { resolve } from 'node:path';
import { createDb, type Database, DataDirInUseError } from '@assent/db';
import { type Config, loadConfig } from './env.ts';

export interface CliContext {
  config: Config;
  /** Opens (and migrates) the database once, on first use. */
  database(): Promise<Database>;
  out(line: string): void;
  now(): number;
}

export interface CliCommand {
  summary: string;
  /** @returns the process exit code */
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** Known commands: name → module under ./cli/. Add a line for a new command. */
export const commands: Record<string, () => Promise<CliCommand>> = {
  apply: () => import('./cli/apply.ts'),
  audit: () => import('./cli/audit.ts'),
  jobs: () => import('./cli/jobs.ts'),
  keys: () => import('./cli/keys.ts'),
  'master-key': () => import('./cli/master-key.ts'),
  providers: () => import('./cli/providers.ts'),
  'rebuild-state': () => import('./cli/rebuild-state.ts'),
  staff: () => import('./cli/staff.ts'),
  requests: () => import('./cli/requests.ts'),
};

/**
 * Names the database a command works on, without credentials: `embedded PGlite at <folder>`
 * or `Postgres <host>[:port]/<database>` (user and password never printed).
 */
export function describeDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
    return `Postgres ${url.host}/${name}`;
  }
  if (config.dataDir.startsWith('memory://')) return 'embedded PGlite in memory (throw-away)';
  return `embedded PGlite at ${resolve(config.dataDir)}`;
}

/** Where a CLI run writes: results on `out` (stdout), notes and refusals on `err` (stderr). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/**
 * Runs one operator command. Before a command first touches the database, one line on `err`
 * names it (`Database: …`, see describeDatabase). An embedded data folder held by another
 * process (`pnpm start`) is refused: PGlite serves one process per folder, so a change made
 * here would be invisible to the server and lost when it writes the folder back.
 * @returns the process exit code (0 ok, 1 failed or refused, 2 usage)
 */
export async function main(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) },
): Promise<number> {
  const [name, ...args] = argv;
  const load = name ? commands[name] : undefined;
  if (!load) {
    io.out('Usage: pnpm assent <command> [args]\n\nCommands:');
    for (const [n, l] of Object.entries(commands))
      io.out(`  ${n.padEnd(16)} ${(await l()).summary}`);
    return name ? 2 : 0;
  }
  const config = loadConfig(env);
  let db: Database | undefined;
  const ctx: CliContext = {
    config,
    database: async () => {
      if (!db) {
        io.err(`Database: ${describeDatabase(config)}`);
        db = await createDb({ url: config.databaseUrl, dataDir: config.dataDir });
      }
      return db;
    },
    out: io.out,
    now: Date.now,
  };
  try {
    return await (await load()).run(args, ctx);
  } catch (err) {
    if (!(err instanceof DataDirInUseError)) throw err;
    io.err(
      `Refused: the embedded database ${err.dataDir} is in use by process ${err.pid} (usually \`pnpm start\`).`,
    );
    io.err(
      "A change made here would not reach the running server and would be lost. Stop `pnpm start` first, or set DATABASE_URL to the server's Postgres.",
    );
    io.err(`(If process ${err.pid} is not Assent, delete ${err.lockFile}.)`);
    return 1;
  } finally {
    await db?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
