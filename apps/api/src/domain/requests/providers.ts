// Data providers: the product's own systems that take part in access and erasure requests
// (DESIGN "Privacy request"). Assent POSTs a Standard Webhooks-signed JSON call to each one,
// retries with exponential backoff, and records every answer; a request completes only when
// each provider answered or an operator marked its call failed.
import { type Db, newId, schema } from '@assent/db';
import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { ApiError } from '../../errors.ts';
import { fieldAad, type Keyring } from '../../security/keyring.ts';
import { recordAudit } from '../audit.ts';
import {
  checkWebhookUrl,
  OutboundError,
  postToReceiver,
  type Resolver,
  systemResolver,
} from '../webhook-url.ts';
import { newWebhookSecret } from '../webhooks.ts';
import { addEvent, type Tx } from './requests.ts';

export type ProviderRow = typeof schema.dataProviders.$inferSelect;
export type ProviderCallRow = typeof schema.providerCalls.$inferSelect;

/** Backoff before retry n (1-based): 1 min, 2, 4 … capped at 6 hours. */
export function backoffMs(attempt: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempt - 1), 6 * 3_600_000);
}
/** How long Assent waits for one provider answer (ms). */
export const PROVIDER_TIMEOUT_MS = 10_000;

/**
 * Registers a provider for a property. Its signing secret is stored encrypted (L1, S1/S4).
 * @param handles which request types it answers (`access`, `erasure`)
 * @param secret a `whsec_…` secret to use; default a new random one
 * @param resolve name resolver for the URL check (tests inject one; default the system's)
 * @returns the row (secret encrypted) and the plain `secret`, shown to the product once.
 * @throws ApiError `webhook_url_not_allowed` (production: https to a host whose every
 *   address is public; webhook-url.ts)
 */
export async function registerProvider(
  db: Db,
  keyring: Keyring,
  args: {
    propertyId: string;
    name: string;
    url: string;
    handles: ('access' | 'erasure')[];
    production?: boolean;
  },
  now: number,
  secret = newWebhookSecret(),
  resolve: Resolver = systemResolver,
): Promise<{ row: ProviderRow; secret: string }> {
  await checkWebhookUrl(args.url, args.production ?? false, resolve);
  const id = newId('dpr', now);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(schema.dataProviders)
      .values({
        id,
        propertyId: args.propertyId,
        name: args.name,
        url: new URL(args.url).toString(),
        secret: await keyring.encrypt(secret, fieldAad('data_providers', 'secret', id)),
        handles: args.handles,
        createdAt: new Date(now),
      })
      .returning();
    if (!row) throw new Error('provider not stored');
    await recordAudit(
      tx,
      {
        actor: { type: 'system' },
        action: 'provider.register',
        target: row.id,
        details: { handles: args.handles },
      },
      now,
    );
    return { row, secret };
  });
}

/**
 * Creates one pending call per active provider of the property that handles `type`, carrying
 * `payload` (the product's identifiers). Call inside the request's transaction.
 * @returns how many calls were created
 */
export async function fanOut(
  tx: Tx,
  request: { id: string; subjectId: string; propertyId: string; type: string },
  payload: Record<string, unknown>,
  now: number,
): Promise<number> {
  const providers = await tx
    .select()
    .from(schema.dataProviders)
    .where(
      and(
        eq(schema.dataProviders.propertyId, request.propertyId),
        sql`${schema.dataProviders.disabledAt} is null`,
        sql`${request.type} = any(${schema.dataProviders.handles})`,
      ),
    );
  if (providers.length === 0) return 0;
  await tx
    .insert(schema.providerCalls)
    .values(
      providers.map((p) => ({
        id: newId('dpc', now),
        requestId: request.id,
        providerId: p.id,
        subjectId: request.subjectId,
        payload: {
          type: request.type,
          requestId: request.id,
          propertyId: request.propertyId,
          ...payload,
        },
        status: 'pending',
        nextAttemptAt: new Date(now),
      })),
    )
    .onConflictDoNothing();
  return providers.length;
}

/** The signed headers of one call (Standard Webhooks: webhook-id, -timestamp, -signature). */
export function signCall(
  secret: string,
  callId: string,
  attempt: number,
  body: string,
  now: number,
) {
  const id = `${callId}_${attempt}`;
  const at = new Date(Math.floor(now / 1000) * 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

/** How calls reach providers: production checks addresses as it connects (webhook-url.ts). */
export interface CallOptions {
  production?: boolean;
  /** Name resolver used when connecting (tests inject one; default the system's). */
  resolve?: Resolver;
}

/** POSTs one call. Never throws: failures become a short error (`HTTP 503`, `timeout`…). */
async function post(
  provider: ProviderRow,
  secret: string,
  call: ProviderCallRow,
  now: number,
  options: CallOptions,
) {
  const body = JSON.stringify(call.payload ?? {});
  try {
    const res = await postToReceiver(provider.url, {
      headers: signCall(secret, call.id, call.attempts, body, now),
      body,
      timeoutMs: PROVIDER_TIMEOUT_MS,
      production: options.production ?? false,
      resolve: options.resolve,
    });
    if (res.status < 200 || res.status >= 300)
      return { ok: false as const, error: `HTTP ${res.status}` };
    let result: unknown = null;
    try {
      result = res.text ? JSON.parse(res.text) : null;
    } catch {
      return { ok: false as const, error: 'answer is not JSON' };
    }
    return { ok: true as const, result };
  } catch (e) {
    return { ok: false as const, error: e instanceof OutboundError ? e.kind : 'network' };
  }
}

/**
 * Runs every pending call that is due (at most `limit`). Each call is first leased in a short
 * transaction (SKIP LOCKED, next attempt pushed past the timeout), so two workers never send
 * the same attempt and a crash mid-call only delays the retry; the HTTP call runs outside any
 * transaction. An answer clears the payload (the identifiers are no longer needed); a failure
 * schedules the next attempt with backoff. Redirects are not followed (a 3xx is a failure);
 * in production a provider whose host resolves (now) to a non-public address is not contacted
 * (`address_not_allowed`).
 * @returns the request ids whose calls were answered
 */
export async function runDueCalls(
  db: Db,
  keyring: Keyring,
  now: number,
  limit = 20,
  options: CallOptions = {},
): Promise<string[]> {
  const answered = new Set<string>();
  for (let i = 0; i < limit; i++) {
    const leased = await db.transaction(async (tx) => {
      const [call] = await tx
        .select()
        .from(schema.providerCalls)
        .where(
          and(
            eq(schema.providerCalls.status, 'pending'),
            lte(schema.providerCalls.nextAttemptAt, new Date(now)),
          ),
        )
        .orderBy(asc(schema.providerCalls.nextAttemptAt))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!call) return null;
      const [lease] = await tx
        .update(schema.providerCalls)
        .set({
          attempts: call.attempts + 1,
          nextAttemptAt: new Date(now + 3 * PROVIDER_TIMEOUT_MS),
        })
        .where(eq(schema.providerCalls.id, call.id))
        .returning();
      const [provider] = await tx
        .select()
        .from(schema.dataProviders)
        .where(eq(schema.dataProviders.id, call.providerId));
      return lease && provider ? { call: lease, provider } : null;
    });
    if (!leased) break;
    const { call, provider } = leased;
    const secret = await keyring.decrypt(
      provider.secret,
      fieldAad('data_providers', 'secret', provider.id),
    );
    const outcome = await post(provider, secret, call, now, options);
    await db.transaction(async (tx) => {
      if (outcome.ok) {
        const result =
          call.payload?.type === 'access' && outcome.result && typeof outcome.result === 'object'
            ? outcome.result
            : null;
        await tx
          .update(schema.providerCalls)
          .set({
            status: 'answered',
            answeredAt: new Date(now),
            result,
            payload: null,
            lastError: null,
          })
          .where(
            and(eq(schema.providerCalls.id, call.id), eq(schema.providerCalls.status, 'pending')),
          );
        await addEvent(
          tx,
          { id: call.requestId, subjectId: call.subjectId },
          'provider_answered',
          provider.name,
          now,
        );
        answered.add(call.requestId);
      } else {
        await tx
          .update(schema.providerCalls)
          .set({
            lastError: outcome.error,
            nextAttemptAt: new Date(now + backoffMs(call.attempts)),
          })
          .where(eq(schema.providerCalls.id, call.id));
      }
      await recordAudit(
        tx,
        {
          actor: { type: 'provider', id: provider.id },
          action: outcome.ok ? 'provider.answered' : 'provider.call_failed',
          subjectId: call.subjectId,
          target: call.requestId,
          details: { attempts: call.attempts, ...(outcome.ok ? {} : { error: outcome.error }) },
        },
        now,
      );
    });
  }
  return [...answered];
}

/**
 * An operator gives up on one provider's call, so the request can complete without it.
 * @throws ApiError `not_found` when there is no pending call of that provider on the request.
 */
export async function markCallFailed(
  db: Db,
  requestId: string,
  providerId: string,
  operator: string,
  now: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [call] = await tx
      .update(schema.providerCalls)
      .set({ status: 'failed', payload: null })
      .where(
        and(
          eq(schema.providerCalls.requestId, requestId),
          eq(schema.providerCalls.providerId, providerId),
          eq(schema.providerCalls.status, 'pending'),
        ),
      )
      .returning();
    if (!call) throw new ApiError('not_found', 'No pending call of this provider on this request.');
    await addEvent(tx, { id: requestId, subjectId: call.subjectId }, 'provider_failed', null, now);
    await recordAudit(
      tx,
      {
        actor: { type: 'staff', id: operator },
        action: 'provider.mark_failed',
        subjectId: call.subjectId,
        target: requestId,
        details: { providerId },
      },
      now,
    );
  });
}

/**
 * Removes a provider from future requests (sets `disabled_at`; the row and its call history stay
 * as evidence) and marks each of its pending calls failed, so the requests waiting on it can
 * complete (the product removing a system is the operator's decision the engine waits for).
 * Audited as `provider.disable`, with one `provider_failed` step per request it was holding.
 * @returns how many pending calls were released
 * @throws ApiError `not_found` when the property has no active provider with that id.
 */
export async function disableProvider(
  db: Db,
  propertyId: string,
  providerId: string,
  now: number,
): Promise<number> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(schema.dataProviders)
      .set({ disabledAt: new Date(now) })
      .where(
        and(
          eq(schema.dataProviders.id, providerId),
          eq(schema.dataProviders.propertyId, propertyId),
          isNull(schema.dataProviders.disabledAt),
        ),
      )
      .returning({ id: schema.dataProviders.id });
    if (!row) throw new ApiError('not_found', 'No active data provider with this id.');
    const released = await tx
      .update(schema.providerCalls)
      .set({ status: 'failed', payload: null })
      .where(
        and(
          eq(schema.providerCalls.providerId, providerId),
          eq(schema.providerCalls.status, 'pending'),
        ),
      )
      .returning({
        requestId: schema.providerCalls.requestId,
        subjectId: schema.providerCalls.subjectId,
      });
    for (const call of released) {
      await addEvent(
        tx,
        { id: call.requestId, subjectId: call.subjectId },
        'provider_failed',
        null,
        now,
      );
    }
    await recordAudit(
      tx,
      {
        actor: { type: 'system' },
        action: 'provider.disable',
        target: providerId,
        details: { releasedCalls: released.length },
      },
      now,
    );
    return released.length;
  });
}

/** The calls of some requests (to decide completion and to build exports). */
export async function callsOf(db: Db | Tx, requestIds: string[]) {
  if (requestIds.length === 0) return [];
  return db
    .select({
      requestId: schema.providerCalls.requestId,
      providerId: schema.providerCalls.providerId,
      name: schema.dataProviders.name,
      status: schema.providerCalls.status,
      attempts: schema.providerCalls.attempts,
      answeredAt: schema.providerCalls.answeredAt,
      result: schema.providerCalls.result,
    })
    .from(schema.providerCalls)
    .innerJoin(schema.dataProviders, eq(schema.dataProviders.id, schema.providerCalls.providerId))
    .where(inArray(schema.providerCalls.requestId, requestIds));
}
