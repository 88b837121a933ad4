// Re-confirm everything that is due in one place (REQUIREMENTS C8, C10): one action records a
// fresh grant, under the current notice, of every ordinary purpose the page listed as due
// (ending within the reminder window, expired, or stale after a material notice change).
// Separate-consent purposes are never part of it: each keeps its own dialog showing necessity
// and impact (PIPL 23, 25, 29, 30, 39; C5, C6).
import { ReconfirmInput, ReconfirmOutput } from '@assent/contract';
import { checkDecisions, planAsk } from '@assent/policy';
import { createRoute } from '@hono/zod-openapi';
import {
  appendDecisions,
  type DecisionToRecord,
  lastDecisions,
  statesOf,
} from '../domain/consents.ts';
import {
  loadPurposes,
  noticeFor,
  type PropertyRow,
  propertyById,
  resolveLocale,
} from '../domain/properties.ts';
import { stateChanged } from '../domain/state-cache.ts';
import { subjectsByEmail } from '../domain/subjects.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, registerPortalSecuritySchemes, router } from '../openapi.ts';
import { type PortalEnv, requireSession } from './portal.ts';
import { requestEvidence } from './request-evidence.ts';

/** The `surface` of the events this action records. */
export const RECONFIRM_SURFACE = 'portal_reconfirm_all';

const reconfirm = createRoute({
  method: 'post',
  path: '/reconfirm',
  summary: 'Re-confirm every due purpose at once',
  description:
    'Records a fresh grant (source `portal`, surface `portal_reconfirm_all`) of each listed purpose that is still due (`reconfirm` in GET /me), under the notice the page showed, which must be the current one (409 `notice_outdated` otherwise). Items no longer due are skipped. A separate-consent purpose is refused (422 `separate_consent_required`): it is re-confirmed through its own dialog (POST /consents with `surface: separate_dialog`). All or nothing: one transaction.',
  request: {
    body: { content: { 'application/json': { schema: ReconfirmInput } }, required: true },
  },
  security: [{ portalSession: [], portalCsrf: [] }],
  responses: {
    201: { description: 'Recorded', content: { 'application/json': { schema: ReconfirmOutput } } },
    ...errorResponses(
      'unauthorized',
      'csrf_failed',
      'not_found',
      'unknown_purpose',
      'necessary_purpose',
      'duplicate_purpose',
      'separate_consent_required',
      'notice_outdated',
    ),
  },
});

interface Batch {
  property: PropertyRow;
  subjectId: string;
  locale: string;
  decisions: DecisionToRecord[];
}

export const portalReconfirmRoutes = router<PortalEnv>();
registerPortalSecuritySchemes(portalReconfirmRoutes.openAPIRegistry);
portalReconfirmRoutes.use('/reconfirm', requireSession);

portalReconfirmRoutes.openapi(reconfirm, async (c) => {
  const { database, clock, keyring } = c.get('deps');
  const body = c.req.valid('json');
  const now = clock();
  const subjects = await subjectsByEmail(database.db, c.get('email'), keyring);
  const batches: Batch[] = [];
  const skipped: { propertyId: string; purpose: string }[] = [];
  for (const propertyId of new Set(body.items.map((i) => i.propertyId))) {
    const subject = subjects.find((s) => s.propertyId === propertyId);
    const property = subject ? await propertyById(database.db, propertyId) : null;
    // Another customer's property looks exactly like a missing one.
    if (!subject || !property)
      throw new ApiError('not_found', 'No consents of yours at this property.');
    const items = body.items.filter((i) => i.propertyId === propertyId);
    const purposes = await loadPurposes(database.db, property.id);
    const violation = checkDecisions(
      items.map((i) => ({
        purpose: i.purpose,
        decision: 'granted' as const,
        source: 'portal' as const,
        surface: RECONFIRM_SURFACE,
      })),
      new Map(purposes.map((p) => [p.row.key, p.rule])),
    )[0];
    if (violation)
      throw new ApiError(
        violation.code,
        `${violation.code.replaceAll('_', ' ')}: ${violation.purpose}`,
      );
    const states = statesOf(purposes, await lastDecisions(database.db, subject.id), now);
    const due = new Set(
      planAsk(
        purposes.map((p) => p.rule),
        states,
        now,
      ).reconfirm,
    );
    const locale = resolveLocale(property, body.locale);
    const batch: Batch = { property, subjectId: subject.id, locale, decisions: [] };
    for (const item of items) {
      const purpose = purposes.find((p) => p.row.key === item.purpose);
      const notice = purpose ? noticeFor(purpose, locale, property.defaultLocale) : null;
      if (!purpose || !notice) throw new ApiError('unknown_purpose', item.purpose);
      if (!due.has(item.purpose)) {
        skipped.push({ propertyId, purpose: item.purpose });
        continue;
      }
      // Informed consent (C1, C8): only the notice the person was shown can be agreed to.
      if (item.noticeId !== notice.id)
        throw new ApiError('notice_outdated', `Read the new notice of ${item.purpose} first.`);
      batch.decisions.push({ purpose, notice, decision: 'granted' });
    }
    if (batch.decisions.length > 0) batches.push(batch);
  }
  const evidence = requestEvidence(c, c.req.header('sec-gpc') === '1');
  const recorded = await database.db.transaction(async (tx) => {
    const out = [];
    for (const b of batches) {
      const events = await appendDecisions(tx, {
        property: b.property,
        subjectId: b.subjectId,
        decisions: b.decisions,
        source: 'portal',
        surface: RECONFIRM_SURFACE,
        locale: b.locale,
        collectedAt: new Date(now),
        evidence,
      });
      for (const e of events)
        out.push({
          propertyId: b.property.id,
          eventId: e.id,
          purpose: e.purpose,
          decision: e.decision,
          collectedAt: e.collectedAt.toISOString(),
        });
    }
    return out;
  });
  void stateChanged(database, { subjects: batches.map((b) => b.subjectId) });
  return c.json({ recorded, skipped }, 201);
});
