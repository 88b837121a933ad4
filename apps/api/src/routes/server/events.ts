// GET /v1/server/events?from&to: every consent event of the property in a time range, as an
// NDJSON stream for auditors, read in keyset pages so memory stays constant at any size.
import { EventsQuery, ExportedEvent } from '@assent/contract';
import { type Db, schema } from '@assent/db';
import { createRoute } from '@hono/zod-openapi';
import { and, asc, eq, gt, gte, lt, or } from 'drizzle-orm';
import { recordAudit } from '../../domain/audit.ts';
import { ApiError, fromZod } from '../../errors.ts';
import { errorResponses, router } from '../../openapi.ts';
import { apiKeyActor } from './api-key-actor.ts';
import { historyEvent } from './subject-consents.ts';

/** Rows per page of the export. */
export const EXPORT_PAGE_SIZE = 1000;

const route = createRoute({
  method: 'get',
  path: '/events',
  security: [{ secretKey: [] }],
  summary: 'Export consent events (NDJSON)',
  description:
    'Every consent event of the property with `from <= collectedAt < to`, oldest first, one JSON object per line (`application/x-ndjson`), streamed in pages of 1,000 (constant memory at any size). Subjects appear by their pseudonymous `subjectId`. The export is written to the audit log with the API key as actor (GDPR 7(1) evidence for auditors).\n\n' +
    '`from` and `to` are each a full ISO timestamp with offset (`2026-01-01T08:00:00+08:00`, `2026-01-01T00:00:00Z`) or a plain date `YYYY-MM-DD`, which means 00:00:00 UTC of that day (as `assent audit export --from 2026-01-01` reads it): `from=2026-01-01&to=2026-02-01` is all of January 2026 in UTC.',
  request: { query: EventsQuery },
  responses: {
    200: {
      description: 'One ExportedEvent per line',
      content: { 'application/x-ndjson': { schema: ExportedEvent } },
    },
    ...errorResponses('unauthorized'),
  },
});

// Documented with registerPath and served with a plain handler: the typed `openapi()` handler
// only knows JSON/text bodies, and this one is a stream.
export const eventExportRoutes = router();
eventExportRoutes.openAPIRegistry.registerPath(route);
eventExportRoutes.get('/events', async (c) => {
  const { database, clock } = c.get('deps');
  const property = c.get('property');
  const parsed = EventsQuery.safeParse(c.req.query());
  if (!parsed.success) throw fromZod(parsed.error, 'query');
  const q = parsed.data;
  // A plain `YYYY-MM-DD` parses as 00:00:00 UTC of that day (ECMAScript date-only form).
  const from = new Date(q.from);
  const to = new Date(q.to);
  if (!(from < to))
    throw new ApiError('invalid_request', 'from must be before to.', [
      { path: 'query.to', message: 'not after from' },
    ]);
  const actor = await apiKeyActor(c);
  await database.db.transaction((tx) =>
    recordAudit(
      tx,
      {
        actor,
        action: 'consent.export',
        target: 'consent_events',
        details: { from: from.toISOString(), to: to.toISOString() },
      },
      clock(),
    ),
  );
  const pages = exportPages(database.db, property.id, from, to);
  const encoder = new TextEncoder();
  // Pulled one page at a time: the next page is read only when the client has taken the last.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await pages.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value.map((l) => `${JSON.stringify(l)}\n`).join('')));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
  return c.body(body, 200, {
    'content-type': 'application/x-ndjson; charset=utf-8',
    'cache-control': 'no-store',
  });
});

export type ExportedLine = ReturnType<typeof historyEvent> & { propertyId: string };

/** Pages of exported events, ordered by (collectedAt, id), fetched after the last one seen. */
export async function* exportPages(
  db: Db,
  propertyId: string,
  from: Date,
  to: Date,
): AsyncGenerator<ExportedLine[], void, undefined> {
  const e = schema.consentEvents;
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const rows: { e: typeof e.$inferSelect; version: number; purpose: string }[] = await db
      .select({ e, version: schema.notices.version, purpose: schema.purposes.key })
      .from(e)
      .innerJoin(schema.notices, eq(schema.notices.id, e.noticeId))
      .innerJoin(schema.purposes, eq(schema.purposes.id, e.purposeId))
      .where(
        and(
          eq(e.propertyId, propertyId),
          gte(e.collectedAt, from),
          lt(e.collectedAt, to),
          after
            ? or(gt(e.collectedAt, after.at), and(eq(e.collectedAt, after.at), gt(e.id, after.id)))
            : undefined,
        ),
      )
      .orderBy(asc(e.collectedAt), asc(e.id))
      .limit(EXPORT_PAGE_SIZE);
    if (rows.length === 0) return;
    yield rows.map((r) => ({ ...historyEvent(r.e, r.version, r.purpose), propertyId }));
    const last = rows[rows.length - 1];
    if (!last || rows.length < EXPORT_PAGE_SIZE) return;
    after = { at: last.e.collectedAt, id: last.e.id };
  }
}
