// `pnpm assent keys create|list|revoke`: secret API keys (`sk_…`) of a property for the
// product's backend. Only a SHA-256 of each key is stored; a new key is printed once.
import { randomBytes } from 'node:crypto';
import { newId, schema } from '@assent/db';
import { and, eq, isNull } from 'drizzle-orm';
import type { CliContext } from '../cli.ts';
import { recordAudit } from '../domain/audit.ts';
import { propertyByKey } from '../domain/properties.ts';
import { secretKeyHash } from '../middleware/secret-key.ts';

export const summary = 'keys create <pk_…> <name> | list <pk_…> | revoke <key id>: secret API keys';

/** A new secret key: `sk_` + 32 random bytes (base64url, 256 bits). */
export function newSecretKey(): string {
  return `sk_${randomBytes(32).toString('base64url')}`;
}

/** @returns 0 on success, 1 when the property or key is unknown, 2 on wrong usage */
export async function run(args: string[], ctx: CliContext): Promise<number> {
  const [verb, a, ...rest] = args;
  const { db } = await ctx.database();
  const now = ctx.now();
  if (verb === 'create' && a && rest.length > 0) {
    const property = await propertyByKey(db, a);
    if (!property) return fail(ctx, `No property with publishable key ${a}.`);
    const key = newSecretKey();
    const id = newId('key', now);
    await db.transaction(async (tx) => {
      await tx.insert(schema.apiKeys).values({
        id,
        propertyId: property.id,
        keyHash: secretKeyHash(key),
        prefix: key.slice(0, 10),
        name: rest.join(' '),
        createdAt: new Date(now),
      });
      await recordAudit(
        tx,
        { actor: { type: 'system', id: 'cli' }, action: 'key.create', target: id },
        now,
      );
    });
    ctx.out(`Created ${id} for ${property.name}. The key is shown once; store it as a secret:`);
    ctx.out(`  ${key}`);
    return 0;
  }
  if (verb === 'list' && a) {
    const property = await propertyByKey(db, a);
    if (!property) return fail(ctx, `No property with publishable key ${a}.`);
    const rows = await db
      .select()
      .from(schema.apiKeys)
      .where(eq(schema.apiKeys.propertyId, property.id));
    for (const r of rows)
      ctx.out(
        `${r.id}  ${r.prefix}…  ${r.name}  ${r.revokedAt ? `revoked ${r.revokedAt.toISOString()}` : 'active'}`,
      );
    return 0;
  }
  if (verb === 'revoke' && a) {
    const revoked = await db.transaction(async (tx) => {
      const rows = await tx
        .update(schema.apiKeys)
        .set({ revokedAt: new Date(now) })
        .where(and(eq(schema.apiKeys.id, a), isNull(schema.apiKeys.revokedAt)))
        .returning({ id: schema.apiKeys.id });
      if (rows.length > 0)
        await recordAudit(
          tx,
          { actor: { type: 'system', id: 'cli' }, action: 'key.revoke', target: a },
          now,
        );
      return rows.length > 0;
    });
    if (!revoked) return fail(ctx, `No active key ${a}.`);
    ctx.out(`Revoked ${a}.`);
    return 0;
  }
  ctx.out('Usage: pnpm assent keys create <pk_…> <name> | list <pk_…> | revoke <key id>');
  return 2;
}

function fail(ctx: CliContext, line: string): number {
  ctx.out(line);
  return 1;
}
