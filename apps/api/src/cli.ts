// `pnpm assent <command> [args]`: operator commands. Each command is a module in ./cli/
// exporting `summary` and `run(args, ctx)`; the database is opened from the same
// configuration as the API (DATABASE_URL, or the embedded PGlite data folder).
import { createDb, type Database } from '@assent/db';
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

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const load = name ? commands[name] : undefined;
  if (!load) {
    console.log('Usage: pnpm assent <command> [args]\n\nCommands:');
    for (const [n, l] of Object.entries(commands))
      console.log(`  ${n.padEnd(16)} ${(await l()).summary}`);
    return name ? 2 : 0;
  }
  const config = loadConfig();
  let db: Database | undefined;
  const ctx: CliContext = {
    config,
    database: async () => {
      db ??= await createDb({ url: config.databaseUrl, dataDir: config.dataDir });
      return db;
    },
    out: (line) => console.log(line),
    now: Date.now,
  };
  try {
    return await (await load()).run(args, ctx);
  } finally {
    await db?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
