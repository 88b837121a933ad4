// GET /v1/server/subjects/{externalId}/consents: a subject's state and full history, including
// the device subjects merged into it. Audited (actor: the API key; PIPL 51, procedure §2.3).
import { ExternalIdParams, SubjectConsents } from '@assent/contract';
import { schema } from '@assent/db';
import { type ConsentSource, type Decision, dpvLegalBasis, dpvStatus } from '@assent/policy';
import { createRoute } from '@hono/zod-openapi';
import { asc, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '../../domain/audit.ts';
import { lastDecisions, statesOf, stateView } from '../../domain/consents.ts';
import { loadPurposes } from '../../domain/properties.ts';
import { userSubjectId } from '../../domain/server-subjects.ts';
import { historySubjects } from '../../domain/subjects.ts';
import { ApiError } from '../../errors.ts';
import { errorResponses, router } from '../../openapi.ts';
import { apiKeyActor } from './api-key-actor.ts';

const route = createRoute({
  method: 'get',
  path: '/subjects/{externalId}/consents',
  security: [{ secretKey: [] }],
  summary: "A subject's consents and their history",
  description:
    'What holds now per purpose (with its W3C DPV status) and every decision of the subject, oldest first, including those made on devices merged into it by identify (events are never moved). The read is written to the audit log with the API key as actor. 404 `not_found` for a user id Assent has never seen.',
  request: { params: ExternalIdParams },
  responses: {
    200: {
      description: 'State and history',
      content: { 'application/json': { schema: SubjectConsents } },
    },
    ...errorResponses('unauthorized', 'not_found'),
  },
});

export const subjectConsentRoutes = router().openapi(route, async (c) => {
  const { database, clock, keyring } = c.get('deps');
  const property = c.get('property');
  const { externalId } = c.req.valid('param');
  const now = clock();
  const subjectId = await userSubjectId(database.db, keyring, property.id, externalId);
  if (!subjectId) throw new ApiError('not_found', 'No subject with this user id.');
  const actor = await apiKeyActor(c);
  const purposes = await loadPurposes(database.db, property.id);
  const keyOf = new Map(purposes.map((p) => [p.row.id, p.row.key]));
  const byKey = new Map(purposes.map((p) => [p.row.key, p.row]));
  const body = await database.db.transaction(async (tx) => {
    const history = await historySubjects(tx, subjectId);
    const events = await tx
      .select({ e: schema.consentEvents, version: schema.notices.version })
      .from(schema.consentEvents)
      .innerJoin(schema.notices, eq(schema.notices.id, schema.consentEvents.noticeId))
      .where(inArray(schema.consentEvents.subjectId, history))
      .orderBy(asc(schema.consentEvents.collectedAt), asc(schema.consentEvents.recordedAt));
    const states = statesOf(purposes, await lastDecisions(tx, subjectId), now);
    await recordAudit(
      tx,
      {
        actor,
        action: 'subject.read',
        subjectId,
        target: 'consent_states,consent_events',
        details: { via: 'server_api', events: events.length },
      },
      now,
    );
    return {
      subjectId,
      mergedSubjects: history.slice(1),
      consents: Object.fromEntries(
        [...states].map(([k, s]) => {
          // A necessary purpose rests on another legal basis: its DPV term says which, since a
          // consent status (`dpv:ConsentGiven`) would claim a consent nobody gave.
          const rule = byKey.get(k);
          const dpv = rule?.necessary
            ? dpvLegalBasis(rule.legalBasis as Parameters<typeof dpvLegalBasis>[0])
            : dpvStatus(s.status);
          return [k, { ...stateView(s), dpv }];
        }),
      ),
      history: events.map(({ e, version }) => historyEvent(e, version, keyOf.get(e.purposeId))),
    };
  });
  return c.json(body, 200);
});

type EventRow = typeof schema.consentEvents.$inferSelect;

/** An event as the server API shows it (ISO times, purpose key, notice version). */
export function historyEvent(e: EventRow, noticeVersion: number, purpose: string | undefined) {
  return {
    id: e.id,
    subjectId: e.subjectId,
    purpose: purpose ?? e.purposeId,
    decision: e.decision as Decision,
    source: e.source as ConsentSource,
    surface: e.surface,
    actor: e.actor,
    locale: e.locale,
    jurisdiction: e.jurisdiction,
    noticeId: e.noticeId,
    noticeVersion,
    noticeHash: e.noticeHash,
    collectedAt: e.collectedAt.toISOString(),
    recordedAt: e.recordedAt.toISOString(),
    expiresAt: e.expiresAt?.toISOString() ?? null,
    gpc: e.gpc,
  };
}
