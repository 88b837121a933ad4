// Envelope encryption (procedure §2.1; REQUIREMENTS S1, S4): values are encrypted with
// AES-256-GCM under a data key; data keys are kept in `data_keys` wrapped by a master key
// from configuration. Each value names its data key; the AAD binds it to table, column, row.
// Lookups go through a keyed blind index (HMAC-SHA-256), never by decrypting a table.
import { createHmac, randomBytes } from 'node:crypto';
import { type Db, newId, schema } from '@assent/db';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { recordAudit } from '../domain/audit.ts';
import { DecryptError, open, seal } from './aead.ts';
import { type MasterKey, parseMasterKeys } from './master-keys.ts';

/** Prefix of an encrypted value: `enc1:<data key id>:<sealed>`. */
export const ENCRYPTED_PREFIX = 'enc1:';
/** Serialises data-key creation across API processes (arbitrary constant). */
const KEY_LOCK = 7_310_923;

export type DataKeyPurpose = 'field' | 'index';
type DataKeyRow = typeof schema.dataKeys.$inferSelect;

/** The AAD of a field value: binds it to its table, column and row. */
export function fieldAad(table: string, column: string, rowId: string): string {
  return `${table}.${column}:${rowId}`;
}

/** The AAD of a wrapped data key. */
export const wrapAad = (dataKeyId: string) => `data_keys:${dataKeyId}`;

/** True when a stored value is in the encrypted format. */
export function isEncrypted(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.startsWith(ENCRYPTED_PREFIX);
}

/**
 * Unwraps a data key row with whichever configured master key wrapped it.
 * @throws Error naming the master key id when it is not configured.
 */
export function unwrapDataKey(row: DataKeyRow, masters: MasterKey[]): Buffer {
  const master = masters.find((m) => m.id === row.masterKeyId);
  if (!master) throw new Error(`master key ${row.masterKeyId} is not configured`);
  return open(master.key, row.wrapped, wrapAad(row.id));
}

export interface Keyring {
  /** Id of the master key new data keys are wrapped with. */
  readonly masterKeyId: string;
  readonly masters: readonly MasterKey[];
  /** Encrypts a value for `aad` (see `fieldAad`) with the active field data key. */
  encrypt(plain: string, aad: string): Promise<string>;
  /**
   * Decrypts a value; a value not in the encrypted format (written before encryption) is
   * returned as it is. @throws DecryptError when it does not open with this AAD.
   */
  decrypt(stored: string, aad: string): Promise<string>;
  /** Keyed blind index of a value: HMAC-SHA-256 (hex) under the index key, per `kind`. */
  blindIndex(kind: 'email' | 'external_id' | (string & {}), value: string): string;
}

async function ensureKey(db: Db, purpose: DataKeyPurpose, master: MasterKey, now: number) {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${KEY_LOCK})`);
    const [live] = await tx
      .select()
      .from(schema.dataKeys)
      .where(and(eq(schema.dataKeys.purpose, purpose), isNull(schema.dataKeys.retiredAt)))
      .orderBy(desc(schema.dataKeys.createdAt))
      .limit(1);
    if (live) return live;
    const id = newId('dk', now);
    const row = {
      id,
      purpose,
      masterKeyId: master.id,
      wrapped: seal(master.key, randomBytes(32), wrapAad(id)),
      createdAt: new Date(now),
    };
    await tx.insert(schema.dataKeys).values(row);
    await recordAudit(
      tx,
      {
        actor: { type: 'system' },
        action: 'key.create',
        target: id,
        details: { purpose, masterKeyId: master.id },
      },
      now,
    );
    return { ...row, retiredAt: null };
  });
}

/**
 * Opens the keyring: creates the field and index data keys on first use (audited
 * `key.create`), then unwraps every data key the configured master keys can open.
 * @param masters current master key first, then previous ones (still accepted for unwrapping)
 * @throws Error when an active data key is wrapped by a master key that is not configured.
 */
export async function openKeyring(db: Db, masters: MasterKey[], now: number): Promise<Keyring> {
  const [current] = masters;
  if (!current) throw new Error('no master key configured');
  const field = await ensureKey(db, 'field', current, now);
  const indexRow = await ensureKey(db, 'index', current, now);
  const indexKey = unwrapDataKey(indexRow, masters);
  const cache = new Map<string, Buffer>();
  const activeField = field.id;
  cache.set(field.id, unwrapDataKey(field, masters));

  const load = async (id: string): Promise<Buffer> => {
    const hit = cache.get(id);
    if (hit) return hit;
    const [row] = await db.select().from(schema.dataKeys).where(eq(schema.dataKeys.id, id));
    if (!row) throw new DecryptError(`unknown data key ${id}`);
    const key = unwrapDataKey(row, masters);
    cache.set(id, key);
    return key;
  };

  return {
    masterKeyId: current.id,
    masters,
    async encrypt(plain, aad) {
      const key = await load(activeField);
      return `${ENCRYPTED_PREFIX}${activeField}:${seal(key, Buffer.from(plain, 'utf8'), aad)}`;
    },
    async decrypt(stored, aad) {
      if (!isEncrypted(stored)) return stored;
      const rest = stored.slice(ENCRYPTED_PREFIX.length);
      const sep = rest.indexOf(':');
      if (sep < 0) throw new DecryptError('malformed encrypted value');
      const key = await load(rest.slice(0, sep));
      return open(key, rest.slice(sep + 1), aad).toString('utf8');
    },
    blindIndex(kind, value) {
      return createHmac('sha256', indexKey).update(`${kind}\n${value}`).digest('hex');
    },
  };
}

export type { DataKeyRow };

/** Opens the keyring from configuration (server.ts, testing.ts, workers, CLI). */
export async function keyringFromConfig(
  db: Db,
  security: { masterKey: string; previousMasterKeys: string },
  now: number,
): Promise<Keyring> {
  return openKeyring(db, parseMasterKeys(security.masterKey, security.previousMasterKeys), now);
}
