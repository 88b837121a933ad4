// Data subjects as a property knows them: an anonymous device first, the product's own user
// once its backend vouches for them (identify), both merged into one subject.
import { createHash } from 'node:crypto';
import { type Db, newId, schema } from '@assent/db';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { ApiError } from '../errors.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Conn = Db | Tx;

const DEVICE_ID = /^[A-Za-z0-9_-]{22,128}$/;

/**
 * The stored key of a device: SHA-256 (hex) of the random id the widget keeps, so a leaked
 * table does not hand out bearer ids.
 * @throws ApiError `invalid_request` when the id is not 22–128 base64url/hex characters.
 */
export function deviceKey(deviceId: string | undefined): string {
  if (!deviceId || !DEVICE_ID.test(deviceId)) {
    throw new ApiError(
      'invalid_request',
      'X-Assent-Device must be a random id of 22-128 url-safe characters.',
    );
  }
  return createHash('sha256').update(deviceId).digest('hex');
}

/** The subject a device belongs to, or null when the device is new. */
export async function subjectOfDevice(
  db: Conn,
  propertyId: string,
  key: string,
): Promise<string | null> {
  const [row] = await db
    .select({ subjectId: schema.devices.subjectId })
    .from(schema.devices)
    .where(and(eq(schema.devices.id, key), eq(schema.devices.propertyId, propertyId)));
  return row?.subjectId ?? null;
}

/** The device's subject, creating an anonymous subject for a new device (race-safe). */
export async function ensureDeviceSubject(
  db: Conn,
  propertyId: string,
  key: string,
): Promise<string> {
  const found = await subjectOfDevice(db, propertyId, key);
  if (found) return found;
  const subjectId = newId('sub');
  await db.insert(schema.subjects).values({ id: subjectId, propertyId });
  const inserted = await db
    .insert(schema.devices)
    .values({ id: key, propertyId, subjectId })
    .onConflictDoNothing()
    .returning({ id: schema.devices.id });
  if (inserted.length > 0) return subjectId;
  // Another request created the device first: use its subject; ours stays empty and unused.
  const winner = await subjectOfDevice(db, propertyId, key);
  if (!winner) throw new Error('device row vanished');
  return winner;
}

/** Every subject id whose history belongs to `subjectId` (itself and subjects merged into it). */
export async function historySubjects(db: Conn, subjectId: string): Promise<string[]> {
  const merged = await db
    .select({ id: schema.subjects.id })
    .from(schema.subjects)
    .where(eq(schema.subjects.mergedInto, subjectId));
  return [subjectId, ...merged.map((m) => m.id)];
}

/** Active (not merged) subjects linked to an email, across properties. */
export async function subjectsByEmail(db: Conn, email: string) {
  return db
    .select()
    .from(schema.subjects)
    .where(and(eq(schema.subjects.email, email), isNull(schema.subjects.mergedInto)));
}

/** Subjects by id, restricted to a list (used to re-check ownership). */
export async function subjectsByIds(db: Conn, ids: string[]) {
  if (ids.length === 0) return [];
  return db.select().from(schema.subjects).where(inArray(schema.subjects.id, ids));
}
