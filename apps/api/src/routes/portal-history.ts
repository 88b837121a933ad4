// The portal history (REQUIREMENTS P4, R1): a timeline of every decision of the signed-in
// customer, each with its signed receipt; and the exact notice text of a decision (C7).
import { PortalHistory, SignedReceipt } from '@assent/contract';
import { schema } from '@assent/db';
import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { buildReceipt } from '../domain/receipts/build-receipt.ts';
import { historySubjects, subjectsByEmail } from '../domain/subjects.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, router } from '../openapi.ts';
import { type PortalEnv, requireSession } from './portal.ts';

const history = createRoute({
  method: 'get',
  path: '/history',
  summary: 'Every decision of the signed-in customer, newest first, with receipt links',
  responses: {
    200: { description: 'History', content: { 'application/json': { schema: PortalHistory } } },
    ...errorResponses('unauthorized'),
  },
});
const receipt = createRoute({
  method: 'get',
  path: '/receipts/{eventId}',
  summary: 'The signed receipt of one of my decisions',
  description: 'Only for a decision of the signed-in customer; any other id answers 404.',
  request: { params: z.object({ eventId: z.string().max(64) }) },
  responses: {
    200: { description: 'The receipt', content: { 'application/json': { schema: SignedReceipt } } },
    ...errorResponses('unauthorized', 'not_found'),
  },
});

export const portalHistoryRoutes = router<PortalEnv>();
for (const path of ['/history', '/receipts/*']) portalHistoryRoutes.use(path, requireSession);

/** Every subject id (merged devices included) behind the signed-in email. */
async function ownSubjectIds(c: {
  get(k: 'deps'): PortalEnv['Variables']['deps'];
  get(k: 'email'): string;
}) {
  const db = c.get('deps').database.db;
  const ids: string[] = [];
  for (const s of await subjectsByEmail(db, c.get('email')))
    ids.push(...(await historySubjects(db, s.id)));
  return ids;
}

portalHistoryRoutes
  .openapi(history, async (c) => {
    const { database } = c.get('deps');
    const ids = await ownSubjectIds(c);
    const rows =
      ids.length === 0
        ? []
        : await database.db
            .select({
              e: schema.consentEvents,
              key: schema.purposes.key,
              content: schema.notices.content,
              version: schema.notices.version,
              property: schema.properties.name,
            })
            .from(schema.consentEvents)
            .innerJoin(schema.purposes, eq(schema.purposes.id, schema.consentEvents.purposeId))
            .innerJoin(schema.notices, eq(schema.notices.id, schema.consentEvents.noticeId))
            .innerJoin(schema.properties, eq(schema.properties.id, schema.consentEvents.propertyId))
            .where(inArray(schema.consentEvents.subjectId, ids))
            .orderBy(desc(schema.consentEvents.collectedAt))
            .limit(500);
    return c.json(
      {
        events: rows.map(({ e, key, content, version, property }) => ({
          id: e.id,
          propertyId: e.propertyId,
          propertyName: property,
          purpose: key,
          title: typeof content.title === 'string' ? content.title : key,
          decision: e.decision as 'granted' | 'denied' | 'withdrawn',
          source: e.source as 'portal',
          collectedAt: e.collectedAt.toISOString(),
          noticeVersion: version,
          receipt: `/portal/api/receipts/${e.id}`,
        })),
      },
      200,
    );
  })
  .openapi(receipt, async (c) => {
    const { database, config, clock } = c.get('deps');
    const { eventId } = c.req.valid('param');
    const ids = await ownSubjectIds(c);
    const [owned] =
      ids.length === 0
        ? []
        : await database.db
            .select({ id: schema.consentEvents.id })
            .from(schema.consentEvents)
            .where(
              and(
                eq(schema.consentEvents.id, eventId),
                inArray(schema.consentEvents.subjectId, ids),
              ),
            );
    if (!owned) throw new ApiError('not_found', 'No such decision of yours.');
    const signed = await buildReceipt(database.db, eventId, {
      signingKey: config.receiptSigningKey,
      publicUrl: config.publicUrl,
      now: clock(),
    });
    if (!signed) throw new ApiError('not_found', 'No such decision of yours.');
    return c.json(signed, 200);
  });
