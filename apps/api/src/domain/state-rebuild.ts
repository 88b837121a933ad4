// Rebuilds the consent state projection from the append-only events (REQUIREMENTS P2): the
// latest decision (by collectedAt, then event id: consents.ts isLaterDecision, the order every
// writer uses) per subject × purpose, where a user
// subject's history includes the device subjects merged into it, as identify does.
import { type Db, databaseOf } from '@assent/db';
import { sql } from 'drizzle-orm';
import { type AuditEntry, recordAudit } from './audit.ts';
import { stateChanged } from './state-cache.ts';

type Conn = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** One projection row that differs from what the events say. */
export interface StateDifference {
  subjectId: string;
  purposeId: string;
  /** `missing`: no row but events; `extra`: a row without events; `different`: columns differ. */
  kind: 'missing' | 'extra' | 'different';
  /** The differing columns (for `different`). */
  columns: string[];
}

// The expected projection, as SQL: each event counts for its own subject and, when that
// subject was merged, for the subject it was merged into.
const EXPECTED = sql`
  with owned as (
    select e.subject_id as owner, e.* from consent_events e
    union all
    select s.merged_into as owner, e.* from consent_events e
      join subjects s on s.id = e.subject_id where s.merged_into is not null
  )
  select distinct on (o.owner, o.purpose_id)
    o.owner as subject_id, o.purpose_id, o.property_id, o.decision, o.id as event_id,
    o.notice_id, n.version as notice_version, o.source, o.gpc,
    o.collected_at as decided_at, o.expires_at
  from owned o join notices n on n.id = o.notice_id
  order by o.owner, o.purpose_id, o.collected_at desc, o.id collate "C" desc`;

const COLUMNS = [
  'property_id',
  'decision',
  'event_id',
  'notice_id',
  'notice_version',
  'source',
  'gpc',
  'decided_at',
  'expires_at',
] as const;

/**
 * Compares the stored projection with the one the events give, in the database (only the
 * differing rows come back, so memory stays small).
 */
export async function diffStates(db: Conn): Promise<StateDifference[]> {
  const differs = COLUMNS.map(
    // Column names are constants of this file, so they can be inlined as literals.
    (c) => sql.raw(`case when x.${c} is distinct from s.${c} then '${c}' end`),
  );
  const rows = await db.execute<{
    subject_id: string;
    purpose_id: string;
    kind: StateDifference['kind'];
    columns: string[];
  }>(sql`
    with x as (${EXPECTED})
    select coalesce(x.subject_id, s.subject_id) as subject_id,
      coalesce(x.purpose_id, s.purpose_id) as purpose_id,
      case when s.subject_id is null then 'missing' when x.subject_id is null then 'extra'
        else 'different' end as kind,
      array_remove(array[${sql.join(differs, sql`, `)}]::text[], null) as columns
    from x full outer join consent_states s
      on s.subject_id = x.subject_id and s.purpose_id = x.purpose_id
    where s.subject_id is null or x.subject_id is null
      or (${sql.join(
        COLUMNS.map((c) => sql`x.${sql.raw(c)} is distinct from s.${sql.raw(c)}`),
        sql` or `,
      )})
    order by 1, 2`);
  return rows.map((r) => ({
    subjectId: r.subject_id,
    purposeId: r.purpose_id,
    kind: r.kind,
    columns: r.kind === 'different' ? r.columns : [],
  }));
}

/**
 * Rewrites the differing projection rows from the events in one transaction (rows with no
 * events are deleted) and records an audit event with the counts.
 * @returns the differences that were repaired
 */
export async function rebuildStates(
  db: Db,
  actor: AuditEntry['actor'],
  now: number,
): Promise<StateDifference[]> {
  const repaired = await db.transaction(async (tx) => {
    const diff = await diffStates(tx);
    if (diff.length === 0) return diff;
    await tx.execute(sql`
      delete from consent_states s where not exists (
        select 1 from consent_events e left join subjects m on m.id = e.subject_id
        where e.purpose_id = s.purpose_id
          and (e.subject_id = s.subject_id or m.merged_into = s.subject_id))`);
    await tx.execute(sql`
      insert into consent_states (subject_id, purpose_id, property_id, decision, event_id,
        notice_id, notice_version, source, gpc, decided_at, expires_at)
      select * from (${EXPECTED}) x
      on conflict (subject_id, purpose_id) do update set
        ${sql.join(
          COLUMNS.map((c) => sql`${sql.raw(c)} = excluded.${sql.raw(c)}`),
          sql`, `,
        )}`);
    const counts = { missing: 0, extra: 0, different: 0 };
    for (const d of diff) counts[d.kind]++;
    await recordAudit(
      tx,
      { actor, action: 'consent_state.rebuild', target: 'consent_states', details: counts },
      now,
    );
    return diff;
  });
  const database = databaseOf(db);
  if (repaired.length > 0 && database) await stateChanged(database, { all: true });
  return repaired;
}
