// The privacy request jobs (DESIGN "Jobs"). Their state lives in the request tables, so a
// restart resumes where it stopped and nothing runs twice: `request-work` is woken within
// ~2 s when something is due (its poll) and every minute by cron (retries after backoff).
import { defineJob } from '../../jobs/define.ts';
import {
  alertOverdue,
  completeReadyRequests,
  executeDueErasures,
  purgeOldRequests,
  requestWorkDue,
} from './progress.ts';
import { runDueCalls } from './providers.ts';

/**
 * Erasures whose cooling-off ended (R4), signed calls to the product's data providers with
 * backoff, then exports built and requests completed once every provider answered (R1, R2).
 */
export const requestWorkJob = defineJob({
  name: 'request-work',
  schedule: '* * * * *',
  poll: { everyMs: 2_000, due: requestWorkDue },
  handler: async (deps) => {
    await executeDueErasures(deps);
    await runDueCalls(deps.database.db, deps.keyring, deps.clock(), 20, {
      production: deps.config.production,
    });
    await completeReadyRequests(deps);
  },
});

/** Overdue alerts (R5) and the retention of closed request records (R8). */
export const requestOverdueJob = defineJob({
  name: 'request-overdue',
  schedule: '*/5 * * * *',
  handler: async (deps) => {
    await alertOverdue(deps);
    await purgeOldRequests(deps);
  },
});

/** Every request job. */
export const requestJobs = [requestWorkJob, requestOverdueJob];
