import { createTestDb } from '@assent/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, verifyAuditChain } from './audit.ts';

let database: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => {
  database = await createTestDb();
});
afterAll(() => database.dispose());

describe('audit log', () => {
  it('S7: the chain verifies, and an edit made behind the app is named at its row', async () => {
    const now = Date.parse('2026-03-01T00:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        await database.db.transaction((tx) =>
          recordAudit(
            tx,
            {
              actor: { type: 'staff', id: 'stf_1' },
              action: 'subject.read',
              subjectId: `sub_${i}`,
              target: 'email',
            },
            now + i,
          ),
        ),
      );
    }
    expect(await verifyAuditChain(database.db, 2)).toEqual({ ok: true, checked: 5 });

    // The app cannot edit it: the database refuses.
    await expect(
      database.sql`update audit_events set action = 'nothing' where id = ${ids[2] ?? ''}`,
    ).rejects.toThrow(/append-only/);
    await expect(database.sql`delete from audit_events where id = ${ids[2] ?? ''}`).rejects.toThrow(
      /append-only/,
    );

    // Someone with superuser access disables the trigger and edits a row: verify finds it.
    await database.sql.begin(async (sql) => {
      await sql`alter table audit_events disable trigger audit_events_append_only`;
      await sql`update audit_events set target = 'nothing to see' where id = ${ids[2] ?? ''}`;
      await sql`alter table audit_events enable trigger audit_events_append_only`;
    });
    const verdict = await verifyAuditChain(database.db);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.brokenAt).toMatchObject({ id: ids[2], reason: 'content' });
  });
});
