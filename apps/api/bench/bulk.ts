// Bulk-loads a property's ledger with generate_series: subjects with a device each, N consent
// events spread over them and the demo purposes, and the state projection of those events.
import type { Database } from '@assent/db';

type Sql = Database['sql'];

/**
 * Inserts `events` consent events for `events / 10` new subjects (10 each) of the property,
 * their devices, and their consent_states; then ANALYZE. Returns the seconds it took.
 * With a superuser connection FK checks and triggers are skipped while loading.
 */
export async function bulkLoad(sql: Sql, propertyId: string, events: number): Promise<number> {
  const started = performance.now();
  const subjects = Math.max(1, Math.floor(events / 10));
  const notices = await sql<{ purpose_id: string; notice_id: string; hash: string }[]>`
    select distinct on (p.id) p.id as purpose_id, n.id as notice_id, n.content_hash as hash
    from purposes p join notices n on n.purpose_id = p.id
    where p.property_id = ${propertyId} and not p.necessary and p.separate_consent is null
    order by p.id, n.version desc`;
  const purposeIds = notices.map((n) => n.purpose_id);
  const noticeIds = notices.map((n) => n.notice_id);
  const hashes = notices.map((n) => n.hash);
  const k = notices.length;
  const [role] = await sql<{ super: boolean }[]>`
    select rolsuper as super from pg_roles where rolname = current_user`;
  await sql.begin(async (tx) => {
    // Rows are consistent by construction: skip per-row FK checks and triggers when allowed
    // (superuser only). A bench shortcut for loading, never used by the API.
    if (role?.super) await tx`set local session_replication_role = replica`;
    await tx`
      insert into subjects (id, property_id)
      select 'sub_bulk' || lpad(g::text, 22, '0'), ${propertyId}
      from generate_series(1, ${subjects}::int) g`;
    await tx`
      insert into devices (id, property_id, subject_id)
      select encode(sha256(('bulk-device-' || g)::bytea), 'hex'), ${propertyId},
             'sub_bulk' || lpad(g::text, 22, '0')
      from generate_series(1, ${subjects}::int) g`;
    await tx`
      insert into consent_events (id, subject_id, property_id, purpose_id, notice_id, notice_hash,
        decision, source, surface, locale, jurisdiction, collected_at, batch_id, ip_truncated, gpc)
      select 'evt_bulk' || lpad(g::text, 22, '0'),
             'sub_bulk' || lpad((1 + (g - 1) % ${subjects}::int)::text, 22, '0'),
             ${propertyId},
             (${purposeIds}::text[])[1 + g % ${k}::int],
             (${noticeIds}::text[])[1 + g % ${k}::int],
             (${hashes}::text[])[1 + g % ${k}::int],
             case when g % 3 = 0 then 'denied' else 'granted' end,
             'banner', 'banner_accept_all', 'en', 'CN',
             timestamptz '2025-06-01' + g * interval '1 second',
             'bat_bulk' || (g / ${k}::int), '127.0.0.0', false
      from generate_series(1, ${events}::int) g`;
    await tx`
      insert into consent_states (subject_id, purpose_id, property_id, decision, event_id,
        notice_id, notice_version, source, gpc, decided_at, expires_at)
      select distinct on (e.subject_id, e.purpose_id)
             e.subject_id, e.purpose_id, e.property_id, e.decision, e.id, e.notice_id, n.version,
             e.source, e.gpc, e.collected_at, e.expires_at
      from consent_events e join notices n on n.id = e.notice_id
      where e.id like 'evt_bulk%'
      order by e.subject_id, e.purpose_id, e.collected_at desc
      on conflict do nothing`;
  });
  await sql`analyze`;
  // The running API keeps device states in memory (state-cache.ts): tell it, as an API writer
  // would, that everything changed (payload `origin|*`).
  await sql`select pg_notify('assent_state', 'bench|*')`;
  return (performance.now() - started) / 1000;
}
