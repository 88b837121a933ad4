import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classification, personalColumns, tagOf } from './classification.ts';
import * as schema from './schema.ts';
import { createTestDb } from './testing.ts';

const tables = (Object.values(schema) as unknown[]).flatMap((t) =>
  t instanceof PgTable ? [getTableConfig(t)] : [],
);

let database: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => {
  database = await createTestDb();
});
afterAll(() => database.dispose());

describe('classification', () => {
  it('S1: every column of every table in the schema is tagged personal (with a level) or not', () => {
    const untagged = tables.flatMap((t) =>
      t.columns.filter((c) => !tagOf(t.name, c.name)).map((c) => `${t.name}.${c.name}`),
    );
    expect(untagged, 'tag these in packages/db/src/classification.ts').toEqual([]);
  });

  it('S1: every column of the migrated database is tagged too (tables made by raw SQL included)', async () => {
    const rows = await database.sql<{ table_name: string; column_name: string }[]>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' order by table_name, ordinal_position`;
    const untagged = rows
      .filter((r) => !tagOf(r.table_name, r.column_name))
      .map((r) => `${r.table_name}.${r.column_name}`);
    expect(untagged, 'tag these in packages/db/src/classification.ts').toEqual([]);
  });

  it('S1: no tag names a column that does not exist', () => {
    const known = new Set(tables.flatMap((t) => t.columns.map((c) => `${t.name}.${c.name}`)));
    const stale = Object.entries(classification).flatMap(([table, cols]) =>
      Object.keys(cols)
        .map((c) => `${table}.${c}`)
        .filter((k) => !known.has(k)),
    );
    expect(stale).toEqual([]);
  });

  it('S1: L1 columns are encrypted or one-way hashed, or carry a written exception', () => {
    const weak = personalColumns().filter(
      ({ tag }) =>
        tag.level === 'L1' &&
        tag.atRest !== 'encrypted' &&
        tag.atRest !== 'hashed' &&
        !tag.exception,
    );
    expect(weak).toEqual([]);
  });

  it('S2: every personal column has a retention rule, and timed rules name a real column', () => {
    const byTable = new Map(tables.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
    for (const { table, column, tag } of personalColumns()) {
      expect(tag.retention, `${table}.${column}`).toBeDefined();
      if (tag.retention.kind === 'expire') {
        expect(byTable.get(table)?.has(tag.retention.after), `${table}.${column}`).toBe(true);
        expect(tag.retention.days).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('S7: the audit log is kept at least 3 years', () => {
    const ip = tagOf('audit_events', 'ip');
    expect(ip?.personal && ip.retention).toMatchObject({ kind: 'keep' });
    if (ip?.personal && ip.retention.kind === 'keep')
      expect(ip.retention.minDays).toBeGreaterThanOrEqual(1095);
  });
});
