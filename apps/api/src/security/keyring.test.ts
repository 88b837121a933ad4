// Field encryption, blind index and master key rotation (REQUIREMENTS S1, S4).
import { randomBytes } from 'node:crypto';
import { schema } from '@assent/db';
import { createTestDb } from '@assent/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyDevice } from '../domain/identity.ts';
import {
  deviceKey,
  encryptLegacySubjects,
  subjectsByEmail,
  subjectsByIds,
} from '../domain/subjects.ts';
import { loadConfig } from '../env.ts';
import { seedDemo } from '../seed/seed-demo.ts';
import { DecryptError } from './aead.ts';
import { fieldAad, type Keyring, openKeyring } from './keyring.ts';
import { parseMasterKey } from './master-keys.ts';
import { rotateMasterKey } from './rotation.ts';

const now = Date.parse('2026-02-01T00:00:00Z');
const keyA = parseMasterKey(randomBytes(32).toString('base64'));
const keyB = parseMasterKey(randomBytes(32).toString('base64'));
let database: Awaited<ReturnType<typeof createTestDb>>;
let ring: Keyring;
let propertyId: string;

beforeAll(async () => {
  database = await createTestDb();
  propertyId = await seedDemo(database, []);
  ring = await openKeyring(database.db, [keyA], now);
});
afterAll(() => database.dispose());

const device = () => deviceKey(`dev_${randomBytes(16).toString('hex')}`);

describe('field encryption', () => {
  it('S4: values are AES-256-GCM under a named data key, bound to table, column and row', async () => {
    const sealed = await ring.encrypt('ada@example.com', fieldAad('subjects', 'email', 'sub_1'));
    expect(sealed).toMatch(/^enc1:dk_[0-9a-z]+:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('ada');
    expect(await ring.decrypt(sealed, fieldAad('subjects', 'email', 'sub_1'))).toBe(
      'ada@example.com',
    );
    // Copied onto another row or column, the value does not open.
    await expect(ring.decrypt(sealed, fieldAad('subjects', 'email', 'sub_2'))).rejects.toThrow(
      DecryptError,
    );
    await expect(
      ring.decrypt(sealed, fieldAad('subjects', 'external_id', 'sub_1')),
    ).rejects.toThrow(DecryptError);
    // One flipped byte is detected.
    const body = sealed.split(':')[2] ?? '';
    const flipped = `${sealed.slice(0, sealed.length - body.length)}${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}`;
    await expect(ring.decrypt(flipped, fieldAad('subjects', 'email', 'sub_1'))).rejects.toThrow(
      DecryptError,
    );
  });

  it('S1: subject email and external id are stored encrypted; sign-in finds them by blind index', async () => {
    const { subjectId } = await identifyDevice(
      database.db,
      propertyId,
      device(),
      { userId: 'user-42', email: 'grace@example.com' },
      ring,
    );
    const [raw] = await database.db
      .select()
      .from(schema.subjects)
      .where(eq(schema.subjects.id, subjectId));
    expect(raw?.email).toMatch(/^enc1:/);
    expect(raw?.externalId).toMatch(/^enc1:/);
    expect(raw?.emailIndex).toMatch(/^[0-9a-f]{64}$/);
    // No plain email anywhere in the table.
    const plain = await database.sql`select id from subjects where email like '%@%'`;
    expect(plain).toHaveLength(0);
    const found = await subjectsByEmail(database.db, '  Grace@Example.com ', ring);
    expect(found.map((s) => [s.id, s.email, s.externalId])).toEqual([
      [subjectId, 'grace@example.com', 'user-42'],
    ]);
    // The same user again (another device) resolves to the same subject through the index.
    const again = await identifyDevice(
      database.db,
      propertyId,
      device(),
      { userId: 'user-42', email: null },
      ring,
    );
    expect(again.subjectId).toBe(subjectId);
  });

  it('S4: the blind index is keyed: it is not a plain hash of the value', async () => {
    const { createHash } = await import('node:crypto');
    const plainHash = createHash('sha256').update('email\ngrace@example.com').digest('hex');
    expect(ring.blindIndex('email', 'grace@example.com')).not.toBe(plainHash);
    expect(ring.blindIndex('email', 'grace@example.com')).toBe(
      ring.blindIndex('email', 'grace@example.com'),
    );
    expect(ring.blindIndex('external_id', 'grace@example.com')).not.toBe(
      ring.blindIndex('email', 'grace@example.com'),
    );
  });
  it('S1: rows written before encryption are converted at start-up, idempotently', async () => {
    await database.db
      .insert(schema.subjects)
      .values({ id: 'sub_legacy', propertyId, email: 'old@example.com', externalId: 'legacy-1' });
    expect(await encryptLegacySubjects(database.db, ring)).toBe(1);
    expect(await encryptLegacySubjects(database.db, ring)).toBe(0);
    const [raw] = await database.db
      .select()
      .from(schema.subjects)
      .where(eq(schema.subjects.id, 'sub_legacy'));
    expect(raw?.email).toMatch(/^enc1:/);
    const [found] = await subjectsByEmail(database.db, 'old@example.com', ring);
    expect(found).toMatchObject({ id: 'sub_legacy', externalId: 'legacy-1' });
  });
});

describe('master key rotation', () => {
  it('S4: rotate re-wraps every data key under the new master key, reports progress, and is audited', async () => {
    const { subjectId } = await identifyDevice(
      database.db,
      propertyId,
      device(),
      { userId: 'user-rot', email: 'rot@example.com' },
      ring,
    );
    // A replica started with both keys serves during the rotation.
    const during = await openKeyring(database.db, [keyB, keyA], now);
    const progress: string[] = [];
    const report = await rotateMasterKey(
      database.db,
      [keyB, keyA],
      () => now,
      (d, t) => progress.push(`${d}/${t}`),
    );
    expect(report).toMatchObject({ rotated: 2, alreadyCurrent: 0, masterKeyId: keyB.id });
    expect(progress).toEqual(['1/2', '2/2']);
    const keys = await database.db.select().from(schema.dataKeys);
    expect(keys.every((k) => k.masterKeyId === keyB.id)).toBe(true);
    const audit = await database.sql`select target from audit_events where action = 'key.rotate'`;
    expect(audit).toHaveLength(2);
    // Second run: nothing left to do.
    expect((await rotateMasterKey(database.db, [keyB], () => now)).rotated).toBe(0);
    // The new key alone now opens everything; data was not re-encrypted.
    const after = await openKeyring(database.db, [keyB], now);
    const [s] = await subjectsByIds(database.db, [subjectId], after);
    expect(s?.email).toBe('rot@example.com');
    const [s2] = await subjectsByIds(database.db, [subjectId], during);
    expect(s2?.externalId).toBe('user-rot');
    expect(after.blindIndex('email', 'a@b.c')).toBe(ring.blindIndex('email', 'a@b.c'));
    // The old key alone is rotated out.
    await expect(openKeyring(database.db, [keyA], now)).rejects.toThrow(/not configured/);
  });

  it('S4: production refuses to start without a master key or with the development key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ASSENT_MASTER_KEY/);
    const dev = loadConfig({ NODE_ENV: 'test' }).security.masterKey;
    expect(() => loadConfig({ NODE_ENV: 'production', ASSENT_MASTER_KEY: dev })).toThrow(
      /ASSENT_MASTER_KEY/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', ASSENT_MASTER_KEY: 'dG9vIHNob3J0' })).toThrow(
      /32 bytes/,
    );
    const ok = loadConfig({
      NODE_ENV: 'production',
      ASSENT_MASTER_KEY: randomBytes(32).toString('base64'),
    });
    expect(ok.security.masterKey).not.toBe(dev);
  });
});
