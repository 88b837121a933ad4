// Webhook jobs: `webhook-dispatch` fans the outbox out to endpoints and attempts due messages
// (woken within ~2 s of a new outbox row by its poll, and every minute by cron for retries);
// `consent-expiring` announces grants about to end (hourly).

import {
  deliverDue,
  FAN_OUT_BATCH,
  fanOutOutbox,
  webhookWorkDue,
} from '../domain/webhooks-dispatch.ts';
import { announceExpiringGrants } from '../domain/webhooks-expiring.ts';
import { defineJob } from './define.ts';

/** Most fan-out/delivery rounds of one run (50 × FAN_OUT_BATCH = 10,000 outbox rows). */
const MAX_ROUNDS = 50;

/**
 * Fan-out then delivery; loops while a round handed over a full batch of outbox rows or
 * attempted a full batch of messages (bounded to MAX_ROUNDS; the poll starts the next run).
 * Rows count, not messages: with no endpoint subscribed a round creates no message but still
 * consumes a batch, and stopping there would drain the outbox at one batch per poll (~100
 * rows/s), slower than the widget writes.
 */
export const webhookDispatchJob = defineJob({
  name: 'webhook-dispatch',
  schedule: '* * * * *',
  retryLimit: 3,
  poll: { everyMs: 2_000, due: webhookWorkDue },
  async handler(deps) {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const fanned = await fanOutOutbox(deps, deps.clock());
      const attempted = await deliverDue(deps);
      if (fanned.rows < FAN_OUT_BATCH && attempted < 20) return;
    }
  },
});

/** Writes `consent.expiring` outbox rows (REQUIREMENTS C10), then wakes the dispatcher. */
export const consentExpiringJob = defineJob({
  name: 'consent-expiring',
  schedule: '7 * * * *',
  async handler(deps) {
    const announced = await announceExpiringGrants(deps, deps.clock());
    if (announced > 0) await deps.jobs?.send('webhook-dispatch', {}, { singletonKey: 'wake' });
  },
});
