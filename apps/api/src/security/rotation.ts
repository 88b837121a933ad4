// Master key rotation (procedure §2.1; REQUIREMENTS S4): re-wraps every data key under the
// current master key, one key per transaction, so the API keeps serving while it runs.
// Values encrypted with the data keys are untouched; old master key ids keep unwrapping until
// every data key has moved, after which the previous key can leave the configuration.
import { type Db, schema } from '@assent/db';
import { and, asc, eq, ne } from 'drizzle-orm';
import { recordAudit } from '../domain/audit.ts';
import { seal } from './aead.ts';
import { unwrapDataKey, wrapAad } from './keyring.ts';
import type { MasterKey } from './master-keys.ts';

export interface RotationReport {
  /** Data keys re-wrapped by this run. */
  rotated: number;
  /** Data keys already under the current master key. */
  alreadyCurrent: number;
  masterKeyId: string;
}

/**
 * Re-wraps every data key not yet under `masters[0]`. Idempotent: a second run (or a run
 * after a crash) finds nothing or only the rest to do. Each re-wrap writes a `key.rotate`
 * audit event in its own transaction.
 * @param onProgress called after each key with (done, total)
 * @throws Error when a data key is wrapped by a master key that is not configured.
 */
export async function rotateMasterKey(
  db: Db,
  masters: MasterKey[],
  now: () => number,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<RotationReport> {
  const [current] = masters;
  if (!current) throw new Error('no master key configured');
  const todo = await db
    .select({ id: schema.dataKeys.id })
    .from(schema.dataKeys)
    .where(ne(schema.dataKeys.masterKeyId, current.id))
    .orderBy(asc(schema.dataKeys.createdAt));
  const all = await db.$count(schema.dataKeys);
  let rotated = 0;
  for (const { id } of todo) {
    await db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(schema.dataKeys)
        .where(and(eq(schema.dataKeys.id, id), ne(schema.dataKeys.masterKeyId, current.id)))
        .for('update');
      if (!row) return; // another run moved it meanwhile
      const key = unwrapDataKey(row, masters);
      await tx
        .update(schema.dataKeys)
        .set({ masterKeyId: current.id, wrapped: seal(current.key, key, wrapAad(id)) })
        .where(eq(schema.dataKeys.id, id));
      await recordAudit(
        tx,
        {
          actor: { type: 'system' },
          action: 'key.rotate',
          target: id,
          details: { from: row.masterKeyId, to: current.id },
        },
        now(),
      );
      rotated++;
    });
    onProgress(rotated, todo.length);
  }
  return { rotated, alreadyCurrent: all - todo.length, masterKeyId: current.id };
}
