// Moving requests forward in the background: erasures whose cooling-off ended, requests whose
// providers all answered (an access request then gets its export built), overdue alerts (R5)
// and the retention of closed request records (R8). Each step is idempotent and claims its
// rows with SKIP LOCKED, so several workers and a restart neither lose nor repeat work.
import { type Db, schema } from '@assent/db';
import { and, eq, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Deps } from '../../context.ts';
import { recordAudit } from '../audit.ts';
import { stateChanged } from '../state-cache.ts';
import { executeErasure } from './erasure.ts';
import { exportCsv, exportDocument, exportHtml } from './export.ts';
import {
  addEvent,
  auditRequestJob,
  OPEN_STATUSES,
  type RequestRow,
  transition,
} from './requests.ts';

const BATCH = 20;

async function claim(
  db: Db,
  where: ReturnType<typeof and>,
  work: (tx: Parameters<Parameters<Db['transaction']>[0]>[0], row: RequestRow) => Promise<void>,
) {
  let n = 0;
  for (; n < BATCH; n++) {
    const did = await db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(schema.privacyRequests)
        .where(where)
        .limit(1)
        .for('update', { skipLocked: true });
      if (!row) return false;
      await work(tx, row);
      return true;
    });
    if (!did) break;
  }
  return n;
}

/** Runs every erasure whose cooling-off period has ended (R4). @returns how many ran */
export async function executeDueErasures(deps: Deps): Promise<number> {
  const now = deps.clock();
  const erased = await claim(
    deps.database.db,
    and(
      eq(schema.privacyRequests.type, 'erasure'),
      eq(schema.privacyRequests.status, 'verified'),
      lte(schema.privacyRequests.executeAfter, new Date(now)),
    ),
    async (tx, row) => {
      await executeErasure(tx, row, now, deps.keyring);
    },
  );
  // The erased devices' states leave every process's cache (state-cache.ts); erasures are
  // rare, so all of it.
  if (erased > 0) await stateChanged(deps.database, { all: true });
  return erased;
}

/**
 * Completes `in_progress` access and erasure requests whose provider calls are all answered or
 * failed; an access request first gets its export (JSON, CSV, HTML) with a link valid for
 * `config.requests.exportTtlMs`. @returns how many completed
 */
export async function completeReadyRequests(deps: Deps): Promise<number> {
  const now = deps.clock();
  return claim(
    deps.database.db,
    and(
      inArray(schema.privacyRequests.type, ['access', 'erasure']),
      eq(schema.privacyRequests.status, 'in_progress'),
      sql`not exists (select 1 from provider_calls pc where pc.request_id = ${schema.privacyRequests.id} and pc.status = 'pending')`,
    ),
    async (tx, row) => {
      if (row.type === 'access') {
        const doc = await exportDocument(tx, row.subjectId, row.id, now, {
          signingKey: deps.config.receiptSigningKey,
          publicUrl: deps.config.publicUrl,
          keyring: deps.keyring,
        });
        await tx
          .insert(schema.requestExports)
          .values({
            requestId: row.id,
            subjectId: row.subjectId,
            json: doc,
            csv: exportCsv(doc),
            html: exportHtml(doc),
            createdAt: new Date(now),
            expiresAt: new Date(now + deps.config.requests.exportTtlMs),
          })
          .onConflictDoNothing();
        await addEvent(tx, row, 'export_ready', null, now);
        await auditRequestJob(
          tx,
          row,
          'subject.export_build',
          { events: doc.consentEvents.length },
          now,
        );
      }
      await transition(tx, row.id, 'completed', { actor: { type: 'job' } }, now);
    },
  );
}

/**
 * Raises one alert per open request past its due date (R5): an audit event and a
 * `request.overdue` webhook through the outbox. @returns how many were raised
 */
export async function alertOverdue(deps: Deps): Promise<number> {
  const now = deps.clock();
  return claim(
    deps.database.db,
    and(
      inArray(schema.privacyRequests.status, OPEN_STATUSES),
      lt(schema.privacyRequests.dueAt, new Date(now)),
      isNull(schema.privacyRequests.overdueAlertedAt),
    ),
    async (tx, row) => {
      await tx
        .update(schema.privacyRequests)
        .set({ overdueAlertedAt: new Date(now) })
        .where(eq(schema.privacyRequests.id, row.id));
      await tx.insert(schema.outbox).values({
        id: `obx_overdue_${row.id}`,
        propertyId: row.propertyId,
        subjectId: row.subjectId,
        topic: 'request.overdue',
        payload: {
          requestId: row.id,
          type: row.type,
          status: row.status,
          dueAt: row.dueAt.toISOString(),
        },
      });
      await addEvent(tx, row, 'overdue', null, now);
      await auditRequestJob(
        tx,
        row,
        'request.overdue',
        { type: row.type, dueAt: row.dueAt.toISOString() },
        now,
      );
    },
  );
}

/**
 * Deletes closed request records older than `config.requests.retentionDays` (≥ 730, R8). A
 * completed restriction is kept while it is in force (until lifted), whatever its age.
 */
export async function purgeOldRequests(deps: Deps): Promise<number> {
  const now = deps.clock();
  const before = new Date(now - deps.config.requests.retentionDays * 86_400_000);
  return deps.database.db.transaction(async (tx) => {
    const old = await tx
      .select({ id: schema.privacyRequests.id })
      .from(schema.privacyRequests)
      .where(
        and(
          sql`${schema.privacyRequests.closedAt} is not null`,
          lt(schema.privacyRequests.closedAt, before),
          sql`not (${schema.privacyRequests.type} = 'restriction' and ${schema.privacyRequests.status} = 'completed')`,
        ),
      )
      .limit(500);
    const ids = old.map((o) => o.id);
    if (ids.length === 0) return 0;
    await tx
      .delete(schema.privacyRequestEvents)
      .where(inArray(schema.privacyRequestEvents.requestId, ids));
    await tx.delete(schema.providerCalls).where(inArray(schema.providerCalls.requestId, ids));
    await tx.delete(schema.requestExports).where(inArray(schema.requestExports.requestId, ids));
    await tx.delete(schema.privacyRequests).where(inArray(schema.privacyRequests.id, ids));
    await recordAudit(
      tx,
      { actor: { type: 'job' }, action: 'request.purge', details: { count: ids.length } },
      now,
    );
    return ids.length;
  });
}

/**
 * True when `request-work` has something to do now: an erasure past its cooling-off, a
 * provider call due, or an in-progress request with no call pending. One cheap query.
 */
export async function requestWorkDue(deps: Deps): Promise<boolean> {
  const now = new Date(deps.clock()).toISOString();
  const rows = await deps.database.db.execute(sql`
    select 1 from privacy_requests
      where type = 'erasure' and status = 'verified' and execute_after <= ${now}::timestamptz
    union all
    select 1 from provider_calls where status = 'pending' and next_attempt_at <= ${now}::timestamptz
    union all
    select 1 from privacy_requests r
      where r.status = 'in_progress' and r.type in ('access', 'erasure')
        and not exists (select 1 from provider_calls pc where pc.request_id = r.id and pc.status = 'pending')
    limit 1`);
  const list = Array.isArray(rows) ? rows : ((rows as { rows?: unknown[] }).rows ?? []);
  return list.length > 0;
}
