// Seeds the demo property and its development secret key (idempotent).
import { type Database, newId, schema } from '@assent/db';
import { eq } from 'drizzle-orm';
import { applyPropertyConfig } from '../domain/property-config.ts';
import { secretKeyHash } from '../middleware/secret-key.ts';
import type { Keyring } from '../security/keyring.ts';
import { DEMO_SECRET_KEY, demoPropertyConfig } from './demo-property.ts';

/**
 * Applies the demo property config with `origins` allowed besides those it already allows (a
 * second API process on the same database, started without the demo shop's origins, must not
 * take them away), and its demo secret key; with a keyring the identity secret is stored
 * encrypted at once. @returns the property id
 */
export async function seedDemo(
  database: Database,
  origins: string[],
  keyring?: Keyring,
): Promise<string> {
  const config = demoPropertyConfig(origins);
  const [existing] = await database.db
    .select({ allowedOrigins: schema.properties.allowedOrigins })
    .from(schema.properties)
    .where(eq(schema.properties.publishableKey, config.publishableKey));
  const allowed = [...new Set([...(existing?.allowedOrigins ?? []), ...origins])];
  const propertyId = await applyPropertyConfig(
    database.db,
    { ...config, allowedOrigins: allowed },
    keyring,
  );
  await database.db
    .insert(schema.apiKeys)
    .values({
      id: newId('key'),
      propertyId,
      keyHash: secretKeyHash(DEMO_SECRET_KEY),
      prefix: DEMO_SECRET_KEY.slice(0, 12),
      name: 'demo (development only)',
    })
    .onConflictDoNothing();
  return propertyId;
}
