// Honouring Global Privacy Control on a request: deny the GPC-opt-out purposes with
// `source=gpc`, asking nothing (11 CCR §7025; REQUIREMENTS C13).
import { type Db, databaseOf } from '@assent/db';
import { gpcOptOuts, type LastDecision } from '@assent/policy';
import { appendDecisions, type Evidence, lastDecisions } from './consents.ts';
import { type LoadedPurpose, noticeFor, type PropertyRow } from './properties.ts';
import { stateChanged } from './state-cache.ts';
import { ensureDeviceSubject } from './subjects.ts';

/**
 * Records the GPC opt-outs still due for a device (none when already refused, or explicitly
 * granted by the person while GPC was on). Creates the device's subject when needed, and
 * announces what it wrote (state-cache.ts `stateChanged`).
 * @returns the subject id (null if nothing had to be written for a new device) and the opted-out keys.
 */
export async function appendDecisionsGpc(
  db: Db,
  args: {
    property: PropertyRow;
    key: string;
    subjectId: string | null;
    purposes: LoadedPurpose[];
    locale: string;
    now: number;
    evidence: Evidence;
  },
): Promise<{ subjectId: string | null; optedOut: string[] }> {
  const byId = await lastDecisions(db, args.subjectId);
  const byKey = new Map<string, LastDecision>();
  for (const p of args.purposes) {
    const d = byId.get(p.row.id);
    if (d) byKey.set(p.row.key, d);
  }
  const keys = gpcOptOuts(
    args.purposes.map((p) => p.rule),
    byKey,
  );
  if (keys.length === 0) return { subjectId: args.subjectId, optedOut: [] };
  const recorded = await db.transaction(async (tx) => {
    const subjectId = args.subjectId ?? (await ensureDeviceSubject(tx, args.property.id, args.key));
    const decisions = args.purposes
      .filter((p) => keys.includes(p.row.key))
      .flatMap((purpose) => {
        const notice = noticeFor(purpose, args.locale, args.property.defaultLocale);
        return notice ? [{ purpose, notice, decision: 'denied' as const }] : [];
      });
    await appendDecisions(tx, {
      property: args.property,
      subjectId,
      decisions,
      source: 'gpc',
      surface: 'gpc_signal',
      locale: args.locale,
      collectedAt: new Date(args.now),
      evidence: args.evidence,
    });
    return { subjectId, optedOut: keys };
  });
  const database = databaseOf(db);
  if (database) {
    void stateChanged(database, {
      subjects: [recorded.subjectId],
      devices: [{ propertyId: args.property.id, deviceHash: args.key }],
    });
  }
  return recorded;
}
