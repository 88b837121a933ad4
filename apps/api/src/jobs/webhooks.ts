// Webhook jobs: `webhook-dispatch` fans the outbox out to endpoints and attempts due messages
// (woken within ~2 s of a new outbox row by its poll, and every minute by cron for retries);
// `consent-expiring` announces grants about to end (hourly).

import { deliverDue, fanOutOutbox, webhookWorkDue } from '../domain/webhooks-dispatch.ts';
import { announceExpiringGrants } from '../domain/webhooks-expiring.ts';
import { defineJob } from './define.ts';

/** Fan-out then delivery; loops while a full batch was attempted (bounded to 10 rounds). */
export const webhookDispatchJob = defineJob({
  name: 'webhook-dispatch',
  schedule: '* * * * *',
  retryLimit: 3,
  poll: { everyMs: 2_000, due: webhookWorkDue },
  async handler(deps) {
    for (let round = 0; round < 10; round++) {
      const fanned = await fanOutOutbox(deps, deps.clock());
      const attempted = await deliverDue(deps);
      if (fanned === 0 && attempted < 20) return;
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
