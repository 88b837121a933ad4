// Test harness: a fresh, migrated database per test file. On PGlite an in-memory instance;
// with DATABASE_URL a new database on that server, dropped afterwards, so test files never
// see each other's rows.
import postgres from 'postgres';
import { createDb, type Database } from './client.ts';

/**
 * Creates an isolated database for one test file.
 * @returns the database and a `dispose()` that closes (and on Postgres drops) it.
 */
export async function createTestDb(): Promise<Database & { dispose(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const database = await createDb({ dataDir: 'memory://' });
    return { ...database, dispose: () => database.close() };
  }
  const name = `assent_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await createDb({ url: url.toString() });
  return {
    ...database,
    async dispose() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
