// The widget's hot paths in one statement each, written in SQL for postgres.js (prepared once
// per connection by the driver): the device's state with the property's configuration version
// (every experience read), and a whole batch of decisions with its evidence, projection,
// outbox row and idempotency row (every banner click). `pnpm bench` measures both; the general
// ledger functions in consents.ts (transactions, drizzle) serve every other caller.
import type { Database } from '@assent/db';
import { databaseOf, newId } from '@assent/db';
import { type ConsentSource, type Decision, termEnd } from '@assent/policy';
import {
  type AppendArgs,
  eventIds,
  isLaterDecision,
  type RecordedDecision,
  type StoredDecision,
} from './consents.ts';
import { stateChanged } from './state-cache.ts';

type Sql = Database['sql'];

interface StateRow {
  purpose_id: string;
  decision: string;
  decided_at: Date;
  expires_at: Date | null;
  notice_version: number;
  source: string;
  gpc: boolean;
  notice_id: string;
  event_id?: string;
}

function stored(r: StateRow): StoredDecision {
  return {
    decision: r.decision as Decision,
    decidedAt: new Date(r.decided_at).getTime(),
    expiresAt: r.expires_at === null ? null : new Date(r.expires_at).getTime(),
    noticeVersion: r.notice_version,
    source: r.source as ConsentSource,
    gpc: r.gpc,
    noticeId: r.notice_id,
    ...(r.event_id ? { eventId: r.event_id } : {}),
  };
}

/** What `deviceStateAt` reads. */
export interface DeviceStateAt {
  /** The property's configuration version now (0 when it has none yet). */
  version: number;
  /** The device's subject, null for a device never seen. */
  subjectId: string | null;
  /** That subject's projection: purpose id → latest decision. */
  last: Map<string, StoredDecision>;
}

/**
 * A device's subject, that subject's state projection and the property's configuration version,
 * in one statement: the experience read costs one round trip while the property and its
 * purposes come from the process cache, which the caller revalidates with `version`.
 * `deviceHash` is `deviceKey()` of the widget's device id.
 *
 * Reads that arrive together are coalesced: every call made in the same turn of the event loop
 * (e.g. the requests one socket poll delivered) is answered by ONE statement over all their
 * devices, sent on the next `setImmediate`. Under load this divides the per-statement cost
 * (on these machines mostly the socket write) by the number of concurrent readers; alone, a
 * call waits for nothing but the end of the current turn. At most READ_BATCH_MAX devices per
 * statement.
 */
export function deviceStateAt(
  sql: Sql,
  propertyId: string,
  deviceHash: string,
): Promise<DeviceStateAt> {
  let batcher = readBatchers.get(sql);
  if (!batcher) {
    batcher = new DeviceReadBatcher(sql);
    readBatchers.set(sql, batcher);
  }
  return batcher.read(propertyId, deviceHash);
}

/** Most devices read by one coalesced statement. */
export const READ_BATCH_MAX = 256;

interface PendingRead {
  propertyId: string;
  deviceHash: string;
  resolve: (state: DeviceStateAt) => void;
  reject: (err: unknown) => void;
}

type ReadRow = Partial<StateRow> & { i: string; version: string | null; subject_id: string | null };

/** Coalesces `deviceStateAt` calls of one event-loop turn into one statement per database. */
class DeviceReadBatcher {
  readonly #sql: Sql;
  #queue: PendingRead[] = [];
  #scheduled = false;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  read(propertyId: string, deviceHash: string): Promise<DeviceStateAt> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ propertyId, deviceHash, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    for (let at = 0; at < queue.length; at += READ_BATCH_MAX) {
      void this.#run(queue.slice(at, at + READ_BATCH_MAX));
    }
  }

  async #run(batch: PendingRead[]): Promise<void> {
    const sql = this.#sql;
    try {
      const rows = await sql<ReadRow[]>`
        select x.i::text as i, v.version::text as version, d.subject_id, s.purpose_id,
               s.decision, s.decided_at, s.expires_at, s.notice_version, s.source, s.gpc,
               s.notice_id, s.event_id
        from unnest(${sql.array(batch.map((r) => r.propertyId))}::text[],
                    ${sql.array(batch.map((r) => r.deviceHash))}::text[])
             with ordinality as x(property_id, device_hash, i)
        left join property_config_versions v on v.property_id = x.property_id
        left join devices d on d.id = x.device_hash and d.property_id = x.property_id
        left join consent_states s on s.subject_id = d.subject_id`;
      const states = batch.map(
        (): DeviceStateAt => ({ version: 0, subjectId: null, last: new Map() }),
      );
      for (const r of rows) {
        const state = states[Number(r.i) - 1];
        if (!state) continue;
        state.version = Number(r.version ?? 0);
        state.subjectId = r.subject_id ?? null;
        if (r.purpose_id) state.last.set(r.purpose_id, stored(r as StateRow));
      }
      batch.forEach((r, i) => {
        r.resolve(states[i] as DeviceStateAt);
      });
    } catch (err) {
      for (const r of batch) r.reject(err);
    }
  }
}

const readBatchers = new WeakMap<Sql, DeviceReadBatcher>();

/** A batch for `recordBatch`: `appendDecisions`' arguments for a device. */
export interface BatchArgs extends Omit<AppendArgs, 'subjectId'> {
  /** `deviceKey()` of the widget's device id. */
  deviceHash: string;
  /** The device's subject as read before (null: the device is new and is created here). */
  subjectId: string | null;
  /** The state projection read with it (purpose id → latest decision). */
  last: Map<string, StoredDecision>;
}

/** The planned outcome of a batch, computed before it is written. */
export interface PlannedBatch {
  subjectId: string;
  events: RecordedDecision[];
  /** The projection after the batch (an older, late-arriving decision never overwrites a newer one). */
  last: Map<string, StoredDecision>;
}

/** What `recordBatch` did. */
export type BatchResult =
  | { written: true; subjectId: string }
  /** The idempotency key was already used: nothing was written. */
  | { written: false };

/**
 * Plans a batch: event ids, term ends and the projection it will leave. Pure; `recordBatch`
 * writes exactly this plan.
 */
export function planBatch(args: BatchArgs): PlannedBatch & { batchId: string; outboxId: string } {
  const at = args.collectedAt.getTime();
  const subjectId = args.subjectId ?? newId('sub');
  const last = new Map(args.last);
  const ids = eventIds(args.decisions.length);
  const events = args.decisions.map((d, i) => {
    const expires = termEnd(d.purpose.rule, d.decision, at);
    const event: RecordedDecision = {
      id: ids[i] as string,
      purpose: d.purpose.row.key,
      decision: d.decision,
      collectedAt: args.collectedAt,
      expiresAt: expires === null ? null : new Date(expires),
    };
    // The order every writer and the rebuild use (isLaterDecision; the upsert below in SQL).
    if (isLaterDecision(last.get(d.purpose.row.id), at, event.id)) {
      last.set(d.purpose.row.id, {
        decision: d.decision,
        decidedAt: at,
        expiresAt: expires,
        noticeVersion: d.notice.version,
        source: args.source,
        gpc: args.evidence.gpc,
        noticeId: d.notice.id,
        eventId: event.id,
      });
    }
    return event;
  });
  return { subjectId, events, last, batchId: newId('bat'), outboxId: newId('obx') };
}

/**
 * Writes a planned batch in ONE statement (data-modifying CTEs, so one implicit transaction):
 * the device and its subject when new, one append-only event per decision with the evidence
 * of REQUIREMENTS P1, the state projection (moved forward only by a decision at least as new
 * as the stored one), one `consent.changed` outbox row and, with an idempotency key, the
 * stored first answer. With a key already used nothing is written (`written: false`); the
 * caller answers from the stored row. Once written, the change is announced (state-cache.ts
 * `stateChanged`).
 * @throws the driver's error on a constraint violation (e.g. the device was created by a
 *   concurrent request: the caller reads the device again and retries).
 */
export async function recordBatch(
  sql: Sql,
  args: BatchArgs,
  plan: PlannedBatch & { batchId: string; outboxId: string },
  idempotency: { key: string; requestHash: string; response: unknown } | null,
): Promise<BatchResult> {
  const newDevice = args.subjectId === null;
  const ds = args.decisions;
  // One projection row per purpose: the batch's last decision for it.
  const latest = new Map<string, number>();
  ds.forEach((d, i) => {
    latest.set(d.purpose.row.id, i);
  });
  const li = [...latest.values()];
  const iso = (d: Date | null) => (d === null ? null : d.toISOString());
  const payload = JSON.stringify({
    batchId: plan.batchId,
    events: plan.events.map((e) => ({
      id: e.id,
      purpose: e.purpose,
      decision: e.decision,
      source: args.source,
    })),
  });
  const rows = sql<{ written: boolean; subject_id: string | null }[]>`
    with idem as (
      insert into idempotency_keys (property_id, key, request_hash, status, response)
      select ${args.property.id}, ${idempotency?.key ?? null}::text,
             ${idempotency?.requestHash ?? ''}, 201,
             ${idempotency ? JSON.stringify(idempotency.response) : 'null'}::text::jsonb
      where ${idempotency?.key ?? null}::text is not null
      on conflict do nothing
      returning 1
    ), go as (
      select 1 as ok where ${idempotency?.key ?? null}::text is null or exists (select 1 from idem)
    ), new_subject as (
      insert into subjects (id, property_id)
      select ${plan.subjectId}, ${args.property.id} from go where ${newDevice}::boolean
      returning id
    ), new_device as (
      insert into devices (id, property_id, subject_id)
      select ${args.deviceHash}, ${args.property.id}, id from new_subject
      on conflict (id) do nothing
      returning subject_id
    ), sid as (
      -- Null when a concurrent request created the device first: the events' NOT NULL
      -- subject then fails the whole statement, so nothing of it is kept.
      select coalesce((select subject_id from new_device), ${args.subjectId}::text) as subject_id
      from go
    ), ev as (
      insert into consent_events (id, subject_id, property_id, purpose_id, notice_id,
        notice_hash, decision, source, surface, actor, locale, jurisdiction, collected_at,
        expires_at, batch_id, ip_truncated, ua_hash, gpc)
      select e.id, sid.subject_id, ${args.property.id}, e.purpose_id, e.notice_id,
        e.notice_hash, e.decision, ${args.source}, ${args.surface}::text,
        ${args.actor ?? 'subject'}, ${args.locale}, ${args.property.jurisdiction},
        ${iso(args.collectedAt)}::timestamptz, e.expires_at, ${plan.batchId},
        ${args.evidence.ipTruncated}::text, ${args.evidence.uaHash}::text, ${args.evidence.gpc}
      from unnest(
        ${sql.array(plan.events.map((e) => e.id))}::text[],
        ${sql.array(ds.map((d) => d.purpose.row.id))}::text[],
        ${sql.array(ds.map((d) => d.notice.id))}::text[],
        ${sql.array(ds.map((d) => d.notice.contentHash))}::text[],
        ${sql.array(ds.map((d) => d.decision))}::text[],
        ${sql.array(plan.events.map((e) => iso(e.expiresAt)))}::timestamptz[]
      ) as e(id, purpose_id, notice_id, notice_hash, decision, expires_at)
      cross join sid
      returning 1
    ), st as (
      insert into consent_states as cs (subject_id, purpose_id, property_id, decision,
        event_id, notice_id, notice_version, source, gpc, decided_at, expires_at)
      select sid.subject_id, s.purpose_id, ${args.property.id}, s.decision, s.event_id,
        s.notice_id, s.notice_version, ${args.source}, ${args.evidence.gpc},
        ${iso(args.collectedAt)}::timestamptz, s.expires_at
      from unnest(
        ${sql.array(li.map((i) => ds[i]?.purpose.row.id ?? ''))}::text[],
        ${sql.array(li.map((i) => ds[i]?.decision ?? ''))}::text[],
        ${sql.array(li.map((i) => plan.events[i]?.id ?? ''))}::text[],
        ${sql.array(li.map((i) => ds[i]?.notice.id ?? ''))}::text[],
        ${sql.array(li.map((i) => ds[i]?.notice.version ?? 0))}::int[],
        ${sql.array(li.map((i) => iso(plan.events[i]?.expiresAt ?? null)))}::timestamptz[]
      ) as s(purpose_id, decision, event_id, notice_id, notice_version, expires_at)
      cross join sid
      on conflict (subject_id, purpose_id) do update set
        property_id = excluded.property_id, decision = excluded.decision,
        event_id = excluded.event_id, notice_id = excluded.notice_id,
        notice_version = excluded.notice_version, source = excluded.source,
        gpc = excluded.gpc, decided_at = excluded.decided_at, expires_at = excluded.expires_at
      where (cs.decided_at, cs.event_id collate "C")
         <= (excluded.decided_at, excluded.event_id collate "C")
      returning 1
    ), ob as (
      insert into outbox (id, property_id, subject_id, topic, payload)
      select ${plan.outboxId}, ${args.property.id}, sid.subject_id, 'consent.changed',
        jsonb_build_object('subjectId', sid.subject_id) || ${payload}::text::jsonb
      from sid
      returning 1
    )
    select exists (select 1 from go) as written, (select subject_id from sid) as subject_id`;
  let row: { written: boolean; subject_id: string | null } | undefined;
  try {
    [row] = await rows;
  } catch (err) {
    // 23502 not_null_violation on consent_events.subject_id: see `sid` above.
    if (newDevice && (err as { code?: string }).code === '23502') throw new DeviceRaceError();
    throw err;
  }
  if (!row?.written || !row.subject_id) return { written: false };
  // Committed (one statement): the other readers of this device's state hear of it.
  const database = databaseOf(sql);
  if (database) {
    void stateChanged(database, {
      subjects: [row.subject_id],
      devices: [{ propertyId: args.property.id, deviceHash: args.deviceHash }],
    });
  }
  return { written: true, subjectId: row.subject_id };
}

/** A new device was created concurrently; read it again and retry the batch. */
export class DeviceRaceError extends Error {
  constructor() {
    super('device created concurrently');
  }
}

/** What `processingState` reads for `may(subject, purpose)`. */
export interface ProcessingState {
  /** The subject holding the state (a merged device subject answers for its user); null when unknown. */
  subjectId: string | null;
  /** Its latest decision for the purpose, if any. */
  last: StoredDecision | null;
  /** A restriction request of that subject is in force (GDPR 18, PIPL 44; see restriction.ts). */
  restricted: boolean;
}

/**
 * The processing check's read, in one statement: the subject named by the product's user id
 * (its keyed blind index, `externalIdIndex`) or by Assent's subject id (followed to the user it
 * was merged into), its projection row for one purpose, and whether a restriction of it is in
 * force (`restrictingStatuses`: restriction.ts `RESTRICTING_STATUSES`). Pass exactly one of
 * `externalIdIndex` / `subjectId`.
 */
export async function processingState(
  sql: Sql,
  args: {
    propertyId: string;
    purposeId: string;
    externalIdIndex: string | null;
    subjectId: string | null;
    restrictingStatuses: readonly string[];
  },
): Promise<ProcessingState> {
  const rows = await sql<
    (Partial<StateRow> & { subject_id: string | null; restricted: boolean })[]
  >`
    with target as (
      select id from subjects
      where property_id = ${args.propertyId} and external_id_index = ${args.externalIdIndex}::text
      union all
      select coalesce(merged_into, id) from subjects
      where id = ${args.subjectId}::text and property_id = ${args.propertyId}
      limit 1
    )
    select t.id as subject_id, s.purpose_id, s.decision, s.decided_at, s.expires_at,
      s.notice_version, s.source, s.gpc, s.notice_id, s.event_id,
      t.id is not null and exists (
        select 1 from privacy_requests r
        where r.subject_id = t.id and r.type = 'restriction'
          and r.status = any(${sql.array([...args.restrictingStatuses])}::text[])
      ) as restricted
    from (select 1) one
    left join target t on true
    left join consent_states s on s.subject_id = t.id and s.purpose_id = ${args.purposeId}`;
  const row = rows[0];
  return {
    subjectId: row?.subject_id ?? null,
    last: row?.purpose_id ? stored(row as StateRow) : null,
    restricted: row?.restricted === true,
  };
}
