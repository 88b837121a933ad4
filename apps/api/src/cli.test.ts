// `pnpm assent …` as an operator runs it: every command names the database it opens, and an
// embedded data folder held by a running server is refused instead of silently forked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Database } from '@assent/db';
import { createTestDb } from '@assent/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, describeDatabase, main } from './cli.ts';
import { DEMO_CONFIG_FILE } from './seed/demo-property.ts';

let database: Database & { dispose(): Promise<void> };
const dirs: string[] = [];
beforeAll(async () => {
  database = await createTestDb();
});
afterAll(async () => {
  await database.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('pnpm assent: which database', () => {
  it('names the database without credentials', () => {
    const named = describeDatabase({
      databaseUrl: 'postgres://assent:s3cret@db.internal:5433/consents',
      dataDir: '/unused',
    });
    expect(named).toBe('Postgres db.internal:5433/consents');
    expect(named).not.toMatch(/s3cret|assent:/);
    expect(describeDatabase({ databaseUrl: undefined, dataDir: '/srv/assent/data' })).toBe(
      'embedded PGlite at /srv/assent/data',
    );
  });

  it('a writing command prints the database it used on stderr before its result', async () => {
    const run = io();
    const env = { NODE_ENV: 'test', DATABASE_URL: database.url };
    expect(await main(['apply', DEMO_CONFIG_FILE.pathname], env, run)).toBe(0);
    const url = new URL(database.url);
    expect(run.stderr).toEqual([`Database: Postgres ${url.host}${url.pathname}`]);
    expect(run.stdout[0]).toMatch(/^(Created|Updated) property prop_/);
  });
});

describe('pnpm assent on the embedded database', () => {
  it('refuses the data folder while another process (pnpm start) holds it, then works once it is free', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assent-cli-'));
    dirs.push(dir);
    const env = { NODE_ENV: 'test', ASSENT_DATA_DIR: dir };
    const server = await createDb({ dataDir: dir }); // what `pnpm start` holds

    const refused = io();
    expect(await main(['apply', DEMO_CONFIG_FILE.pathname], env, refused)).toBe(1);
    expect(refused.stdout).toEqual([]);
    expect(refused.stderr[0]).toBe(`Database: embedded PGlite at ${dir}`);
    expect(refused.stderr.join('\n')).toContain(
      "Stop `pnpm start` first, or set DATABASE_URL to the server's Postgres.",
    );
    // Nothing was written behind the holder's back.
    expect(await server.sql`select id from properties`).toHaveLength(0);
    await server.close();

    const ok = io();
    expect(await main(['apply', DEMO_CONFIG_FILE.pathname], env, ok)).toBe(0);
    expect(ok.stderr).toEqual([`Database: embedded PGlite at ${dir}`]);
    expect(ok.stdout[0]).toMatch(/^Created property prop_/);
  });
});
