// What every request handler can reach through the typed Hono context.
import type { Database } from '@assent/db';
import type { Config } from './env.ts';
import type { Mailer } from './mailer.ts';
import type { Keyring } from './security/keyring.ts';

/** Injectable clock (epoch ms) so tests can move time. */
export type Clock = () => number;

/** Options of an enqueued job: `startAfterMs` is a delay from now (ms). */
export interface SendOptions {
  startAfterMs?: number;
  /** At most one waiting job per name and key (see jobs/runner.ts). */
  singletonKey?: string;
}

/** Enqueues a job of apps/api/src/jobs/registry.ts; it runs in a worker (maybe another process). */
export interface JobSender {
  send(name: string, payload: Record<string, unknown>, opts?: SendOptions): Promise<void>;
}

export interface Deps {
  database: Database;
  config: Config;
  clock: Clock;
  mailer: Mailer;
  /** Field encryption and blind index keys (security/keyring.ts; REQUIREMENTS S1, S4). */
  keyring: Keyring;
  /** Folders with built static assets; absent folders are simply not served. */
  assets?: { sdkDist?: string; portalDist?: string };
  /** The job queue, when a runner was started (server.ts, worker.ts, the jobs CLI). */
  jobs?: JobSender;
}

export interface AppEnv {
  Variables: {
    deps: Deps;
    property: import('./domain/properties.ts').PropertyRow;
  };
}
