// Webhook endpoints of a property: register (the signing secret is shown once and kept
// encrypted), list, delete, and read the delivery log. Delivery itself: webhooks-dispatch.ts.
import { randomBytes } from 'node:crypto';
import type { WebhookAttemptBody, WebhookEndpointBody, WebhookTopicName } from '@assent/contract';
import { type Db, newId, schema } from '@assent/db';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { fieldAad, type Keyring } from '../security/keyring.ts';
import { type AuditEntry, recordAudit } from './audit.ts';
import { checkWebhookUrl, type Resolver, systemResolver } from './webhook-url.ts';

/** Endpoints one property may have at a time. */
export const MAX_ENDPOINTS_PER_PROPERTY = 20;
export const WEBHOOK_TOPICS: WebhookTopicName[] = ['consent.changed', 'consent.expiring'];

type EndpointRow = typeof schema.webhookEndpoints.$inferSelect;

/** A new signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks: 24–64 bytes). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** AAD binding an endpoint's encrypted secret to its row. */
const secretAad = (id: string) => fieldAad('webhook_endpoints', 'secret', id);

/** The endpoint's signing secret, decrypted. */
export function endpointSecret(keyring: Keyring, row: EndpointRow): Promise<string> {
  return keyring.decrypt(row.secret, secretAad(row.id));
}

/** API view of an endpoint (never the secret). */
export function endpointView(row: EndpointRow): WebhookEndpointBody {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    topics: row.topics as WebhookTopicName[],
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Registers an endpoint and returns it with its secret (the only time the secret is shown).
 * Audited as `webhook.create` (a key operation). The URL is checked by `checkWebhookUrl`
 * (production: https to a host whose every address is public; webhook-url.ts).
 * @param resolve name resolver for that check (tests inject one; default the system's)
 * @throws ApiError `webhook_url_not_allowed`, `webhook_limit_reached` (422)
 */
export async function createEndpoint(
  deps: Deps,
  propertyId: string,
  input: { url: string; description?: string | undefined; topics?: WebhookTopicName[] | undefined },
  actor: AuditEntry['actor'],
  resolve: Resolver = systemResolver,
): Promise<WebhookEndpointBody & { secret: string }> {
  await checkWebhookUrl(input.url, deps.config.production, resolve);
  const now = deps.clock();
  const id = newId('whe', now);
  const secret = newWebhookSecret();
  const row: EndpointRow = {
    id,
    propertyId,
    url: input.url,
    description: input.description ?? null,
    topics: [...new Set(input.topics ?? WEBHOOK_TOPICS)],
    secret: await deps.keyring.encrypt(secret, secretAad(id)),
    createdAt: new Date(now),
    deletedAt: null,
  };
  await deps.database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`webhooks:${propertyId}`}))`);
    const [count] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(schema.webhookEndpoints)
      .where(
        and(
          eq(schema.webhookEndpoints.propertyId, propertyId),
          isNull(schema.webhookEndpoints.deletedAt),
        ),
      );
    if ((count?.n ?? 0) >= MAX_ENDPOINTS_PER_PROPERTY)
      throw new ApiError(
        'webhook_limit_reached',
        `At most ${MAX_ENDPOINTS_PER_PROPERTY} endpoints per property; delete one first.`,
      );
    await tx.insert(schema.webhookEndpoints).values(row);
    await recordAudit(
      tx,
      { actor, action: 'webhook.create', target: id, details: { topics: row.topics } },
      now,
    );
  });
  return { ...endpointView(row), secret };
}

/** Live endpoints of a property, oldest first. */
export async function listEndpoints(db: Db, propertyId: string): Promise<EndpointRow[]> {
  return db
    .select()
    .from(schema.webhookEndpoints)
    .where(
      and(
        eq(schema.webhookEndpoints.propertyId, propertyId),
        isNull(schema.webhookEndpoints.deletedAt),
      ),
    )
    .orderBy(schema.webhookEndpoints.createdAt, schema.webhookEndpoints.id);
}

/** A live endpoint of this property, or null (another property's id is simply not found). */
export async function endpointOf(db: Db, propertyId: string, id: string) {
  const [row] = await db
    .select()
    .from(schema.webhookEndpoints)
    .where(
      and(
        eq(schema.webhookEndpoints.id, id),
        eq(schema.webhookEndpoints.propertyId, propertyId),
        isNull(schema.webhookEndpoints.deletedAt),
      ),
    );
  return row ?? null;
}

/**
 * Deletes an endpoint (kept as a tombstone so its log stays readable in audits) and cancels
 * its pending deliveries. Audited as `webhook.delete`.
 * @throws ApiError `not_found` (404)
 */
export async function deleteEndpoint(
  deps: Deps,
  propertyId: string,
  id: string,
  actor: AuditEntry['actor'],
): Promise<void> {
  const now = deps.clock();
  await deps.database.db.transaction(async (tx) => {
    const gone = await tx
      .update(schema.webhookEndpoints)
      .set({ deletedAt: new Date(now) })
      .where(
        and(
          eq(schema.webhookEndpoints.id, id),
          eq(schema.webhookEndpoints.propertyId, propertyId),
          isNull(schema.webhookEndpoints.deletedAt),
        ),
      )
      .returning({ id: schema.webhookEndpoints.id });
    if (gone.length === 0) throw new ApiError('not_found', 'No such webhook endpoint.');
    await tx
      .update(schema.webhookDeliveries)
      .set({ state: 'cancelled', nextAttemptAt: null, body: '' })
      .where(
        and(
          eq(schema.webhookDeliveries.endpointId, id),
          eq(schema.webhookDeliveries.state, 'pending'),
        ),
      );
    await recordAudit(tx, { actor, action: 'webhook.delete', target: id }, now);
  });
}

/** The delivery log of an endpoint: attempts, newest first (no bodies, no personal data). */
export async function deliveryLog(
  db: Db,
  endpointId: string,
  limit: number,
): Promise<WebhookAttemptBody[]> {
  const a = schema.webhookAttempts;
  const d = schema.webhookDeliveries;
  const rows = await db
    .select({
      messageId: a.deliveryId,
      type: d.type,
      deliveryState: d.state,
      attempt: a.attempt,
      attemptedAt: a.attemptedAt,
      statusCode: a.statusCode,
      durationMs: a.durationMs,
      errorClass: a.errorClass,
      nextAttemptAt: a.nextAttemptAt,
    })
    .from(a)
    .innerJoin(d, eq(d.id, a.deliveryId))
    .where(eq(a.endpointId, endpointId))
    .orderBy(desc(a.attemptedAt), desc(a.attempt), desc(a.id))
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    type: r.type as WebhookTopicName,
    deliveryState: r.deliveryState as WebhookAttemptBody['deliveryState'],
    attemptedAt: r.attemptedAt.toISOString(),
    nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
  }));
}
