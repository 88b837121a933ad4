// Subjects as the product's backend names them (server API): by its own user id, found through
// the keyed blind index (the id itself is stored encrypted; S1). The processing check reads
// subjects by either name in one statement (consent-batch.ts `processingState`).
import { type Db, newId, schema } from '@assent/db';
import { and, eq } from 'drizzle-orm';
import type { Keyring } from '../security/keyring.ts';
import { sealedSubjectFields } from './subjects.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Conn = Db | Tx;

/**
 * The user subject a property knows by the product's user id, or null.
 * User subjects are never merged into others, so the id is the one that holds the state.
 */
export async function userSubjectId(
  db: Conn,
  keyring: Keyring,
  propertyId: string,
  externalId: string,
): Promise<string | null> {
  const [row] = await db
    .select({ id: schema.subjects.id })
    .from(schema.subjects)
    .where(
      and(
        eq(schema.subjects.propertyId, propertyId),
        eq(schema.subjects.externalIdIndex, keyring.blindIndex('external_id', externalId)),
      ),
    )
    .limit(1);
  return row?.id ?? null;
}

/**
 * The user subject for a product user id, created (sealed, race-safe) when new. The server
 * API is authenticated by the property's secret key, so its user ids are trusted like a
 * signed identity token's `sub`.
 */
export async function ensureUserSubject(
  tx: Tx,
  keyring: Keyring,
  propertyId: string,
  externalId: string,
): Promise<string> {
  const found = await userSubjectId(tx, keyring, propertyId, externalId);
  if (found) return found;
  const id = newId('sub');
  const sealed = await sealedSubjectFields(keyring, id, { externalId });
  await tx
    .insert(schema.subjects)
    .values({ id, propertyId, ...sealed })
    .onConflictDoNothing();
  const winner = await userSubjectId(tx, keyring, propertyId, externalId);
  if (!winner) throw new Error('user subject vanished');
  return winner;
}
