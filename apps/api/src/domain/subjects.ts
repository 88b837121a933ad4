// Data subjects as a property knows them: an anonymous device first, the product's own user
// once its backend vouches for them (identify), both merged into one subject.
import { hash } from 'node:crypto';
import { type Db, newId, schema } from '@assent/db';
import { and, eq, inArray, isNotNull, isNull, or } from 'drizzle-orm';
import { ApiError } from '../errors.ts';
import { fieldAad, isEncrypted, type Keyring } from '../security/keyring.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Conn = Db | Tx;

/** The widget's random device id: 22–128 base64url/hex characters. */
export const DEVICE_ID = /^[A-Za-z0-9_-]{22,128}$/;

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
  return hash('sha256', deviceId, 'hex');
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

type SubjectRow = typeof schema.subjects.$inferSelect;

/** Normalised form of an email for the blind index (trimmed, lowercased). */
const normal = (email: string) => email.trim().toLowerCase();

/**
 * The stored columns for a subject's email and external id (S1, S4): AES-256-GCM values bound
 * to `subjects.<column>:<id>` plus their keyed blind indexes; null stays null.
 */
export async function sealedSubjectFields(
  keyring: Keyring,
  subjectId: string,
  fields: { email?: string | null; externalId?: string | null },
) {
  const out: Partial<Pick<SubjectRow, 'email' | 'emailIndex' | 'externalId' | 'externalIdIndex'>> =
    {};
  if (fields.email !== undefined) {
    const email = fields.email === null ? null : normal(fields.email);
    out.email =
      email === null
        ? null
        : await keyring.encrypt(email, fieldAad('subjects', 'email', subjectId));
    out.emailIndex = email === null ? null : keyring.blindIndex('email', email);
  }
  if (fields.externalId !== undefined) {
    const ext = fields.externalId;
    out.externalId =
      ext === null
        ? null
        : await keyring.encrypt(ext, fieldAad('subjects', 'external_id', subjectId));
    out.externalIdIndex = ext === null ? null : keyring.blindIndex('external_id', ext);
  }
  return out;
}

/** A subject row with its email and external id decrypted (for the code that needs them). */
export async function openSubject(keyring: Keyring, row: SubjectRow): Promise<SubjectRow> {
  return {
    ...row,
    email:
      row.email === null
        ? null
        : await keyring.decrypt(row.email, fieldAad('subjects', 'email', row.id)),
    externalId:
      row.externalId === null
        ? null
        : await keyring.decrypt(row.externalId, fieldAad('subjects', 'external_id', row.id)),
  };
}

/**
 * Active (not merged) subjects linked to an email, across properties, found through the
 * email's blind index (never by decrypting the table); email and external id come decrypted.
 * @param keyring computes the blind index and opens the fields (`deps.keyring`)
 */
export async function subjectsByEmail(db: Conn, email: string, keyring: Keyring) {
  const rows = await db
    .select()
    .from(schema.subjects)
    .where(
      and(
        eq(schema.subjects.emailIndex, keyring.blindIndex('email', normal(email))),
        isNull(schema.subjects.mergedInto),
      ),
    );
  return Promise.all(rows.map((r) => openSubject(keyring, r)));
}

/**
 * Subjects by id, restricted to a list (used to re-check ownership); decrypted.
 * @param keyring opens the email and external id (`deps.keyring`)
 */
export async function subjectsByIds(db: Conn, ids: string[], keyring: Keyring) {
  if (ids.length === 0) return [];
  const rows = await db.select().from(schema.subjects).where(inArray(schema.subjects.id, ids));
  return Promise.all(rows.map((r) => openSubject(keyring, r)));
}

/**
 * Encrypts subject rows written before field encryption (plain email / external id, no
 * blind index). Idempotent; run at start-up. @returns rows converted
 */
export async function encryptLegacySubjects(db: Db, keyring: Keyring): Promise<number> {
  const legacy = await db
    .select()
    .from(schema.subjects)
    .where(
      or(
        and(isNotNull(schema.subjects.email), isNull(schema.subjects.emailIndex)),
        and(isNotNull(schema.subjects.externalId), isNull(schema.subjects.externalIdIndex)),
      ),
    );
  for (const row of legacy) {
    const fields = {
      ...(row.email !== null && !isEncrypted(row.email) ? { email: row.email } : {}),
      ...(row.externalId !== null && !isEncrypted(row.externalId)
        ? { externalId: row.externalId }
        : {}),
    };
    await db
      .update(schema.subjects)
      .set(await sealedSubjectFields(keyring, row.id, fields))
      .where(eq(schema.subjects.id, row.id));
  }
  return legacy.length;
}

/**
 * Erasure (PIPL 47; GDPR 17): removes every identifier a subject row holds (email, the
 * product's user id and their blind indexes), so consent evidence kept under legal hold can
 * no longer be linked to a person. (Added by the requests area; keep it in step with new
 * identifier columns.)
 */
export async function forgetSubjectIdentifiers(db: Conn, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(schema.subjects)
    .set({ email: null, emailIndex: null, externalId: null, externalIdIndex: null })
    .where(inArray(schema.subjects.id, ids));
}
