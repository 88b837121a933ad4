// Product secrets Assent keeps for its own use, under the keyring (REQUIREMENTS S1, S4): the
// identity secret each property's backend signs identity tokens with (HS256) and the private
// key that signs consent receipts. Stored `enc1:<data key>:<sealed>` bound to table, column
// and row, like customer emails; decrypted only where used (identity.ts, receipts/signing-keys.ts).
// Master-key rotation re-wraps their data keys like any other. Values written in plain text
// (before this change, or by a caller without a keyring) are encrypted by `encryptStoredSecrets`,
// which the API runs at start-up and `pnpm assent master-key rotate` / `apply` run too.
import { type Db, schema } from '@assent/db';
import { and, eq, like, not } from 'drizzle-orm';
import { recordAudit } from '../domain/audit.ts';
import { ENCRYPTED_PREFIX, fieldAad, type Keyring } from './keyring.ts';

/** AAD of a property's identity secret. */
export const identitySecretAad = (propertyId: string) =>
  fieldAad('properties', 'identity_secret', propertyId);

/** AAD of a receipt signing key's private JWK. */
export const receiptKeyAad = (kid: string) => fieldAad('receipt_signing_keys', 'private_jwk', kid);

const plain = `${ENCRYPTED_PREFIX}%`;

/**
 * Encrypts every identity secret and receipt private key still stored in plain text.
 * Idempotent (a second run finds nothing); each row is rewritten only if it still holds the
 * plain value read (a concurrent writer wins). One `key.encrypt_stored` audit event per table
 * that had rows to convert.
 * @returns rows converted per table
 */
export async function encryptStoredSecrets(
  db: Db,
  keyring: Keyring,
  now: number,
): Promise<{ properties: number; receiptSigningKeys: number }> {
  const props = await db
    .select({ id: schema.properties.id, secret: schema.properties.identitySecret })
    .from(schema.properties)
    .where(not(like(schema.properties.identitySecret, plain)));
  let properties = 0;
  for (const p of props) {
    const sealed = await keyring.encrypt(p.secret, identitySecretAad(p.id));
    const done = await db
      .update(schema.properties)
      .set({ identitySecret: sealed })
      .where(and(eq(schema.properties.id, p.id), eq(schema.properties.identitySecret, p.secret)))
      .returning({ id: schema.properties.id });
    properties += done.length;
  }
  const keys = await db
    .select({ kid: schema.receiptSigningKeys.kid, jwk: schema.receiptSigningKeys.privateJwk })
    .from(schema.receiptSigningKeys)
    .where(not(like(schema.receiptSigningKeys.privateJwk, plain)));
  let receiptSigningKeys = 0;
  for (const k of keys) {
    const sealed = await keyring.encrypt(k.jwk, receiptKeyAad(k.kid));
    const done = await db
      .update(schema.receiptSigningKeys)
      .set({ privateJwk: sealed })
      .where(
        and(
          eq(schema.receiptSigningKeys.kid, k.kid),
          eq(schema.receiptSigningKeys.privateJwk, k.jwk),
        ),
      )
      .returning({ kid: schema.receiptSigningKeys.kid });
    receiptSigningKeys += done.length;
  }
  const audit = [
    ['properties(identity_secret)', properties],
    ['receipt_signing_keys(private_jwk)', receiptSigningKeys],
  ] as const;
  for (const [target, rows] of audit)
    if (rows > 0)
      await db.transaction((tx) =>
        recordAudit(
          tx,
          { actor: { type: 'system' }, action: 'key.encrypt_stored', target, details: { rows } },
          now,
        ),
      );
  return { properties, receiptSigningKeys };
}
