// The consent ledger: record decisions as append-only events with their evidence, keep the
// state projection and the outbox in the same transaction, and read what holds now.
import { createHash } from 'node:crypto';
import { type Db, newId, schema } from '@assent/db';
import {
  type ConsentSource,
  type ConsentState,
  consentState,
  type Decision,
  type LastDecision,
  termEnd,
} from '@assent/policy';
import { eq, sql } from 'drizzle-orm';
import type { LoadedPurpose, NoticeRow, PropertyRow } from './properties.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Conn = Db | Tx;

/** Evidence of the circumstances of a decision (REQUIREMENTS P1). */
export interface Evidence {
  /** IPv4 /24 or IPv6 /48 of the client, never the full address. */
  ipTruncated: string | null;
  /** SHA-256 hex of the User-Agent header. */
  uaHash: string | null;
  gpc: boolean;
}

export interface DecisionToRecord {
  purpose: LoadedPurpose;
  decision: Decision;
  notice: NoticeRow;
}

export interface RecordedDecision {
  id: string;
  purpose: string;
  decision: Decision;
  collectedAt: Date;
  expiresAt: Date | null;
}

/** Truncates an IP address for evidence: IPv4 keeps 3 octets, IPv6 keeps 3 groups. */
export function truncateIp(ip: string | undefined | null): string | null {
  if (!ip) return null;
  const v4 = ip.replace(/^::ffff:/, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0`;
  if (ip.includes(':')) return `${ip.split(':').slice(0, 3).join(':')}::`;
  return null;
}

/** Evidence from request metadata. */
export function evidenceOf(
  ip: string | null | undefined,
  ua: string | undefined,
  gpc: boolean,
): Evidence {
  return {
    ipTruncated: truncateIp(ip),
    uaHash: ua ? createHash('sha256').update(ua).digest('hex') : null,
    gpc,
  };
}

/** What `appendDecisions` needs to know. */
export interface AppendArgs {
  property: PropertyRow;
  subjectId: string;
  decisions: DecisionToRecord[];
  source: ConsentSource;
  surface: string | null;
  locale: string;
  collectedAt: Date;
  evidence: Evidence;
  actor?: 'subject' | 'guardian' | 'system';
}

/** A state projection row as the policy reads it, keyed by purpose id in maps. */
/**
 * A projection row as the API uses it. `eventId` is the decision's event: with `decidedAt` it
 * orders decisions (`isLaterDecision`).
 */
export type StoredDecision = LastDecision & { noticeId: string; eventId?: string };

/**
 * The one order of decisions for a subject × purpose, used by every writer of the projection,
 * by the merge of identify and by the rebuild (state-rebuild.ts): the later `collectedAt`
 * wins, and at the same instant the greater event id (byte order; ids of one batch are handed
 * out in ascending order, so its later decision wins). Concurrent writes of the same instant
 * thus leave the projection the rebuild gives (REQUIREMENTS P2).
 * @returns whether a decision at `at` with event `eventId` replaces `before`.
 */
export function isLaterDecision(
  before: { decidedAt: number; eventId?: string | undefined } | undefined,
  at: number,
  eventId: string,
): boolean {
  if (!before || before.decidedAt < at) return true;
  return before.decidedAt === at && (before.eventId ?? '') <= eventId;
}

/** `n` new event ids in ascending order: a batch's later decision gets the greater id. */
export function eventIds(n: number): string[] {
  return Array.from({ length: n }, () => newId('evt')).sort();
}

/**
 * Appends one event per decision, moves the state projection forward (an older, late-arriving
 * decision never overwrites a newer one) and writes one `consent.changed` outbox row: three
 * statements sent together, one round trip. Call inside a transaction. `collectedAt` is when
 * the person decided. (The widget's batch write does the same in one statement:
 * consent-batch.ts `recordBatch`.)
 */
export async function appendDecisions(tx: Tx, args: AppendArgs): Promise<RecordedDecision[]> {
  const batchId = newId('bat');
  const at = args.collectedAt.getTime();
  const ids = eventIds(args.decisions.length);
  const rows = args.decisions.map((d, i) => {
    const expires = termEnd(d.purpose.rule, d.decision, at);
    return {
      id: ids[i] as string,
      subjectId: args.subjectId,
      propertyId: args.property.id,
      purposeId: d.purpose.row.id,
      noticeId: d.notice.id,
      noticeHash: d.notice.contentHash,
      noticeVersion: d.notice.version,
      decision: d.decision,
      source: args.source,
      surface: args.surface,
      actor: args.actor ?? 'subject',
      locale: args.locale,
      jurisdiction: args.property.jurisdiction,
      collectedAt: args.collectedAt,
      expiresAt: expires === null ? null : new Date(expires),
      batchId,
      ipTruncated: args.evidence.ipTruncated,
      uaHash: args.evidence.uaHash,
      gpc: args.evidence.gpc,
      purposeKey: d.purpose.row.key,
    };
  });
  if (rows.length === 0) return [];
  // One state row per purpose: with the same decision time the later decision in the batch wins.
  const latest = new Map(rows.map((r) => [r.purposeId, r]));
  const stateRows = [...latest.values()].map((r) => ({
    subjectId: r.subjectId,
    purposeId: r.purposeId,
    propertyId: r.propertyId,
    decision: r.decision,
    eventId: r.id,
    noticeId: r.noticeId,
    noticeVersion: r.noticeVersion,
    source: r.source,
    gpc: r.gpc,
    decidedAt: r.collectedAt,
    expiresAt: r.expiresAt,
  }));
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  // Sent without awaiting each other: postgres.js pipelines them on the transaction's
  // connection, in this order (the statements still run one after another).
  await Promise.all([
    tx
      .insert(schema.consentEvents)
      .values(rows.map(({ noticeVersion: _v, purposeKey: _k, ...event }) => event)),
    tx
      .insert(schema.consentStates)
      .values(stateRows)
      .onConflictDoUpdate({
        target: [schema.consentStates.subjectId, schema.consentStates.purposeId],
        set: {
          propertyId: excluded('property_id'),
          decision: excluded('decision'),
          eventId: excluded('event_id'),
          noticeId: excluded('notice_id'),
          noticeVersion: excluded('notice_version'),
          source: excluded('source'),
          gpc: excluded('gpc'),
          decidedAt: excluded('decided_at'),
          expiresAt: excluded('expires_at'),
        },
        // isLaterDecision, in SQL: (decided_at, event_id) in byte order.
        setWhere: sql`(${schema.consentStates.decidedAt}, ${schema.consentStates.eventId} collate "C") <= (excluded.decided_at, excluded.event_id collate "C")`,
      }),
    tx.insert(schema.outbox).values({
      id: newId('obx'),
      propertyId: args.property.id,
      subjectId: args.subjectId,
      topic: 'consent.changed',
      payload: {
        subjectId: args.subjectId,
        batchId,
        events: rows.map((r) => ({
          id: r.id,
          purpose: r.purposeKey,
          decision: r.decision,
          source: r.source,
        })),
      },
    }),
  ]);
  return rows.map((r) => ({
    id: r.id,
    purpose: r.purposeKey,
    decision: r.decision,
    collectedAt: r.collectedAt,
    expiresAt: r.expiresAt,
  }));
}

function storedDecision(r: typeof schema.consentStates.$inferSelect): StoredDecision {
  return {
    decision: r.decision as Decision,
    decidedAt: r.decidedAt.getTime(),
    expiresAt: r.expiresAt?.getTime() ?? null,
    noticeVersion: r.noticeVersion,
    source: r.source as ConsentSource,
    gpc: r.gpc,
    noticeId: r.noticeId,
    eventId: r.eventId,
  };
}

/** The latest decision per purpose id of a subject, from the projection. */
export async function lastDecisions(
  db: Conn,
  subjectId: string | null,
): Promise<Map<string, StoredDecision>> {
  const out = new Map<string, StoredDecision>();
  if (!subjectId) return out;
  const rows = await db
    .select()
    .from(schema.consentStates)
    .where(eq(schema.consentStates.subjectId, subjectId));
  for (const r of rows) out.set(r.purposeId, storedDecision(r));
  return out;
}

/** What holds now per purpose key, through `policy.consentState`. */
export function statesOf(
  purposes: LoadedPurpose[],
  last: Map<string, LastDecision>,
  now: number,
): Map<string, ConsentState> {
  const out = new Map<string, ConsentState>();
  for (const p of purposes) {
    out.set(
      p.row.key,
      consentState(
        p.rule,
        last.get(p.row.id) ?? null,
        { version: p.version, materialVersion: p.materialVersion },
        now,
      ),
    );
  }
  return out;
}

/** Serialises a state for the API (ISO times). */
export function stateView(s: ConsentState) {
  return {
    status: s.status,
    effective: s.effective,
    decidedAt: s.decidedAt === null ? null : new Date(s.decidedAt).toISOString(),
    expiresAt: s.expiresAt === null ? null : new Date(s.expiresAt).toISOString(),
  };
}
