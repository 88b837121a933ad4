// Retention and destruction (procedure §1.2; PIPL 19, 47; REQUIREMENTS S2): the sweep reads
// the classification tags and, for every rule of kind `expire`, deletes the rows (or clears
// the tagged columns) whose keeping period has passed, in batches, one audit event per batch.
// It also ends expired staff sessions and marks expired grants revoked. Idempotent; scheduled
// daily as the `retention-sweep` job and runnable on demand (`pnpm assent jobs run retention-sweep`).
import { type Db, databaseOf, schema } from '@assent/db';
import { personalColumns, type RetentionRule } from '@assent/db/classification';
import { lte, sql } from 'drizzle-orm';
import type { Deps } from '../context.ts';
import { defineJob } from '../jobs/define.ts';
import { recordAudit } from './audit.ts';
import { expireGrants } from './staff-grants.ts';
import { stateChanged } from './state-cache.ts';

type ExpireRule = Extract<RetentionRule, { kind: 'expire' }>;
const DAY_MS = 86_400_000;
/** Rows per batch (and per audit event). */
export const BATCH = 500;

export interface SweepStep {
  table: string;
  action: 'delete' | 'anonymise';
  columns: string[];
  rule: ExpireRule;
}

/** The sweep's plan, from the tags: one step per table and timed rule. */
export function sweepPlan(): SweepStep[] {
  const steps = new Map<string, SweepStep>();
  for (const { table, column, tag } of personalColumns()) {
    const rule = tag.retention;
    if (rule.kind !== 'expire') continue;
    const key = `${table}|${rule.action}|${rule.after}|${rule.days}`;
    const step = steps.get(key) ?? { table, action: rule.action, columns: [], rule };
    step.columns.push(column);
    steps.set(key, step);
  }
  return [...steps.values()];
}

async function runStep(db: Db, step: SweepStep, now: number): Promise<number> {
  const cutoff = new Date(now - step.rule.days * DAY_MS);
  const table = sql.identifier(step.table);
  const after = sql.identifier(step.rule.after);
  const before = sql`${cutoff.toISOString()}::timestamptz`;
  let total = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      let rows: unknown[];
      if (step.action === 'delete') {
        rows = await tx.execute(sql`delete from ${table} where ctid in (
          select ctid from ${table} where ${after} < ${before} limit ${BATCH}) returning 1`);
      } else {
        // consent_events is append-only; its guard lets this transaction clear evidence only.
        await tx.execute(sql`select set_config('assent.retention', 'on', true)`);
        const cols = step.columns.map((c) => sql.identifier(c));
        const sets = sql.join(
          cols.map((c) => sql`${c} = null`),
          sql`, `,
        );
        const anyNotNull = sql.join(
          cols.map((c) => sql`${c} is not null`),
          sql` or `,
        );
        rows = await tx.execute(sql`update ${table} set ${sets} where ctid in (
          select ctid from ${table} where ${after} < ${before} and (${anyNotNull}) limit ${BATCH}) returning 1`);
      }
      if (rows.length > 0)
        await recordAudit(
          tx,
          {
            actor: { type: 'job', id: 'retention-sweep' },
            action: step.action === 'delete' ? 'retention.delete' : 'retention.anonymise',
            target: `${step.table}(${step.columns.join(',')})`,
            details: { rows: rows.length, olderThan: cutoff.toISOString(), basis: step.rule.basis },
          },
          now,
        );
      return rows.length;
    });
    total += n;
    if (n < BATCH) return total;
  }
}

/**
 * Runs every timed retention rule once.
 * @param now epoch ms (the injectable clock)
 * @returns rows touched per `table:action`, plus ended staff sessions and expired grants
 */
export async function runRetentionSweep(db: Db, now: number): Promise<Record<string, number>> {
  const report: Record<string, number> = {};
  for (const step of sweepPlan())
    report[`${step.table}:${step.action}`] = await runStep(db, step, now);
  const ended = await db
    .delete(schema.staffSessions)
    .where(lte(schema.staffSessions.expiresAt, new Date(now - DAY_MS)))
    .returning({ id: schema.staffSessions.id });
  report['staff_sessions:delete'] = ended.length;
  report['staff_grants:expire'] = await expireGrants(db, now);
  const database = databaseOf(db);
  const touchedState = Object.entries(report).some(
    ([step, n]) => n > 0 && /^(consent_states|devices):/.test(step),
  );
  if (database && touchedState) await stateChanged(database, { all: true });
  return report;
}

/** The daily job (03:17 UTC); also `pnpm assent jobs run retention-sweep`. */
export const retentionSweepJob = defineJob({
  name: 'retention-sweep',
  schedule: '17 3 * * *',
  async handler(deps: Deps) {
    await runRetentionSweep(deps.database.db, deps.clock());
  },
});
