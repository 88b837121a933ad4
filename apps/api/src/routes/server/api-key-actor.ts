// The audit actor of a server API call: the secret key that authenticated it (`key_…`).
import { schema } from '@assent/db';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import type { AppEnv } from '../../context.ts';
import type { AuditEntry } from '../../domain/audit.ts';
import { secretKeyHash } from '../../middleware/secret-key.ts';

/** `{ type: 'api_key', id }` for the request's bearer key (already checked by secretKeyAuth). */
export async function apiKeyActor(c: Context<AppEnv>): Promise<AuditEntry['actor']> {
  const key = (c.req.header('authorization') ?? '').slice(7).trim();
  const [row] = await c
    .get('deps')
    .database.db.select({ id: schema.apiKeys.id })
    .from(schema.apiKeys)
    .where(eq(schema.apiKeys.keyHash, secretKeyHash(key)))
    .limit(1);
  return { type: 'api_key', id: row?.id ?? null };
}
