// Webhook endpoints of a property: register (the signing secret is shown once and kept
// encrypted), list, delete, and read the delivery log. Delivery itself: webhooks-dispatch.ts.
import { randomBytes } from 'node:crypto';
import type {
  WebhookAttemptBody,
  WebhookDeliveryLogBody,
  WebhookEndpointBody,
  WebhookTopicName,
} from '@assent/contract';
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

/** Upper bound of a cursor's time: 9999-12-31T23:59:59.999999Z in µs since the epoch. */
const MAX_CURSOR_US = 253_402_300_799_999_999n;

/**
 * The keyset position of one attempt in the delivery log's order (attemptedAt desc, attempt
 * desc, id desc): `atUs` is `attempted_at` in whole microseconds since the epoch (the
 * column's own precision, as a decimal string), so equal timestamps are ordered by the rest.
 */
export interface DeliveryCursor {
  atUs: string;
  attempt: number;
  id: string;
}

/**
 * Encodes a position as the opaque `cursor` of `GET /v1/server/webhooks/{id}/deliveries`:
 * base64url of the JSON array `[atUs, attempt, id]`. Holds nothing but the sort key of the
 * last attempt on the page (no endpoint, property or personal data).
 */
export function encodeDeliveryCursor(c: DeliveryCursor): string {
  return Buffer.from(JSON.stringify([c.atUs, c.attempt, c.id]), 'utf8').toString('base64url');
}

/**
 * Decodes a `cursor` from `encodeDeliveryCursor`. It only positions: whichever endpoint it
 * came from, the log read with it is still the one of the endpoint in the path. Strict, so a
 * hand-made value never reaches SQL in a form Postgres would refuse (which would be a 500):
 * canonical base64url, the exact array shape, a time within 1970..9999, an attempt within
 * int4, an id of `[A-Za-z0-9_]`.
 * @returns the position, with `at` the same instant as an ISO timestamp with microseconds
 * @throws ApiError `invalid_request` (400) naming `query.cursor`
 */
export function decodeDeliveryCursor(cursor: string): DeliveryCursor & { at: string } {
  const invalid = () =>
    new ApiError('invalid_request', 'The cursor is not one this log handed out.', [
      { path: 'query.cursor', message: 'not a cursor of this list' },
    ]);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.toString('base64url') !== cursor) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(value) || value.length !== 3) throw invalid();
  const [atUs, attempt, id] = value as unknown[];
  if (typeof atUs !== 'string' || !/^\d{1,18}$/.test(atUs) || BigInt(atUs) > MAX_CURSOR_US)
    throw invalid();
  if (
    typeof attempt !== 'number' ||
    !Number.isInteger(attempt) ||
    attempt < 1 ||
    attempt > 2_147_483_647
  )
    throw invalid();
  if (typeof id !== 'string' || !/^[A-Za-z0-9_]{1,64}$/.test(id)) throw invalid();
  const us = BigInt(atUs);
  const iso = new Date(Number(us / 1000n)).toISOString();
  const at = `${iso.slice(0, -1)}${String(us % 1000n).padStart(3, '0')}Z`;
  return { atUs, attempt, id, at };
}

/**
 * One page of the delivery log of an endpoint: attempts newest first (attemptedAt desc,
 * attempt desc, id desc; no bodies, no personal data). Keyset paging: a page holds the
 * `limit` attempts strictly after `cursor` in that order, so pages never repeat or skip an
 * attempt, even when several share a timestamp; attempts are append-only, so newer ones
 * written meanwhile show up only on a fresh first page.
 * @param endpointId the endpoint whose log is read (the caller checked it is the property's)
 * @param page.limit attempts per page (1-200, as `WebhookDeliveriesQuery`)
 * @param page.cursor the previous page's `nextCursor`; absent for the newest attempts
 * @returns the page and `nextCursor`, null when no older attempt is left
 * @throws ApiError `invalid_request` (400) for a cursor that does not decode
 */
export async function deliveryLog(
  db: Db,
  endpointId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<WebhookDeliveryLogBody> {
  const a = schema.webhookAttempts;
  const d = schema.webhookDeliveries;
  const after = page.cursor === undefined ? null : decodeDeliveryCursor(page.cursor);
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
      id: a.id,
      // The full-precision sort key (a JS Date keeps only milliseconds).
      atUs: sql<string>`(extract(epoch from ${a.attemptedAt}) * 1000000)::bigint::text`,
    })
    .from(a)
    .innerJoin(d, eq(d.id, a.deliveryId))
    .where(
      and(
        eq(a.endpointId, endpointId),
        after
          ? sql`(${a.attemptedAt}, ${a.attempt}, ${a.id}) < (${after.at}::timestamptz, ${after.attempt}::int, ${after.id}::text)`
          : undefined,
      ),
    )
    .orderBy(desc(a.attemptedAt), desc(a.attempt), desc(a.id))
    .limit(page.limit + 1);
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1];
  const nextCursor =
    rows.length > page.limit && last
      ? encodeDeliveryCursor({ atUs: String(last.atUs), attempt: last.attempt, id: last.id })
      : null;
  return {
    data: shown.map(({ id: _id, atUs: _atUs, ...r }) => ({
      ...r,
      type: r.type as WebhookTopicName,
      deliveryState: r.deliveryState as WebhookAttemptBody['deliveryState'],
      attemptedAt: r.attemptedAt.toISOString(),
      nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
    })),
    nextCursor,
  };
}
