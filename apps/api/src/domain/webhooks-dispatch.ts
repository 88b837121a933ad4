// Webhook delivery: outbox rows become one message per subscribed endpoint (fan-out), then due
// messages are POSTed, signed as the Standard Webhooks spec does, and retried with exponential
// backoff. Every attempt is logged. At-least-once: receivers dedupe by `webhook-id`.
import { type Db, newId, schema } from '@assent/db';
import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import type { Deps } from '../context.ts';
import { fieldAad } from '../security/keyring.ts';
import { recordAudit } from './audit.ts';
import { subjectsByIds } from './subjects.ts';
import { OutboundError, postToReceiver, type Resolver, systemResolver } from './webhook-url.ts';
import { endpointSecret, WEBHOOK_TOPICS } from './webhooks.ts';

/** Attempts per message before it is given up (`failed`). */
export const MAX_ATTEMPTS = 10;
/** Per-attempt timeout (ms). */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** How long a claimed message is hidden from other workers while its attempt runs (ms). */
const LEASE_MS = 120_000;

/**
 * Delay before the next attempt after `attempt` failed (1-based), in ms: 1 min × 2^(n−1),
 * capped at 12 h. Ten attempts span about 8.5 hours.
 */
export function backoffMs(attempt: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempt - 1), 12 * 3_600_000);
}

/** Outbox rows one `fanOutOutbox` call hands over (one transaction). */
export const FAN_OUT_BATCH = 200;

const bodyAad = (id: string) => fieldAad('webhook_deliveries', 'body', id);

/**
 * Turns undelivered outbox rows of the webhook topics into messages for every live endpoint of
 * their property that subscribes to the topic, and marks the rows handed over, in one
 * transaction (rows locked with SKIP LOCKED, so workers never fan out one row twice).
 * Other outbox topics are left for their own consumers.
 * @param now epoch ms
 * @param limit most outbox rows handed over by one call
 * @returns `rows` handed over (a full `limit` means more may be waiting) and `messages` created
 */
export async function fanOutOutbox(
  deps: Deps,
  now: number,
  limit = FAN_OUT_BATCH,
): Promise<{ rows: number; messages: number }> {
  const { keyring } = deps;
  return deps.database.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(schema.outbox)
      .where(and(isNull(schema.outbox.deliveredAt), inArray(schema.outbox.topic, WEBHOOK_TOPICS)))
      .orderBy(asc(schema.outbox.createdAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (rows.length === 0) return { rows: 0, messages: 0 };
    const propertyIds = [...new Set(rows.map((r) => r.propertyId))];
    const endpoints = await tx
      .select()
      .from(schema.webhookEndpoints)
      .where(
        and(
          inArray(schema.webhookEndpoints.propertyId, propertyIds),
          isNull(schema.webhookEndpoints.deletedAt),
        ),
      );
    const subjectIds = [...new Set(rows.flatMap((r) => (r.subjectId ? [r.subjectId] : [])))];
    const wanted = rows.some((r) => endpoints.some((e) => e.propertyId === r.propertyId));
    const subjects = wanted ? await subjectsByIds(tx, subjectIds, keyring) : [];
    const externalIds = new Map(subjects.map((s) => [s.id, s.externalId]));
    const messages: (typeof schema.webhookDeliveries.$inferInsert)[] = [];
    for (const row of rows) {
      for (const e of endpoints) {
        if (e.propertyId !== row.propertyId || !e.topics.includes(row.topic)) continue;
        const id = newId('msg', now);
        const body = JSON.stringify({
          type: row.topic,
          timestamp: row.createdAt.toISOString(),
          data: {
            propertyId: row.propertyId,
            ...(row.payload as Record<string, unknown>),
            externalId: row.subjectId ? (externalIds.get(row.subjectId) ?? null) : null,
          },
        });
        messages.push({
          id,
          endpointId: e.id,
          propertyId: row.propertyId,
          outboxId: row.id,
          subjectId: row.subjectId,
          type: row.topic,
          body: await keyring.encrypt(body, bodyAad(id)),
          state: 'pending',
          nextAttemptAt: new Date(now),
          createdAt: new Date(now),
        });
      }
    }
    if (messages.length > 0) {
      await tx.insert(schema.webhookDeliveries).values(messages).onConflictDoNothing();
      await recordAudit(
        tx,
        {
          actor: { type: 'job', id: 'webhook-dispatch' },
          action: 'webhook.fan_out',
          target: 'webhook_deliveries',
          details: { outboxRows: rows.length, messages: messages.length },
        },
        now,
      );
    }
    await tx
      .update(schema.outbox)
      .set({ deliveredAt: new Date(now) })
      .where(
        inArray(
          schema.outbox.id,
          rows.map((r) => r.id),
        ),
      );
    return { rows: rows.length, messages: messages.length };
  });
}

type Claimed = typeof schema.webhookDeliveries.$inferSelect;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Claims due messages for one worker by moving their next attempt a lease ahead. */
async function claimDue(db: Db, now: number, limit: number): Promise<Claimed[]> {
  const d = schema.webhookDeliveries;
  const due = db
    .select({ id: d.id })
    .from(d)
    .where(and(eq(d.state, 'pending'), lte(d.nextAttemptAt, new Date(now))))
    .orderBy(asc(d.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(d)
    .set({ nextAttemptAt: new Date(now + LEASE_MS) })
    .where(inArray(d.id, due))
    .returning();
}

/** Outcome of one HTTP attempt. */
interface AttemptResult {
  statusCode: number | null;
  durationMs: number;
  errorClass: string | null;
}

/**
 * POSTs one signed message (production: only to public addresses, checked as the connection
 * is made; webhook-url.ts). Never throws: failures become an error class.
 */
async function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  production: boolean,
  resolve: Resolver,
) {
  const started = performance.now();
  let result: AttemptResult;
  try {
    const res = await postToReceiver(url, {
      headers,
      body,
      timeoutMs: ATTEMPT_TIMEOUT_MS,
      production,
      resolve,
      readBody: false,
    });
    const ok = res.status >= 200 && res.status < 300;
    result = {
      statusCode: res.status,
      durationMs: 0,
      errorClass: ok ? null : `http_${Math.floor(res.status / 100)}xx`,
    };
  } catch (err) {
    result = {
      statusCode: null,
      durationMs: 0,
      errorClass: err instanceof OutboundError ? err.kind : 'network',
    };
  }
  result.durationMs = Math.round(performance.now() - started);
  return result;
}

/**
 * Attempts every due message (up to `limit`), in parallel: signs it with the endpoint's secret
 * (`webhook-id`, `webhook-timestamp` in seconds, `webhook-signature: v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">`), POSTs it, and logs the attempt. A 2xx delivers it; anything else
 * schedules a retry after `backoffMs(attempt)`, or gives up after MAX_ATTEMPTS or on 410 Gone.
 * In production a host that resolves (now) to a non-public address is not contacted: the
 * attempt is logged as `address_not_allowed` and retried like any failure.
 * @param resolve name resolver used when connecting (tests inject one; default the system's)
 * @returns attempts made
 */
export async function deliverDue(
  deps: Deps,
  limit = 20,
  resolve: Resolver = systemResolver,
): Promise<number> {
  const { db } = deps.database;
  const claimed = await claimDue(db, deps.clock(), limit);
  const endpointIds = [...new Set(claimed.map((c) => c.endpointId))];
  const endpoints =
    endpointIds.length === 0
      ? []
      : await db
          .select()
          .from(schema.webhookEndpoints)
          .where(inArray(schema.webhookEndpoints.id, endpointIds));
  await Promise.all(
    claimed.map(async (msg) => {
      const endpoint = endpoints.find((e) => e.id === msg.endpointId);
      if (!endpoint || endpoint.deletedAt) {
        await db
          .update(schema.webhookDeliveries)
          .set({ state: 'cancelled', nextAttemptAt: null, body: '' })
          .where(eq(schema.webhookDeliveries.id, msg.id));
        return;
      }
      const body = await deps.keyring.decrypt(msg.body, bodyAad(msg.id));
      const sentAt = deps.clock();
      const signature = new Webhook(await endpointSecret(deps.keyring, endpoint)).sign(
        msg.id,
        new Date(sentAt),
        body,
      );
      const result = await post(
        endpoint.url,
        {
          'content-type': 'application/json',
          'user-agent': 'Assent-Webhooks/1',
          'webhook-id': msg.id,
          'webhook-timestamp': String(Math.floor(sentAt / 1000)),
          'webhook-signature': signature,
        },
        body,
        deps.config.production,
        resolve,
      );
      await recordAttempt(deps, msg, result);
    }),
  );
  return claimed.length;
}

async function recordAttempt(deps: Deps, msg: Claimed, result: AttemptResult): Promise<void> {
  const now = deps.clock();
  const attempt = msg.attempts + 1;
  const delivered = result.errorClass === null;
  const giveUp = !delivered && (attempt >= MAX_ATTEMPTS || result.statusCode === 410);
  const next = delivered || giveUp ? null : new Date(now + backoffMs(attempt));
  await deps.database.db.transaction(async (tx) => {
    await tx.insert(schema.webhookAttempts).values({
      id: newId('wha', now),
      deliveryId: msg.id,
      endpointId: msg.endpointId,
      attempt,
      attemptedAt: new Date(now),
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      errorClass: result.errorClass,
      nextAttemptAt: next,
    });
    await tx
      .update(schema.webhookDeliveries)
      .set({
        attempts: attempt,
        state: delivered ? 'delivered' : giveUp ? 'failed' : 'pending',
        nextAttemptAt: next,
        deliveredAt: delivered ? new Date(now) : null,
        // the body is kept only while it may still be sent (classification: retention.webhooks)
        ...(next === null ? { body: '' } : {}),
      })
      .where(
        and(eq(schema.webhookDeliveries.id, msg.id), eq(schema.webhookDeliveries.state, 'pending')),
      );
  });
}

/** Cheap check for the outbox poller: is there anything to fan out or attempt now? */
export async function webhookWorkDue(deps: Deps): Promise<boolean> {
  const [row] = await deps.database.db.execute<{ due: boolean }>(sql`
    select exists (
      select 1 from ${schema.outbox}
      where ${schema.outbox.deliveredAt} is null and ${inArray(schema.outbox.topic, WEBHOOK_TOPICS)}
    ) or exists (
      select 1 from ${schema.webhookDeliveries}
      where ${schema.webhookDeliveries.state} = 'pending'
        and ${schema.webhookDeliveries.nextAttemptAt} <= ${new Date(deps.clock()).toISOString()}::timestamptz
    ) as due`);
  return row?.due === true;
}

/**
 * Erasure (PIPL 47; GDPR 17): cancels the subjects' pending messages and drops every message
 * body that names them; the delivery log (no personal data) stays. Call inside the erasure's
 * transaction. @returns messages changed
 */
export async function forgetWebhookSubjects(tx: Tx, subjectIds: string[]): Promise<number> {
  if (subjectIds.length === 0) return 0;
  const d = schema.webhookDeliveries;
  const changed = await tx
    .update(d)
    .set({
      body: '',
      nextAttemptAt: null,
      state: sql`case when ${d.state} = 'pending' then 'cancelled' else ${d.state} end`,
    })
    .where(and(inArray(d.subjectId, subjectIds), sql`${d.body} <> ''`))
    .returning({ id: d.id });
  return changed.length;
}
