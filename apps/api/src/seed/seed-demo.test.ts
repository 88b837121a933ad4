// The demo seed runs at every start-up outside production, also in a second API process on the
// same database: it must never take away what the running demo shop needs.
import { schema } from '@assent/db';
import { createTestDb } from '@assent/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from './seed-demo.ts';

let database: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => {
  database = await createTestDb();
});
afterAll(() => database.dispose());

async function allowedOrigins(propertyId: string) {
  const [row] = await database.db
    .select({ allowed: schema.properties.allowedOrigins })
    .from(schema.properties)
    .where(eq(schema.properties.id, propertyId));
  return row?.allowed;
}

describe('seedDemo', () => {
  it('keeps the origins the property allows when another process seeds it without them', async () => {
    const id = await seedDemo(database, ['http://localhost:4001']);
    expect(await allowedOrigins(id)).toEqual(['http://localhost:4001']);
    // `pnpm --filter @assent/api start` beside `pnpm start`: no demo origins given.
    expect(await seedDemo(database, [])).toBe(id);
    expect(await allowedOrigins(id)).toEqual(['http://localhost:4001']);
    // A demo shop on another port adds its origin.
    await seedDemo(database, ['http://localhost:4101']);
    expect(await allowedOrigins(id)).toEqual(['http://localhost:4001', 'http://localhost:4101']);
  });
});
