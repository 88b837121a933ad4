// The dependencies a job sees when it runs outside the API process (worker.ts, `pnpm assent
// jobs run`): the same configuration, database, keyring and mailer the API builds.
import type { Database } from '@assent/db';
import type { Deps } from '../context.ts';
import type { Config } from '../env.ts';
import { devMailer } from '../mailer.ts';
import { keyringFromConfig } from '../security/keyring.ts';

/** Builds `Deps` for a job process (no static assets, no job sender yet). */
export async function jobDeps(
  config: Config,
  database: Database,
  log: (line: string) => void,
  clock: () => number = Date.now,
): Promise<Deps> {
  const keyring = await keyringFromConfig(database.db, config.security, clock());
  return { database, config, clock, mailer: devMailer(database, log), keyring };
}
