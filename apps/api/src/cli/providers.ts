// `pnpm assent providers add <propertyId> <name> <url> <access,erasure>` registers a data
// provider (a product system Assent calls for access and erasure requests) and prints the
// signing secret once; `providers list` lists them without secrets.
import { schema } from '@assent/db';
import { eq } from 'drizzle-orm';
import type { CliContext } from '../cli.ts';
import { registerProvider } from '../domain/requests/providers.ts';
import { keyringFromConfig } from '../security/keyring.ts';

export const summary = 'providers add <propertyId> <name> <url> <access,erasure> | list';

/** @returns 0 on success, 2 on a usage error */
export async function run(args: string[], ctx: CliContext): Promise<number> {
  const [sub, propertyId, name, url, handles] = args;
  const { db } = await ctx.database();
  if (sub === 'list') {
    for (const p of await db.select().from(schema.dataProviders))
      ctx.out(
        `${p.id} ${p.propertyId} ${p.name} ${p.url} [${p.handles.join(',')}]${p.disabledAt ? ' disabled' : ''}`,
      );
    return 0;
  }
  const kinds = (handles ?? '')
    .split(',')
    .filter((h): h is 'access' | 'erasure' => h === 'access' || h === 'erasure');
  if (sub !== 'add' || !propertyId || !name || !url || kinds.length === 0) {
    ctx.out(`Usage: pnpm assent ${summary}`);
    return 2;
  }
  const [property] = await db
    .select({ id: schema.properties.id })
    .from(schema.properties)
    .where(eq(schema.properties.id, propertyId));
  if (!property) {
    ctx.out(`No property ${propertyId}.`);
    return 2;
  }
  const keyring = await keyringFromConfig(db, ctx.config.security, ctx.now());
  const { row, secret } = await registerProvider(
    db,
    keyring,
    { propertyId, name, url, handles: kinds, production: ctx.config.production },
    ctx.now(),
  );
  ctx.out(`Registered ${row.id}. Signing secret (shown once, keep it in the product's backend):`);
  ctx.out(secret);
  return 0;
}
