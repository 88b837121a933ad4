// The portal history (REQUIREMENTS P4, R1): a timeline of every decision of the signed-in
// customer, each with its signed receipt; and the exact notice text of a decision as a file
// (text or HTML, with version, locale, SHA-256 and date; C7), every download audited.
import { PortalHistory, SignedReceipt } from '@assent/contract';
import { schema } from '@assent/db';
import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '../domain/audit.ts';
import { buildReceipt } from '../domain/receipts/build-receipt.ts';
import { noticeHtml, noticeText } from '../domain/requests/notice-file.ts';
import { historySubjects, subjectsByEmail } from '../domain/subjects.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, registerPortalSecuritySchemes, router } from '../openapi.ts';
import { type PortalEnv, requireSession } from './portal.ts';

const history = createRoute({
  method: 'get',
  path: '/history',
  summary: 'Every decision of the signed-in customer, newest first, with receipt links',
  security: [{ portalSession: [] }],
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
  security: [{ portalSession: [] }],
  responses: {
    200: { description: 'The receipt', content: { 'application/json': { schema: SignedReceipt } } },
    ...errorResponses('unauthorized', 'not_found'),
  },
});

const noticeFile = createRoute({
  method: 'get',
  path: '/events/{eventId}/notice/{format}',
  summary: 'Download the exact notice text of one of my decisions',
  description:
    'The notice version the decision was made under, exactly as stored with the consent event (C7, P1): `txt` (UTF-8 text) or `html` (a self-contained page), each with the notice id, version, locale, the SHA-256 stored with the event, the date decided and the canonical JSON the hash is taken over. Only for a decision of the signed-in customer (any other id answers 404). Audited (`subject.notice_download`).',
  request: {
    params: z.object({ eventId: z.string().max(64), format: z.enum(['txt', 'html']) }),
  },
  security: [{ portalSession: [] }],
  responses: {
    200: {
      description: 'The file',
      content: {
        'text/plain': { schema: z.string() },
        'text/html': { schema: z.string() },
      },
    },
    ...errorResponses('unauthorized', 'not_found'),
  },
});

export const portalHistoryRoutes = router<PortalEnv>();
registerPortalSecuritySchemes(portalHistoryRoutes.openAPIRegistry);
for (const path of ['/history', '/receipts/*', '/events/*'])
  portalHistoryRoutes.use(path, requireSession);

/** Every subject id (merged devices included) behind the signed-in email. */
async function ownSubjectIds(c: {
  get(k: 'deps'): PortalEnv['Variables']['deps'];
  get(k: 'email'): string;
}) {
  const { database, keyring } = c.get('deps');
  const db = database.db;
  const ids: string[] = [];
  for (const s of await subjectsByEmail(db, c.get('email'), keyring))
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
    const { database, config, clock, keyring } = c.get('deps');
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
      keyring,
    });
    if (!signed) throw new ApiError('not_found', 'No such decision of yours.');
    return c.json(signed, 200);
  })
  .openapi(noticeFile, async (c) => {
    const { database, clock } = c.get('deps');
    const { eventId, format } = c.req.valid('param');
    const ids = await ownSubjectIds(c);
    const [row] =
      ids.length === 0
        ? []
        : await database.db
            .select({
              e: schema.consentEvents,
              n: schema.notices,
              key: schema.purposes.key,
              property: schema.properties.name,
            })
            .from(schema.consentEvents)
            .innerJoin(schema.notices, eq(schema.notices.id, schema.consentEvents.noticeId))
            .innerJoin(schema.purposes, eq(schema.purposes.id, schema.consentEvents.purposeId))
            .innerJoin(schema.properties, eq(schema.properties.id, schema.consentEvents.propertyId))
            .where(
              and(
                eq(schema.consentEvents.id, eventId),
                inArray(schema.consentEvents.subjectId, ids),
              ),
            );
    if (!row) throw new ApiError('not_found', 'No such decision of yours.');
    const { e, n } = row;
    const file = {
      propertyName: row.property,
      purpose: row.key,
      eventId: e.id,
      decision: e.decision,
      decidedAt: e.collectedAt,
      notice: { id: n.id, version: n.version, locale: n.locale, content: n.content },
      hash: e.noticeHash,
    };
    await database.db.transaction((tx) =>
      recordAudit(
        tx,
        {
          actor: { type: 'subject', id: e.subjectId },
          action: 'subject.notice_download',
          subjectId: e.subjectId,
          target: e.id,
          details: { format, noticeId: n.id },
        },
        clock(),
      ),
    );
    const name = `notice-${row.key}-v${n.version}-${n.locale}.${format}`;
    return c.body(format === 'txt' ? noticeText(file) : noticeHtml(file), 200, {
      'content-type': format === 'txt' ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8',
      'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`,
      'cache-control': 'no-store',
      // The portal's strict CSP (security/transport.ts) covers the HTML: no script runs.
    }) as never;
  });
