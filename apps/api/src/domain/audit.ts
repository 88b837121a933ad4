// The audit log: every read or change of personal data by staff, jobs or data providers,
// sign-ins, permission and key operations (procedure §2.3; PIPL 51, 56). Rows are chained
// by SHA-256 so an edit made behind the app's back is detected by `verifyAuditChain`.
import { createHash } from 'node:crypto';
import { type Db, newId, schema } from '@assent/db';
import { asc, desc, gt, sql } from 'drizzle-orm';
import { canonicalJson } from './notices.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** `api_key`: the product's backend calling the server API with a secret key (id `key_…`). */
export type AuditActorType = 'staff' | 'job' | 'subject' | 'provider' | 'system' | 'api_key';

export interface AuditEntry {
  actor: { type: AuditActorType; id?: string | null };
  /** Dotted verb: `subject.read`, `consent.export`, `staff.sign_in`, `key.rotate`… */
  action: string;
  subjectId?: string | null;
  /** What was touched (fields, a request id); never the personal data itself. */
  target?: string | null;
  /** Extra facts without personal data (counts, reasons, ids). */
  details?: Record<string, unknown>;
  /** Truncated client IP, when a person acted over HTTP. */
  ip?: string | null;
}

/** The hash that starts the chain. */
export const GENESIS_HASH = '0'.repeat(64);
/** Serialises appends so each row links to the one before it (arbitrary constant). */
const CHAIN_LOCK = 7_310_922;

type ChainFields = {
  id: string;
  at: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  subjectId: string | null;
  target: string | null;
  details: Record<string, unknown>;
  ip: string | null;
};

/** SHA-256 hex over the previous hash and the row's canonical content. */
export function auditHash(prevHash: string, row: ChainFields): string {
  const content = canonicalJson({ ...row, at: row.at.toISOString() });
  return createHash('sha256').update(`${prevHash}\n${content}`).digest('hex');
}

/**
 * Appends one audit event inside the caller's transaction, so the audit row commits (or
 * rolls back) with the change it describes. Takes a transaction-scoped advisory lock to keep
 * the chain linear across API processes.
 * @param now epoch ms
 * @returns the new event's id
 */
export async function recordAudit(tx: Tx, entry: AuditEntry, now: number): Promise<string> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`);
  const [last] = await tx
    .select({ hash: schema.auditEvents.hash })
    .from(schema.auditEvents)
    .orderBy(desc(schema.auditEvents.seq))
    .limit(1);
  const prevHash = last?.hash ?? GENESIS_HASH;
  const row: ChainFields = {
    id: newId('aud'),
    at: new Date(now),
    actorType: entry.actor.type,
    actorId: entry.actor.id ?? null,
    action: entry.action,
    subjectId: entry.subjectId ?? null,
    target: entry.target ?? null,
    details: entry.details ?? {},
    ip: entry.ip ?? null,
  };
  await tx.insert(schema.auditEvents).values({ ...row, prevHash, hash: auditHash(prevHash, row) });
  return row.id;
}

export type ChainVerdict =
  | { ok: true; checked: number }
  | {
      ok: false;
      checked: number;
      brokenAt: { seq: number; id: string; reason: 'content' | 'link' };
    };

/**
 * Walks the whole chain in order (pages of `pageSize` rows, constant memory) and names the
 * first broken link: a row whose content no longer matches its hash, or whose `prevHash` is
 * not the previous row's hash.
 */
export async function verifyAuditChain(db: Db, pageSize = 1000): Promise<ChainVerdict> {
  let prev = GENESIS_HASH;
  let after = 0;
  let checked = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(schema.auditEvents)
      .where(gt(schema.auditEvents.seq, after))
      .orderBy(asc(schema.auditEvents.seq))
      .limit(pageSize);
    if (rows.length === 0) return { ok: true, checked };
    for (const r of rows) {
      if (r.prevHash !== prev)
        return { ok: false, checked, brokenAt: { seq: r.seq, id: r.id, reason: 'link' } };
      const { seq: _s, prevHash: _p, hash, ...fields } = r;
      if (auditHash(r.prevHash, fields) !== hash) {
        return { ok: false, checked, brokenAt: { seq: r.seq, id: r.id, reason: 'content' } };
      }
      prev = hash;
      checked++;
      after = r.seq;
    }
  }
}
