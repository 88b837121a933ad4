// What every request handler can reach through the typed Hono context.
import type { Database } from '@assent/db';
import type { Config } from './env.ts';
import type { Mailer } from './mailer.ts';

/** Injectable clock (epoch ms) so tests can move time. */
export type Clock = () => number;

export interface Deps {
  database: Database;
  config: Config;
  clock: Clock;
  mailer: Mailer;
  /** Folders with built static assets; absent folders are simply not served. */
  assets?: { sdkDist?: string; portalDist?: string };
}

export interface AppEnv {
  Variables: {
    deps: Deps;
    property: import('./domain/properties.ts').PropertyRow;
  };
}
