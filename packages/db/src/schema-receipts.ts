// Signing keys of consent receipts (REQUIREMENTS P3, P4): Ed25519 key pairs as JWK; the public
// halves are published at /.well-known/jwks.json, and retired keys stay published so old
// receipts still verify.
import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const receiptSigningKeys = pgTable('receipt_signing_keys', {
  /** JWK thumbprint (RFC 7638) of the public key; the JWS `kid`. */
  kid: text('kid').primaryKey(),
  /** JWS algorithm, `EdDSA` (Ed25519). */
  alg: text('alg').notNull(),
  publicJwk: jsonb('public_jwk').$type<Record<string, unknown>>().notNull(),
  /**
   * Private JWK JSON (L1 key material), as given by ASSENT_RECEIPT_SIGNING_KEY or generated on
   * first use; stored encrypted (`enc1:…`, AAD `receipt_signing_keys.private_jwk:<kid>`).
   */
  privateJwk: text('private_jwk').notNull(),
  /** `generated` or `configured`. */
  origin: text('origin').notNull(),
  createdAt: ts('created_at').notNull(),
  /** Set when another key became the active one; still published for verification. */
  retiredAt: ts('retired_at'),
});
