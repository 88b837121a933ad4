// The operator commands for the audit log and the master key (REQUIREMENTS S4, S7).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb } from '@assent/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../cli.ts';
import { recordAudit } from '../domain/audit.ts';
import { loadConfig } from '../env.ts';
import { run as audit } from './audit.ts';
import { run as masterKey } from './master-key.ts';

let database: Awaited<ReturnType<typeof createTestDb>>;
let lines: string[] = [];
const t0 = Date.parse('2026-05-01T00:00:00Z');
const ctx = (): CliContext => ({
  config: loadConfig({ NODE_ENV: 'test' }),
  database: async () => database,
  out: (l) => lines.push(l),
  now: () => t0 + 10 * 86_400_000,
});
const ids: string[] = [];

beforeAll(async () => {
  database = await createTestDb();
  for (let day = 0; day < 6; day++)
    ids.push(
      await database.db.transaction((tx) =>
        recordAudit(
          tx,
          {
            actor: { type: 'staff', id: 'stf_1' },
            action: 'subject.read',
            subjectId: `sub_${day}`,
          },
          t0 + day * 86_400_000,
        ),
      ),
    );
});
afterAll(() => database.dispose());

describe('pnpm assent audit', () => {
  it('S7: export writes a date range as NDJSON with chain proofs that verify on their own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assent-audit-'));
    const file = join(dir, 'may.ndjson');
    lines = [];
    const code = await audit(
      ['export', '--from', '2026-05-02', '--to', '2026-05-05', '--out', file],
      ctx(),
    );
    expect(code).toBe(0);
    const out = readFileSync(file, 'utf8').trim().split('\n');
    expect(out).toHaveLength(5); // header, 3 events, trailer
    const header = JSON.parse(out[0] ?? '');
    const first = JSON.parse(out[1] ?? '');
    expect(header.anchorHash).toHaveLength(64);
    expect(first).toMatchObject({ id: ids[1], prevHash: header.anchorHash });
    lines = [];
    expect(await audit(['verify-file', file], ctx())).toBe(0);
    expect(lines.join()).toMatch(/intact: 3 events/);
    // An edited line in the file is caught.
    const edited = out.map((l, i) => (i === 2 ? l.replace('sub_2', 'sub_9') : l));
    writeFileSync(file, edited.join('\n'));
    lines = [];
    expect(await audit(['verify-file', file], ctx())).toBe(1);
    expect(lines.join()).toMatch(/line 3: content/);
    // The export itself is audited.
    const [row] =
      await database.sql`select details from audit_events where action = 'audit.export'`;
    expect(row?.details).toEqual({ events: 3 });
  });

  it('S7: verify names the first edited row, made behind the app with the trigger disabled', async () => {
    lines = [];
    expect(await audit(['verify'], ctx())).toBe(0);
    expect(lines.join()).toMatch(/intact/);
    await database.sql.begin(async (sql) => {
      await sql`alter table audit_events disable trigger audit_events_append_only`;
      await sql`update audit_events set subject_id = 'sub_x' where id = ${ids[3] ?? ''}`;
      await sql`alter table audit_events enable trigger audit_events_append_only`;
    });
    lines = [];
    expect(await audit(['verify'], ctx())).toBe(1);
    expect(lines.join()).toContain(`BROKEN at seq 4 (${ids[3]}): the row was edited`);
  });

  it('S4: master-key split prints shares and combine restores the configured key', async () => {
    lines = [];
    expect(await masterKey(['split', '--shares', '3', '--threshold', '2'], ctx())).toBe(0);
    const shares = lines.filter((l) => l.startsWith('assent-share:'));
    expect(shares).toHaveLength(3);
    lines = [];
    expect(await masterKey(['combine', shares[2] ?? '', shares[0] ?? ''], ctx())).toBe(0);
    expect(lines).toContain(loadConfig({ NODE_ENV: 'test' }).security.masterKey);
    lines = [];
    expect(await masterKey(['combine', shares[1] ?? ''], ctx())).toBe(1);
  });
});
