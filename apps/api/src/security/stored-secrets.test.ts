// The product secrets Assent keeps (property identity secrets, the receipt signing key) are
// stored encrypted under the keyring, keep working, survive master-key rotation, and plain
// values from before are converted idempotently (REQUIREMENTS S1, S4; P4 keeps verifying).
import { randomBytes } from 'node:crypto';
import { schema } from '@assent/db';
import { eq } from 'drizzle-orm';
import { CompactSign, compactVerify, createLocalJWKSet, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { deviceKey } from '../domain/subjects.ts';
import { loadConfig } from '../env.ts';
import { devMailer } from '../mailer.ts';
import { DEMO_IDENTITY_SECRET } from '../seed/demo-property.ts';
import { createTestApp, type TestApp } from '../testing.ts';
import { DecryptError } from './aead.ts';
import { keyringFromConfig, openKeyring } from './keyring.ts';
import { parseMasterKey } from './master-keys.ts';
import { rotateMasterKey } from './rotation.ts';
import { encryptStoredSecrets, identitySecretAad, receiptKeyAad } from './stored-secrets.ts';

const KEY_A = randomBytes(32).toString('base64');
const KEY_B = randomBytes(32).toString('base64');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ ASSENT_MASTER_KEY: KEY_A });
});
afterAll(() => t.dispose());

type App = TestApp['app'];

/** An identity token signed the way the product's backend signs it. */
async function identityToken(secret: string, user: string) {
  const now = Math.floor(t.clock.now() / 1000);
  return new SignJWT({ email: `${user}@example.com` })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(new TextEncoder().encode(secret));
}

async function identify(app: App, secret: string, user = `user_${randomBytes(4).toString('hex')}`) {
  const res = await app.request('/v1/identify', {
    method: 'POST',
    headers: t.widgetHeaders(t.newDevice()),
    body: JSON.stringify({ token: await identityToken(secret, user) }),
  });
  return res.status;
}

/** Records a grant and fetches its receipt; @returns the JWS, verified against the JWKS. */
async function verifiedReceipt(app: App) {
  const device = await t.recordDecision(t.newDevice(), 'analytics');
  const [event] = await t.database.db
    .select({ id: schema.consentEvents.id })
    .from(schema.consentEvents)
    .innerJoin(schema.devices, eq(schema.devices.subjectId, schema.consentEvents.subjectId))
    .where(eq(schema.devices.id, deviceKey(device)));
  const res = await app.request(`/v1/receipts/${event?.id}`, { headers: t.widgetHeaders(device) });
  expect(res.status).toBe(200);
  const { jws, kid } = (await res.json()) as { jws: string; kid: string };
  const jwks = await (await app.request('/.well-known/jwks.json')).json();
  await compactVerify(jws, createLocalJWKSet(jwks));
  return { kid, jwks };
}

const stored = async () => {
  const [property] = await t.database.db
    .select()
    .from(schema.properties)
    .where(eq(schema.properties.id, t.propertyId));
  const keys = await t.database.db.select().from(schema.receiptSigningKeys);
  return { secret: property?.identitySecret ?? '', keys };
};

describe('stored product secrets', () => {
  it('S1: the identity secret and the receipt signing key are encrypted in the database, and still work', async () => {
    expect(await identify(t.app, DEMO_IDENTITY_SECRET)).toBe(200);
    expect(await identify(t.app, 'a-guessed-secret-that-is-wrong-000000000')).toBe(401);
    await verifiedReceipt(t.app);
    const { secret, keys } = await stored();
    expect(secret).toMatch(/^enc1:dk_/);
    expect(secret).not.toContain(DEMO_IDENTITY_SECRET);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      expect(k.privateJwk).toMatch(/^enc1:dk_/);
      expect(k.privateJwk).not.toMatch(/Ed25519|"d"/);
    }
    // Bound to its row: the sealed secret copied to another property does not open.
    await expect(t.keyring.decrypt(secret, identitySecretAad('prop_other'))).rejects.toThrow(
      DecryptError,
    );
    expect(await t.keyring.decrypt(secret, identitySecretAad(t.propertyId))).toBe(
      DEMO_IDENTITY_SECRET,
    );
  });

  it('S1: plain values written before encryption are encrypted once, idempotently, and audited', async () => {
    const legacySecret = `legacy-${randomBytes(16).toString('hex')}`;
    const before = await stored();
    const key = before.keys[0];
    if (!key) throw new Error('no receipt key');
    const plainJwk = await t.keyring.decrypt(key.privateJwk, receiptKeyAad(key.kid));
    await t.database
      .sql`update properties set identity_secret = ${legacySecret} where id = ${t.propertyId}`;
    await t.database
      .sql`update receipt_signing_keys set private_jwk = ${plainJwk} where kid = ${key.kid}`;
    // Readable as it is until converted (the keyring passes non-envelope values through).
    expect(await identify(t.app, legacySecret)).toBe(200);
    const now = t.clock.now();
    expect(await encryptStoredSecrets(t.database.db, t.keyring, now)).toEqual({
      properties: 1,
      receiptSigningKeys: 1,
    });
    expect(await encryptStoredSecrets(t.database.db, t.keyring, now)).toEqual({
      properties: 0,
      receiptSigningKeys: 0,
    });
    const after = await stored();
    expect(after.secret).toMatch(/^enc1:/);
    expect(after.keys.find((k) => k.kid === key.kid)?.privateJwk).toMatch(/^enc1:/);
    expect(await identify(t.app, legacySecret)).toBe(200);
    const audit = await t.database.sql<{ target: string }[]>`
      select target from audit_events where action = 'key.encrypt_stored' order by seq`;
    expect(audit.map((a) => a.target)).toEqual([
      'properties(identity_secret)',
      'receipt_signing_keys(private_jwk)',
    ]);
    // Back to the demo secret for the next test.
    await t.database.db
      .update(schema.properties)
      .set({
        identitySecret: await t.keyring.encrypt(
          DEMO_IDENTITY_SECRET,
          identitySecretAad(t.propertyId),
        ),
      })
      .where(eq(schema.properties.id, t.propertyId));
  });

  it('S4: after master-key rotation identity tokens and receipt signatures keep working under the new key alone', async () => {
    const { kid: kidBefore } = await verifiedReceipt(t.app);
    const before = await stored();
    const report = await rotateMasterKey(
      t.database.db,
      [parseMasterKey(KEY_B), parseMasterKey(KEY_A)],
      t.clock.now,
    );
    expect(report.rotated).toBeGreaterThan(0);
    // Rotation re-wraps data keys only: the stored secrets are byte for byte the same.
    expect(await stored()).toEqual(before);
    // A process configured with the new master key only (the old one has left).
    const config = loadConfig({
      NODE_ENV: 'test',
      ASSENT_PUBLIC_URL: 'http://localhost:4000',
      ASSENT_MASTER_KEY: KEY_B,
    });
    const ringB = await keyringFromConfig(t.database.db, config.security, t.clock.now());
    const appB = createApp({
      database: t.database,
      config,
      clock: t.clock.now,
      mailer: devMailer(t.database, () => {}),
      keyring: ringB,
    });
    expect(await identify(appB, DEMO_IDENTITY_SECRET)).toBe(200);
    const { kid, jwks } = await verifiedReceipt(appB);
    expect(kid).toBe(kidBefore);
    // The stored private key opens under the new master key and signs what the JWKS verifies.
    const row = (await stored()).keys.find((k) => k.kid === kid);
    const jwk = JSON.parse(await ringB.decrypt(row?.privateJwk ?? '', receiptKeyAad(kid))) as JWK;
    const jws = await new CompactSign(new TextEncoder().encode('{"probe":true}'))
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .sign(await importJWK(jwk, 'EdDSA'));
    await compactVerify(jws, createLocalJWKSet(jwks));
    // The old master key alone no longer opens anything.
    await expect(
      openKeyring(t.database.db, [parseMasterKey(KEY_A)], t.clock.now()),
    ).rejects.toThrow(/not configured/);
  });
});
