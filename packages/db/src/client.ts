// createDb(): one code path for both backends. With a DATABASE_URL we speak to Postgres;
// without one we start embedded PGlite behind a local Postgres wire-protocol server, so
// postgres.js (and later the job queue) use it exactly as they use a real server.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDataDir } from './data-dir-lock.ts';
import { servePglite } from './pglite-server.ts';
import * as schema from './schema.ts';

export type Db = PostgresJsDatabase<typeof schema>;

export interface Database {
  /** drizzle over postgres.js; use `db.transaction()` for multi-row changes. */
  db: Db;
  /** The raw postgres.js client, for SQL drizzle cannot express. */
  sql: postgres.Sql;
  /** `postgres` for a real server, `pglite` for the embedded default. */
  kind: 'postgres' | 'pglite';
  /** A connection string other clients (job queue, psql) can use while this is open. */
  url: string;
  /**
   * Runs `hook` when `close()` is called, before the pool ends (e.g. to flush and close a
   * connection of one's own). Hooks run in the order given; one that throws does not stop the
   * others.
   */
  onClose(hook: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** Postgres connection string; when absent the embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data folder (kept across restarts); `memory://` for a throw-away database. */
  dataDir?: string | undefined;
  /** Apply committed migrations before returning (default true). */
  migrate?: boolean;
  /** Pool size of the postgres.js client (default 10; 4 on PGlite, which runs one query at a time). */
  max?: number;
}

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));
/** Arbitrary constant: serialises migrations when several API processes start at once. */
const MIGRATION_LOCK = 7_310_921;

/**
 * Opens the database and applies migrations. An embedded data folder is held by one process
 * at a time (`assent.lock` in the folder, released by close() or at exit).
 * @throws DataDirInUseError when another live process holds the embedded data folder.
 * @throws when the server cannot be reached or a migration fails (nothing half-applied:
 *   each migration runs in a transaction).
 */
export async function createDb(options: CreateDbOptions = {}): Promise<Database> {
  let url = options.url;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    const dataDir = options.dataDir ?? 'memory://';
    let unlock = () => {};
    if (!dataDir.startsWith('memory://')) {
      mkdirSync(dataDir, { recursive: true });
      unlock = lockDataDir(dataDir);
    }
    let pglite: PGlite;
    let server: Awaited<ReturnType<typeof servePglite>>;
    try {
      pglite = await PGlite.create(dataDir);
      server = await servePglite(pglite);
    } catch (err) {
      unlock();
      throw err;
    }
    url = server.url;
    stopEmbedded = async () => {
      await server.close();
      await pglite.close();
      unlock();
    };
  }
  const sql = postgres(url, {
    max: options.max ?? (stopEmbedded ? 4 : 10),
    onnotice: () => {},
    connection: { application_name: 'assent' },
  });
  const db = drizzle(sql, { schema });
  if (options.migrate ?? true) {
    try {
      await applyMigrations(url);
    } catch (err) {
      await sql.end({ timeout: 5 });
      await stopEmbedded?.();
      throw err;
    }
  }
  const closeHooks: (() => Promise<void> | void)[] = [];
  const database: Database = {
    db,
    sql,
    kind: stopEmbedded ? 'pglite' : 'postgres',
    url,
    onClose(hook) {
      closeHooks.push(hook);
    },
    async close() {
      for (const hook of closeHooks.splice(0))
        await Promise.resolve()
          .then(hook)
          .catch(() => {});
      await sql.end({ timeout: 5 });
      await stopEmbedded?.();
    },
  };
  opened.set(db, database);
  opened.set(sql, database);
  return database;
}

const opened = new WeakMap<object, Database>();

/**
 * The `Database` that `createDb` returned with this drizzle `db` or postgres.js `sql`
 * (undefined for a transaction handle or a client made elsewhere). For code that is given a
 * handle but must act after its commit on the whole database (e.g. report a change to the other
 * processes).
 */
export function databaseOf(handle: Db | postgres.Sql): Database | undefined {
  return opened.get(handle);
}

/** Migrates on one dedicated connection, holding a session advisory lock while it runs. */
async function applyMigrations(url: string): Promise<void> {
  const conn = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await conn`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(conn, { schema }), { migrationsFolder });
    await conn`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await conn.end({ timeout: 5 });
  }
}
