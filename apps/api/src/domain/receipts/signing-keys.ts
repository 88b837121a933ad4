// Consent receipt signing keys (REQUIREMENTS P4): one active Ed25519 key, either given by
// configuration (ASSENT_RECEIPT_SIGNING_KEY) or generated on first use; every key ever used
// stays published in the JWKS so old receipts keep verifying. The private half is stored
// encrypted under the keyring (S1, S4; security/stored-secrets.ts) and opened only to sign.
import { type Db, schema } from '@assent/db';
import { desc, isNull, ne, sql } from 'drizzle-orm';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Keyring } from '../../security/keyring.ts';
import { receiptKeyAad } from '../../security/stored-secrets.ts';

export const RECEIPT_ALG = 'EdDSA';
/** Serialises key creation across API processes (arbitrary constant). */
const KEY_LOCK = 7_310_931;

export interface SigningKey {
  kid: string;
  key: CryptoKey;
}

/** Per database (tests open several), per configured key: the loaded active key. */
const loaded = new WeakMap<Db, Map<string, Promise<SigningKey>>>();

/**
 * The active signing key. A configured key (private JWK JSON) becomes the active one the first
 * time it is seen (the previous one is retired, still published); without one, the newest
 * stored key is used, and a key is generated when there is none (race-safe across processes).
 * @param configured `config.receiptSigningKey`
 * @param now epoch ms
 * @param keyring seals a new key and opens a stored one (`deps.keyring`)
 * @throws DecryptError when the stored key does not open (wrong master key configuration).
 */
export async function activeSigningKey(
  db: Db,
  configured: string | undefined,
  now: number,
  keyring: Keyring,
): Promise<SigningKey> {
  const cacheKey = configured ?? '';
  let cache = loaded.get(db);
  if (!cache) {
    cache = new Map();
    loaded.set(db, cache);
  }
  let found = cache.get(cacheKey);
  if (!found) {
    const own = cache;
    found = loadActive(db, configured, now, keyring);
    own.set(cacheKey, found);
    found.catch(() => own.delete(cacheKey));
  }
  return found;
}

async function loadActive(db: Db, configured: string | undefined, now: number, ring: Keyring) {
  if (configured) {
    const priv = JSON.parse(configured) as JWK;
    const { d: _d, ...pub } = priv;
    const kid = await calculateJwkThumbprint(pub);
    await store(db, ring, { kid, pub, priv, origin: 'configured', now });
    return { kid, key: (await importJWK(priv, RECEIPT_ALG)) as CryptoKey };
  }
  const row = await newest(db);
  if (row) return toKey(row, ring);
  const pair = await generateKeyPair(RECEIPT_ALG, { crv: 'Ed25519', extractable: true });
  const priv = await exportJWK(pair.privateKey);
  const pub = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const winner = await store(db, ring, {
    kid,
    pub,
    priv,
    origin: 'generated',
    now,
    onlyIfNone: true,
  });
  return toKey(winner, ring);
}

type KeyRow = typeof schema.receiptSigningKeys.$inferSelect;

async function newest(db: Db): Promise<KeyRow | undefined> {
  const [row] = await db
    .select()
    .from(schema.receiptSigningKeys)
    .where(isNull(schema.receiptSigningKeys.retiredAt))
    .orderBy(desc(schema.receiptSigningKeys.createdAt))
    .limit(1);
  return row;
}

/** Opens a stored key (a value written before encryption is plain JSON and opens as it is). */
async function toKey(row: KeyRow, ring: Keyring): Promise<SigningKey> {
  const jwk = JSON.parse(await ring.decrypt(row.privateJwk, receiptKeyAad(row.kid))) as JWK;
  return { kid: row.kid, key: (await importJWK(jwk, RECEIPT_ALG)) as CryptoKey };
}

/** Stores a key as the active one, under a lock; with `onlyIfNone`, an existing active key wins. */
async function store(
  db: Db,
  ring: Keyring,
  k: { kid: string; pub: JWK; priv: JWK; origin: string; now: number; onlyIfNone?: boolean },
): Promise<KeyRow> {
  const sealed = await ring.encrypt(JSON.stringify(k.priv), receiptKeyAad(k.kid));
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${KEY_LOCK})`);
    const [active] = await tx
      .select()
      .from(schema.receiptSigningKeys)
      .where(isNull(schema.receiptSigningKeys.retiredAt))
      .orderBy(desc(schema.receiptSigningKeys.createdAt))
      .limit(1);
    if (active && (k.onlyIfNone || active.kid === k.kid)) return active;
    const row = {
      kid: k.kid,
      alg: RECEIPT_ALG,
      publicJwk: { ...k.pub },
      privateJwk: sealed,
      origin: k.origin,
      createdAt: new Date(k.now),
      retiredAt: null,
    };
    await tx
      .insert(schema.receiptSigningKeys)
      .values(row)
      .onConflictDoUpdate({ target: schema.receiptSigningKeys.kid, set: { retiredAt: null } });
    await tx
      .update(schema.receiptSigningKeys)
      .set({ retiredAt: new Date(k.now) })
      .where(
        sql`${isNull(schema.receiptSigningKeys.retiredAt)} and ${ne(schema.receiptSigningKeys.kid, k.kid)}`,
      );
    return row;
  });
}

/** The public keys of every receipt signing key (active and retired), as a JWKS (RFC 7517). */
export async function receiptJwks(db: Db) {
  const rows = await db
    .select({ kid: schema.receiptSigningKeys.kid, publicJwk: schema.receiptSigningKeys.publicJwk })
    .from(schema.receiptSigningKeys)
    .orderBy(desc(schema.receiptSigningKeys.createdAt));
  return {
    keys: rows.map((r) => ({
      ...(r.publicJwk as { kty: string; crv: string; x: string }),
      kid: r.kid,
      alg: RECEIPT_ALG,
      use: 'sig',
    })),
  };
}
