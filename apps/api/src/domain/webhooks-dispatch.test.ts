// Webhook delivery from the outbox to a real local HTTP receiver, with a moved clock.
import { WebhookDeliveryLog } from '@assent/contract';
import { newId, schema } from '@assent/db';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../context.ts';
import { webhookDispatchJob } from '../jobs/webhooks.ts';
import { createTestApp, type TestApp } from '../testing.ts';
import { createEndpoint } from './webhooks.ts';
import {
  backoffMs,
  deliverDue,
  FAN_OUT_BATCH,
  fanOutOutbox,
  forgetWebhookSubjects,
  MAX_ATTEMPTS,
  webhookWorkDue,
} from './webhooks-dispatch.ts';
import {
  depsOf,
  grantAnalytics,
  register,
  serverHeaders,
  startReceiver,
  unregisterAll,
  verifySignature,
} from './webhooks-test-kit.ts';

let t: TestApp;
let deps: Deps;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  t = await createTestApp();
  deps = depsOf(t);
  receiver = await startReceiver();
  await dispatch(); // hand over whatever earlier setup wrote
});
afterEach(async () => {
  await unregisterAll(t);
  await dispatch();
});
afterAll(async () => {
  await receiver.close();
  await t.dispose();
});

const dispatch = () => webhookDispatchJob.handler(deps, {});
const advanceMs = (ms: number) => t.clock.advanceDays(ms / 86_400_000);
async function log(id: string) {
  const res = await t.app.request(`/v1/server/webhooks/${id}/deliveries`, {
    headers: serverHeaders(),
  });
  expect(res.status).toBe(200);
  return WebhookDeliveryLog.parse(await res.json()).data;
}

describe('webhook delivery', () => {
  it('delivers consent.changed signed as Standard Webhooks specifies, once', async () => {
    const endpoint = await register(t, receiver.url('/signed'));
    await grantAnalytics(t);
    expect(await webhookWorkDue(deps)).toBe(true);
    await dispatch();
    const [got, ...more] = receiver.at('/signed');
    expect(more).toHaveLength(0);
    if (!got) throw new Error('nothing delivered');
    expect(verifySignature(endpoint.secret, got)).toBe(true);
    expect(verifySignature(`whsec_${Buffer.alloc(32).toString('base64')}`, got)).toBe(false);
    expect(got.headers['webhook-id']).toMatch(/^msg_/);
    expect(got.headers['webhook-timestamp']).toBe(String(Math.floor(t.clock.now() / 1000)));
    expect(got.headers['content-type']).toBe('application/json');
    const body = JSON.parse(got.body);
    expect(body).toMatchObject({
      type: 'consent.changed',
      data: { propertyId: t.propertyId, externalId: null },
    });
    expect(body.data.events).toEqual([
      expect.objectContaining({ purpose: 'analytics', decision: 'granted', source: 'preferences' }),
    ]);
    expect(await webhookWorkDue(deps)).toBe(false);
    await dispatch();
    expect(receiver.at('/signed')).toHaveLength(1);
    const entries = await log(endpoint.id);
    expect(entries).toEqual([
      expect.objectContaining({
        messageId: got.headers['webhook-id'],
        type: 'consent.changed',
        deliveryState: 'delivered',
        attempt: 1,
        statusCode: 200,
        errorClass: null,
        nextAttemptAt: null,
      }),
    ]);
  });

  it('a failure then a success shows the retry, after backoff, in the delivery log', async () => {
    const endpoint = await register(t, receiver.url('/flaky'));
    receiver.answer(503);
    await grantAnalytics(t, 'denied');
    await dispatch();
    const [first] = await log(endpoint.id);
    expect(first).toMatchObject({ attempt: 1, statusCode: 503, errorClass: 'http_5xx' });
    expect(first?.deliveryState).toBe('pending');
    expect(Date.parse(first?.nextAttemptAt ?? '')).toBe(t.clock.now() + backoffMs(1));

    await dispatch(); // not due yet: nothing is sent
    expect(receiver.at('/flaky')).toHaveLength(1);
    advanceMs(backoffMs(1) + 1_000);
    await dispatch();
    const calls = receiver.at('/flaky');
    expect(calls).toHaveLength(2);
    expect(calls[1]?.headers['webhook-id']).toBe(calls[0]?.headers['webhook-id']);
    expect(calls[1]?.body).toBe(calls[0]?.body);
    expect(
      verifySignature(endpoint.secret, calls[1] ?? calls[0] ?? { path: '', headers: {}, body: '' }),
    ).toBe(true);
    const entries = await log(endpoint.id);
    expect(entries.map((e) => [e.attempt, e.statusCode, e.errorClass, e.deliveryState])).toEqual([
      [2, 200, null, 'delivered'],
      [1, 503, 'http_5xx', 'delivered'],
    ]);
    expect(entries[0]?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('backoff doubles from 1 minute, capped at 12 hours; gives up after MAX_ATTEMPTS', async () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(backoffMs(30)).toBe(12 * 3_600_000);
    const endpoint = await register(t, receiver.url('/down'));
    receiver.answer(...Array<number>(MAX_ATTEMPTS).fill(500));
    await grantAnalytics(t);
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      await dispatch();
      advanceMs(backoffMs(i) + 1_000);
    }
    await dispatch();
    expect(receiver.at('/down')).toHaveLength(MAX_ATTEMPTS);
    const [last] = await log(endpoint.id);
    expect(last).toMatchObject({
      attempt: MAX_ATTEMPTS,
      deliveryState: 'failed',
      nextAttemptAt: null,
    });
  });

  it('410 Gone stops retries; an unreachable receiver is logged as a network error', async () => {
    const gone = await register(t, receiver.url('/gone'));
    const closed = await register(t, 'http://127.0.0.1:1/unreachable');
    receiver.answer(410);
    await grantAnalytics(t);
    await dispatch();
    expect((await log(gone.id))[0]).toMatchObject({ statusCode: 410, deliveryState: 'failed' });
    const [net] = await log(closed.id);
    expect(net).toMatchObject({
      statusCode: null,
      errorClass: 'network',
      deliveryState: 'pending',
    });
  });

  it('sends only subscribed topics, cancels pending retries of a deleted endpoint, leaves other outbox topics', async () => {
    await register(t, receiver.url('/expiring-only'), ['consent.expiring']);
    const doomed = await register(t, receiver.url('/doomed'));
    receiver.answer(500);
    const otherTopic = newId('obx');
    await t.database.db.insert(schema.outbox).values({
      id: otherTopic,
      propertyId: t.propertyId,
      topic: 'someone.else',
      payload: {},
    });
    await grantAnalytics(t);
    await dispatch();
    expect(receiver.at('/expiring-only')).toHaveLength(0);
    expect(receiver.at('/doomed')).toHaveLength(1);
    await t.app.request(`/v1/server/webhooks/${doomed.id}`, {
      method: 'DELETE',
      headers: serverHeaders(),
    });
    advanceMs(backoffMs(1) + 1_000);
    await dispatch();
    expect(receiver.at('/doomed')).toHaveLength(1);
    const [row] = await t.database.db
      .select()
      .from(schema.webhookDeliveries)
      .where(eq(schema.webhookDeliveries.endpointId, doomed.id));
    expect(row?.state).toBe('cancelled');
    expect(row?.body).toBe(''); // nothing left to send: the body is gone
    const [other] = await t.database.db
      .select()
      .from(schema.outbox)
      .where(eq(schema.outbox.id, otherTopic));
    expect(other?.deliveredAt).toBeNull();
  });

  it('one run hands over every waiting outbox row, also when no endpoint is subscribed (no backlog)', async () => {
    const count = FAN_OUT_BATCH * 2 + 50;
    await t.database.db.insert(schema.outbox).values(
      Array.from({ length: count }, () => ({
        id: newId('obx'),
        propertyId: t.propertyId,
        topic: 'consent.changed',
        payload: {},
      })),
    );
    await dispatch();
    const [pending] = await t.database.sql<{ n: number }[]>`
      select count(*)::int as n from outbox
      where delivered_at is null and topic = 'consent.changed'`;
    expect(pending?.n).toBe(0);
    expect(await webhookWorkDue(deps)).toBe(false);
  });

  it('S2/R4: a body is kept (encrypted) only while it may be sent; erasure drops it and cancels retries', async () => {
    const endpoint = await register(t, receiver.url('/retained'));
    receiver.answer(500);
    await grantAnalytics(t);
    await grantAnalytics(t);
    await dispatch(); // first fails (retry pending), second is delivered
    const rows = await t.database.db
      .select()
      .from(schema.webhookDeliveries)
      .where(eq(schema.webhookDeliveries.endpointId, endpoint.id));
    const pending = rows.find((r) => r.state === 'pending');
    const delivered = rows.find((r) => r.state === 'delivered');
    expect(pending?.body.startsWith('enc1:')).toBe(true);
    expect(pending?.body).not.toContain(pending?.subjectId ?? 'x');
    expect(delivered?.body).toBe('');
    const changed = await t.database.db.transaction((tx) =>
      forgetWebhookSubjects(tx, [pending?.subjectId ?? '']),
    );
    expect(changed).toBe(1);
    const [after] = await t.database.db
      .select()
      .from(schema.webhookDeliveries)
      .where(eq(schema.webhookDeliveries.id, pending?.id ?? ''));
    expect(after).toMatchObject({ state: 'cancelled', body: '', nextAttemptAt: null });
    advanceMs(backoffMs(1) + 1_000);
    await dispatch();
    expect(receiver.at('/retained')).toHaveLength(2);
  });

  it('S4: production checks the address again at delivery: a name rebound to loopback is not contacted', async () => {
    const port = new URL(receiver.url('/')).port;
    const url = `https://hooks.shop.example:${port}/rebound`;
    let answer = '93.184.215.14';
    const asked: string[] = [];
    const resolve = async (host: string) => {
      asked.push(host);
      return [{ address: answer, family: 4 }];
    };
    const prod: Deps = { ...deps, config: { ...deps.config, production: true } };
    const endpoint = await createEndpoint(prod, t.propertyId, { url }, { type: 'system' }, resolve);
    answer = '127.0.0.1'; // the name now points into Assent's own network
    await grantAnalytics(t);
    expect((await fanOutOutbox(prod, t.clock.now())).messages).toBe(1);
    expect(await deliverDue(prod, 20, resolve)).toBe(1);
    expect(asked).toEqual(['hooks.shop.example', 'hooks.shop.example']);
    expect(receiver.at('/rebound')).toHaveLength(0);
    const [attempt] = await log(endpoint.id);
    expect(attempt).toMatchObject({
      statusCode: null,
      errorClass: 'address_not_allowed',
      deliveryState: 'pending',
    });
  });
});
