// Identity: the product's backend vouches for its own user id with a short-lived signed token;
// an unsigned external id is never trusted.
import { type Db, databaseOf, newId, schema } from '@assent/db';
import { z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { errors as joseErrors, jwtVerify } from 'jose';
import { ApiError } from '../errors.ts';
import type { Keyring } from '../security/keyring.ts';
import { identitySecretAad } from '../security/stored-secrets.ts';
import type { PropertyRow } from './properties.ts';
import { stateChanged } from './state-cache.ts';
import { sealedSubjectFields, subjectOfDevice } from './subjects.ts';

/** The `email` claim: an address, trimmed (RFC 5321 limits it to 254 characters). */
const TokenEmail = z.string().trim().email().max(254);

/** Longest accepted token life (s): identity tokens are minted per page view, not stored. */
export const MAX_TOKEN_LIFETIME_S = 600;

export interface IdentityClaims {
  /** The product's own user id. */
  userId: string;
  /** Contact email, lowercased; links the subject to the portal. */
  email: string | null;
}

/**
 * Verifies an HS256 identity token against the property's identity secret, which is stored
 * encrypted and decrypted here, only for the check (REQUIREMENTS S1, S4).
 * Requires `sub` (a string), `iat` (not in the future, at most 600 s ago), `exp`, and
 * `exp - iat` ≤ 600 s, so no token is usable for more than 10 minutes. An `email` claim, when
 * present, must be an email address (it is stored lowercased). `sub` is stored as sent, so it
 * must be well-formed Unicode without NUL (REQUIREMENTS P1); a payload that is not valid UTF-8
 * is refused by jose's strict decoding.
 * @param now epoch ms (injectable clock)
 * @param keyring opens the stored identity secret (`deps.keyring`)
 * @throws ApiError `invalid_token` (401) for a bad signature, expiry, missing claims, an
 *   `email` claim that is not an address, or a `sub` with a lone surrogate or NUL.
 * @throws DecryptError when the stored secret does not open (wrong master key configuration).
 */
export async function verifyIdentityToken(
  property: PropertyRow,
  token: string,
  now: number,
  keyring: Keyring,
): Promise<IdentityClaims> {
  const secret = await keyring.decrypt(property.identitySecret, identitySecretAad(property.id));
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      currentDate: new Date(now),
      requiredClaims: ['sub', 'exp', 'iat'],
      // Also refuses an `iat` in the future (which would stretch the 10-minute life).
      maxTokenAge: MAX_TOKEN_LIFETIME_S,
    });
    const life = (payload.exp ?? 0) - (payload.iat ?? 0);
    if (life > MAX_TOKEN_LIFETIME_S)
      throw new ApiError('invalid_token', 'Identity tokens may live at most 10 minutes.');
    // A present `email` must be an address: it links the subject to the portal's sign-in.
    let email: string | null = null;
    if (payload.email !== undefined && payload.email !== null) {
      const parsed = TokenEmail.safeParse(payload.email);
      if (!parsed.success)
        throw new ApiError(
          'invalid_token',
          'email must be an email address (at most 254 characters).',
        );
      email = parsed.data.toLowerCase();
    }
    if (typeof payload.sub !== 'string' || !payload.sub || payload.sub.length > 255)
      throw new ApiError('invalid_token', 'sub must be the user id.');
    // The user id is stored as sent or not at all (REQUIREMENTS P1): a lone surrogate would be
    // stored as U+FFFD and NUL cannot be stored. `isWellFormed` is ES2024 (Node >= 20), which
    // the ES2023 lib does not declare.
    const sub = payload.sub as string & { isWellFormed(): boolean };
    if (!sub.isWellFormed() || sub.includes('\0'))
      throw new ApiError(
        'invalid_token',
        'sub must be well-formed Unicode text without NUL (no lone surrogate); it is stored as sent.',
      );
    return { userId: payload.sub, email };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof joseErrors.JOSEError)
      throw new ApiError('invalid_token', 'The identity token is invalid or expired.');
    throw err;
  }
}

/**
 * Links a device to the user subject of `claims`, in one transaction. An anonymous device
 * subject is merged: marked `merged_into` the user, its devices repointed, and each purpose's
 * latest decision (of either history) becomes the user's state. Events are never moved.
 * @param keyring seals the user id and email and computes their blind indexes (`deps.keyring`)
 * A change of the device's subject is announced after the commit (state-cache.ts
 * `stateChanged`: the device, its former subject and the user).
 * @returns the user subject id and whether an anonymous history was merged.
 */
export async function identifyDevice(
  db: Db,
  propertyId: string,
  key: string,
  claims: IdentityClaims,
  keyring: Keyring,
): Promise<{ subjectId: string; merged: boolean }> {
  const newSubjectId = newId('sub');
  // Encrypted before the transaction: the user id and email are stored only sealed (S1, S4).
  const sealed = await sealedSubjectFields(keyring, newSubjectId, {
    externalId: claims.userId,
    email: claims.email,
  });
  const emailIndex = claims.email ? keyring.blindIndex('email', claims.email) : null;
  const linked = await db.transaction(async (tx) => {
    await tx
      .insert(schema.subjects)
      .values({ id: newSubjectId, propertyId, ...sealed })
      .onConflictDoNothing();
    const [user] = await tx
      .select()
      .from(schema.subjects)
      .where(
        and(
          eq(schema.subjects.propertyId, propertyId),
          eq(schema.subjects.externalIdIndex, keyring.blindIndex('external_id', claims.userId)),
        ),
      );
    if (!user) throw new Error('user subject vanished');
    if (claims.email && user.emailIndex !== emailIndex) {
      await tx
        .update(schema.subjects)
        .set(await sealedSubjectFields(keyring, user.id, { email: claims.email }))
        .where(eq(schema.subjects.id, user.id));
    }
    const deviceSubjectId = await subjectOfDevice(tx, propertyId, key);
    if (!deviceSubjectId) {
      await tx.insert(schema.devices).values({ id: key, propertyId, subjectId: user.id });
      return { subjectId: user.id, merged: false, previousSubjectId: null };
    }
    const unchanged = { subjectId: user.id, merged: false, previousSubjectId: user.id };
    if (deviceSubjectId === user.id) return unchanged;
    const [deviceSubject] = await tx
      .select()
      .from(schema.subjects)
      .where(eq(schema.subjects.id, deviceSubjectId));
    await tx.update(schema.devices).set({ subjectId: user.id }).where(eq(schema.devices.id, key));
    // Another user's device: relinked, that user's history stays theirs.
    if (deviceSubject?.externalId) return { ...unchanged, previousSubjectId: deviceSubjectId };
    await tx
      .update(schema.devices)
      .set({ subjectId: user.id })
      .where(eq(schema.devices.subjectId, deviceSubjectId));
    await tx
      .update(schema.subjects)
      .set({ mergedInto: user.id })
      .where(eq(schema.subjects.id, deviceSubjectId));
    // Latest decision per purpose wins across both histories (consents.ts isLaterDecision).
    await tx.execute(sql`
      insert into consent_states (subject_id, purpose_id, property_id, decision, event_id, notice_id,
        notice_version, source, gpc, decided_at, expires_at)
      select ${user.id}, purpose_id, property_id, decision, event_id, notice_id, notice_version,
        source, gpc, decided_at, expires_at
      from consent_states where subject_id = ${deviceSubjectId}
      on conflict (subject_id, purpose_id) do update set
        decision = excluded.decision, event_id = excluded.event_id, notice_id = excluded.notice_id,
        notice_version = excluded.notice_version, source = excluded.source, gpc = excluded.gpc,
        decided_at = excluded.decided_at, expires_at = excluded.expires_at
      where (consent_states.decided_at, consent_states.event_id collate "C")
          < (excluded.decided_at, excluded.event_id collate "C")`);
    return { subjectId: user.id, merged: true, previousSubjectId: deviceSubjectId };
  });
  const database = databaseOf(db);
  if (database && linked.previousSubjectId !== linked.subjectId) {
    void stateChanged(database, {
      subjects: [linked.subjectId, linked.previousSubjectId],
      devices: [{ propertyId, deviceHash: key }],
    });
  }
  return { subjectId: linked.subjectId, merged: linked.merged };
}
