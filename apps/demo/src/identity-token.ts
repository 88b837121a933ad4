// What a product's backend does to vouch for its signed-in user: mint a short-lived HS256
// identity token with the property's identity secret (never in browser code).
import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';

/**
 * Mints an identity token for `identify`.
 * @param userId the product's own user id (becomes `sub`)
 * @param email  optional contact email; links the customer to the privacy portal
 * @param secret the property's identity secret (≥ 32 chars)
 * @param ttlSeconds token life, at most 600 s (the API refuses longer)
 */
export async function mintIdentityToken(
  userId: string,
  email: string | null,
  secret: string,
  ttlSeconds = 300,
): Promise<string> {
  return new SignJWT(email ? { email } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}

/** The demo shop's user id for an email (a real product has its own ids). */
export function demoUserId(email: string): string {
  return `user_${createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 16)}`;
}
