// The background jobs Assent runs (DESIGN "Jobs"): one list, read by the job runner
// (jobs/runner.ts). A job is declared with `defineJob({name, schedule?, retryLimit?, poll?,
// handler(deps, payload)})` from ./define.ts in its own module, then listed here.
import { requestJobs } from '../domain/requests/jobs.ts';
import { retentionSweepJob } from '../domain/retention.ts';
import { consentExpiringJob, webhookDispatchJob } from './webhooks.ts';

export { defineJob, type JobDefinition } from './define.ts';

import type { JobDefinition } from './define.ts';

/** Every job. Add yours with one line. */
export const jobs: JobDefinition[] = [
  webhookDispatchJob,
  consentExpiringJob,
  ...requestJobs,
  retentionSweepJob,
];
