// Audit export for auditors (procedure §2.3; PIPL 56; REQUIREMENTS S7): a date range of the
// audit log as NDJSON with its chain proofs. Line 1 is a header naming the hash the range
// starts from; each event line carries `prevHash` and `hash`; the last line is a trailer with
// the count and the final hash. `verifyAuditExport` re-checks a file without the database.
import { type Db, schema } from '@assent/db';
import { and, asc, desc, gt, gte, lt } from 'drizzle-orm';
import { auditHash, GENESIS_HASH } from '../domain/audit.ts';

export interface AuditExportHeader {
  type: 'assent-audit-export/1';
  from: string;
  to: string;
  /** Hash of the event just before the range (the genesis hash when none). */
  anchorHash: string;
}

/**
 * Streams the events with `from <= at < to` (epoch ms) as NDJSON lines, in chain order,
 * reading `pageSize` rows at a time.
 */
export async function* exportAuditLines(
  db: Db,
  from: number,
  to: number,
  pageSize = 1000,
): AsyncGenerator<string> {
  const t = schema.auditEvents;
  const range = and(gte(t.at, new Date(from)), lt(t.at, new Date(to)));
  const [first] = await db.select({ seq: t.seq }).from(t).where(range).orderBy(asc(t.seq)).limit(1);
  let anchorHash = GENESIS_HASH;
  if (first) {
    const [before] = await db
      .select({ hash: t.hash })
      .from(t)
      .where(lt(t.seq, first.seq))
      .orderBy(desc(t.seq))
      .limit(1);
    anchorHash = before?.hash ?? GENESIS_HASH;
  }
  const header: AuditExportHeader = {
    type: 'assent-audit-export/1',
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    anchorHash,
  };
  yield JSON.stringify(header);
  let after = 0;
  let count = 0;
  let lastHash = anchorHash;
  for (;;) {
    const rows = await db
      .select()
      .from(t)
      .where(and(range, gt(t.seq, after)))
      .orderBy(asc(t.seq))
      .limit(pageSize);
    if (rows.length === 0) break;
    for (const r of rows) {
      yield JSON.stringify({ type: 'event', ...r, at: r.at.toISOString() });
      after = r.seq;
      lastHash = r.hash;
      count++;
    }
  }
  yield JSON.stringify({ type: 'trailer', count, lastHash });
}

export type ExportVerdict =
  | { ok: true; count: number }
  | { ok: false; line: number; reason: string };

/**
 * Verifies an export: every event's hash matches its content, and within a contiguous run of
 * sequence numbers each `prevHash` is the previous hash (the first links to `anchorHash`).
 * Gaps in `seq` inside a date range are allowed only where the date range skips rows.
 */
export function verifyAuditExport(lines: string[]): ExportVerdict {
  const body = lines.filter((l) => l.trim() !== '');
  const header = JSON.parse(body[0] ?? '{}') as Partial<AuditExportHeader>;
  if (header.type !== 'assent-audit-export/1') return { ok: false, line: 1, reason: 'header' };
  let prev = header.anchorHash ?? GENESIS_HASH;
  let prevSeq: number | null = null;
  let count = 0;
  for (let i = 1; i < body.length; i++) {
    const row = JSON.parse(body[i] ?? '{}');
    if (row.type === 'trailer') {
      if (row.count !== count || row.lastHash !== prev)
        return { ok: false, line: i + 1, reason: 'trailer' };
      return { ok: true, count };
    }
    const { type: _t, seq, prevHash, hash, ...fields } = row;
    if ((prevSeq === null || seq === prevSeq + 1) && prevHash !== prev)
      return { ok: false, line: i + 1, reason: 'link' };
    if (auditHash(prevHash, { ...fields, at: new Date(fields.at) }) !== hash)
      return { ok: false, line: i + 1, reason: 'content' };
    prev = hash;
    prevSeq = seq;
    count++;
  }
  return { ok: false, line: body.length, reason: 'no trailer' };
}
