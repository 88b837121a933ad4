// What staff see of a customer (procedure §1.2, §2.2; REQUIREMENTS S1, S5, S7): the
// classification tags decide each field: L2 masked, L1 hidden, both in clear only with
// `subjects.unmask` and a stated reason. Every read is audited before the data leaves, and
// counts towards the bulk-read alert (S6).
import { type Db, schema } from '@assent/db';
import { personalColumns } from '@assent/db/classification';
import { and, eq, inArray } from 'drizzle-orm';
import type { Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { maskValue } from '../security/masking.ts';
import { recordAudit } from './audit.ts';
import type { StaffPrincipal } from './staff.ts';
import { checkBulkReads, notifyAlert } from './staff-alerts.ts';
import { openSubject, subjectsByEmail } from './subjects.ts';

type SubjectRow = typeof schema.subjects.$inferSelect;
/** Shortest reason accepted for unmasking (characters). */
export const MIN_REASON_LENGTH = 10;

export interface StaffSubjectView {
  id: string;
  propertyId: string;
  createdAt: string;
  /** Field name → value as this member may see it (masked, or null when restricted). */
  fields: Record<string, string | null>;
  masked: string[];
  restricted: string[];
  consents: { purposeId: string; decision: string; decidedAt: string }[];
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
/** The subjects columns staff may see at all: tagged personal and not a blind index (hash). */
const VISIBLE = personalColumns().filter(
  (c) => c.table === 'subjects' && c.tag.atRest !== 'hashed',
);

/** Applies the tags to one decrypted subject row. */
export function viewOf(row: SubjectRow, unmask: boolean) {
  const fields: Record<string, string | null> = {};
  const masked: string[] = [];
  const restricted: string[] = [];
  for (const { column, tag } of VISIBLE) {
    const key = camel(column);
    const value = (row as Record<string, unknown>)[key];
    const clear = typeof value === 'string' ? value : null;
    if (unmask) fields[key] = clear;
    else if (tag.level === 'L1') {
      fields[key] = null;
      restricted.push(key);
    } else {
      fields[key] = maskValue(tag.mask, clear);
      masked.push(key);
    }
  }
  return { fields, masked, restricted };
}

/**
 * Reads customers for a staff member: by id, or by email through the blind index.
 * @throws ApiError `access_suspended` (open alert), `forbidden` (no permission),
 *   `invalid_request` (unmask without a reason), `not_found`
 */
export async function readSubjectsForStaff(
  deps: Pick<Deps, 'database' | 'keyring' | 'config' | 'clock'>,
  who: StaffPrincipal,
  query: { id?: string; email?: string },
  opts: { unmask: boolean; reason?: string | undefined; ip: string | null },
): Promise<StaffSubjectView[]> {
  if (who.member.suspendedAt)
    throw new ApiError(
      'access_suspended',
      'A behaviour alert waits for review by a second person.',
    );
  if (!who.permissions.has('subjects.read'))
    throw new ApiError('forbidden', 'Needs subjects.read.');
  if (opts.unmask) {
    if (!who.permissions.has('subjects.unmask'))
      throw new ApiError('forbidden', 'Needs subjects.unmask.');
    if ((opts.reason ?? '').trim().length < MIN_REASON_LENGTH)
      throw new ApiError(
        'invalid_request',
        `State a reason (at least ${MIN_REASON_LENGTH} characters) to unmask.`,
      );
  }
  const { db } = deps.database;
  const rows: SubjectRow[] = query.email
    ? await subjectsByEmail(db, query.email, deps.keyring)
    : await Promise.all(
        (
          await db
            .select()
            .from(schema.subjects)
            .where(eq(schema.subjects.id, query.id ?? ''))
        ).map((r) => openSubject(deps.keyring, r)),
      );
  if (query.id && rows.length === 0) throw new ApiError('not_found', 'No customer with this id.');
  const now = deps.clock();
  const views = rows.map((r) => ({ row: r, ...viewOf(r, opts.unmask) }));
  const states = await statesOf(
    db,
    rows.map((r) => r.id),
  );
  const alert = await db.transaction(async (tx) => {
    for (const v of views)
      await recordAudit(
        tx,
        {
          actor: { type: 'staff', id: who.member.id },
          action: opts.unmask ? 'subject.unmask' : 'subject.read',
          subjectId: v.row.id,
          target: Object.keys(v.fields).join(','),
          details: opts.unmask
            ? { reason: opts.reason ?? '' }
            : { masked: v.masked, restricted: v.restricted },
          ip: opts.ip,
        },
        now,
      );
    return checkBulkReads(tx, deps.config.security, who.member.id, now);
  });
  if (alert) await notifyAlert(deps.config.security, alert);
  return views.map((v) => ({
    id: v.row.id,
    propertyId: v.row.propertyId,
    createdAt: v.row.createdAt.toISOString(),
    fields: v.fields,
    masked: v.masked,
    restricted: v.restricted,
    consents: states.get(v.row.id) ?? [],
  }));
}

async function statesOf(db: Db, ids: string[]) {
  const out = new Map<string, StaffSubjectView['consents']>();
  if (ids.length === 0) return out;
  const rows = await db
    .select()
    .from(schema.consentStates)
    .where(and(inArray(schema.consentStates.subjectId, ids)));
  for (const r of rows) {
    const list = out.get(r.subjectId) ?? [];
    list.push({
      purposeId: r.purposeId,
      decision: r.decision,
      decidedAt: r.decidedAt.toISOString(),
    });
    out.set(r.subjectId, list);
  }
  return out;
}
