// The portal's privacy requests (/portal/api/requests): ask for a copy of one's data (R1, R2),
// for erasure after a cooling-off set per jurisdiction (R4), or for a restriction of
// processing (GDPR 18; PIPL 44), which the customer can lift again; follow each request with
// its due date, timeline and rejection reason (R5, R6); download an export while its link is
// valid, every download audited. Export and erasure need a fresh code within 10 minutes (R7).
import { CreateRequestInput, CreateRequestOutput, PortalRequests } from '@assent/contract';
import { schema } from '@assent/db';
import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, inArray } from 'drizzle-orm';
import { getCookie } from 'hono/cookie';
import { recordAudit } from '../domain/audit.ts';
import { requireStepUp, stepUpUntil } from '../domain/portal-auth.ts';
import { coolingOffDays, erasureExecuteAfter } from '../domain/requests/cooling-off.ts';
import { fanOut } from '../domain/requests/providers.ts';
import {
  createRequest,
  OPEN_STATUSES,
  ownedRequest,
  transition,
} from '../domain/requests/requests.ts';
import { liftRestriction, RESTRICTING_STATUSES } from '../domain/requests/restriction.ts';
import { requestViews } from '../domain/requests/views.ts';
import { subjectsByEmail } from '../domain/subjects.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, registerPortalSecuritySchemes, router } from '../openapi.ts';
import { type PortalEnv, requireSession, SESSION_COOKIE } from './portal.ts';

const list = createRoute({
  method: 'get',
  path: '/requests',
  summary: "The signed-in customer's privacy requests",
  description:
    'Each with type, status, due date (R5), timeline, rejection reason and complaint route (R6).',
  security: [{ portalSession: [] }],
  responses: {
    200: { description: 'Requests', content: { 'application/json': { schema: PortalRequests } } },
    ...errorResponses('unauthorized'),
  },
});
const create = createRoute({
  method: 'post',
  path: '/requests',
  summary: 'Ask for a copy of my data, its erasure, or a restriction',
  description:
    "`access` starts building an export (JSON, CSV, HTML) at once; `erasure` runs after the cooling-off period of the property's jurisdiction (ASSENT_ERASURE_COOLING_OFF_BY_JURISDICTION, else ASSENT_ERASURE_COOLING_OFF_DAYS, default 7) and can be cancelled until then. Both need a fresh code within 10 minutes (403 `step_up_required`, R7). `restriction` is in force at once (`verified`: the session proved the address) until lifted: `may()` then answers false for every purpose that is not necessary (GDPR 18; PIPL 44). One open request per type and property, and one restriction in force (409 `request_pending`).",
  request: {
    body: { content: { 'application/json': { schema: CreateRequestInput } }, required: true },
  },
  security: [{ portalSession: [], portalCsrf: [] }],
  responses: {
    201: {
      description: 'Created',
      content: { 'application/json': { schema: CreateRequestOutput } },
    },
    ...errorResponses(
      'unauthorized',
      'csrf_failed',
      'not_found',
      'step_up_required',
      'request_pending',
    ),
  },
});
const cancel = createRoute({
  method: 'post',
  path: '/requests/{id}/cancel',
  summary: 'Cancel an erasure during its cooling-off',
  request: { params: z.object({ id: z.string().max(64) }) },
  security: [{ portalSession: [], portalCsrf: [] }],
  responses: {
    200: {
      description: 'Cancelled',
      content: { 'application/json': { schema: CreateRequestOutput } },
    },
    ...errorResponses('unauthorized', 'csrf_failed', 'not_found', 'invalid_transition'),
  },
});
const lift = createRoute({
  method: 'post',
  path: '/requests/{id}/lift',
  summary: 'Lift my restriction of processing',
  description:
    'Ends a restriction in force (`verified`, `in_progress` or `completed`): it becomes `lifted` and normal processing answers return at once (GDPR 18). 409 `invalid_transition` for anything else.',
  request: { params: z.object({ id: z.string().max(64) }) },
  security: [{ portalSession: [], portalCsrf: [] }],
  responses: {
    200: {
      description: 'Lifted',
      content: { 'application/json': { schema: CreateRequestOutput } },
    },
    ...errorResponses('unauthorized', 'csrf_failed', 'not_found', 'invalid_transition'),
  },
});
const download = createRoute({
  method: 'get',
  path: '/requests/{id}/export/{format}',
  summary: 'Download an export (JSON, CSV or HTML)',
  description:
    'Until the link expires (ASSENT_EXPORT_TTL_HOURS, default 72): 410 `export_expired` after. Every download is audited (`subject.export_download`).',
  request: {
    params: z.object({ id: z.string().max(64), format: z.enum(['json', 'csv', 'html']) }),
  },
  security: [{ portalSession: [] }],
  responses: {
    200: {
      description: 'The file',
      content: { 'application/octet-stream': { schema: z.string() } },
    },
    ...errorResponses('unauthorized', 'not_found', 'export_not_ready', 'export_expired'),
  },
});

const TYPES: Record<'json' | 'csv' | 'html', string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

export const portalRequestRoutes = router<PortalEnv>();
registerPortalSecuritySchemes(portalRequestRoutes.openAPIRegistry);
for (const path of ['/requests', '/requests/*']) portalRequestRoutes.use(path, requireSession);

/** Subject ids the signed-in email is linked to (optionally one property). */
async function ownSubjects(
  c: { get(k: 'deps'): PortalEnv['Variables']['deps']; get(k: 'email'): string },
  propertyId?: string,
) {
  const { database, keyring } = c.get('deps');
  const all = await subjectsByEmail(database.db, c.get('email'), keyring);
  return propertyId ? all.filter((s) => s.propertyId === propertyId) : all;
}

portalRequestRoutes
  .openapi(list, async (c) => {
    const { database, clock, config } = c.get('deps');
    const subjects = await ownSubjects(c);
    const until = await stepUpUntil(database.db, getCookie(c, SESSION_COOKIE));
    const properties =
      subjects.length === 0
        ? []
        : await database.db
            .select({
              id: schema.properties.id,
              name: schema.properties.name,
              jurisdiction: schema.properties.jurisdiction,
            })
            .from(schema.properties)
            .where(
              inArray(
                schema.properties.id,
                subjects.map((s) => s.propertyId),
              ),
            );
    const coolingOff = properties.map((p) => ({
      propertyId: p.id,
      propertyName: p.name,
      days: coolingOffDays(config.requests.coolingOff, p.jurisdiction),
    }));
    return c.json(
      {
        requests: await requestViews(
          database.db,
          subjects.map((s) => s.id),
          clock(),
        ),
        coolingOffDays: Math.max(config.requests.coolingOffDays, ...coolingOff.map((x) => x.days)),
        coolingOff,
        stepUpUntil: until && until > clock() ? new Date(until).toISOString() : null,
      },
      200,
    );
  })
  .openapi(create, async (c) => {
    const deps = c.get('deps');
    const { database, clock, config } = deps;
    const body = c.req.valid('json');
    const now = clock();
    const subjects = await ownSubjects(c, body.propertyId);
    if (subjects.length === 0)
      throw new ApiError('not_found', 'No records of yours at this property.');
    if (body.type !== 'restriction')
      await requireStepUp(database.db, getCookie(c, SESSION_COOKIE), now);
    const properties = await database.db
      .select()
      .from(schema.properties)
      .where(
        inArray(
          schema.properties.id,
          subjects.map((s) => s.propertyId),
        ),
      );
    // A restriction stays in force once completed: a second one would add nothing.
    const blocking = body.type === 'restriction' ? RESTRICTING_STATUSES : OPEN_STATUSES;
    const created = await database.db.transaction(async (tx) => {
      const open = await tx
        .select({ id: schema.privacyRequests.id })
        .from(schema.privacyRequests)
        .where(
          and(
            inArray(
              schema.privacyRequests.subjectId,
              subjects.map((s) => s.id),
            ),
            eq(schema.privacyRequests.type, body.type),
            inArray(schema.privacyRequests.status, blocking),
          ),
        );
      if (open.length > 0)
        throw new ApiError('request_pending', 'You already have an open request of this type.');
      const ids: string[] = [];
      for (const subject of subjects) {
        const property = properties.find((p) => p.id === subject.propertyId);
        const jurisdiction = property?.jurisdiction ?? 'DEFAULT';
        const row = await createRequest(
          tx,
          config,
          {
            subjectId: subject.id,
            propertyId: subject.propertyId,
            jurisdiction,
            type: body.type,
            // The session was opened with an emailed code or the product's signed link.
            verified: true,
            actor: { type: 'subject', id: subject.id },
            ...(body.type === 'erasure'
              ? {
                  executeAfter: erasureExecuteAfter(config.requests.coolingOff, jurisdiction, now),
                }
              : {}),
            ...(body.note ? { details: { note: body.note } } : {}),
          },
          now,
        );
        if (body.type === 'access') {
          await fanOut(
            tx,
            row,
            { subject: { externalId: subject.externalId, email: subject.email } },
            now,
          );
          await transition(
            tx,
            row.id,
            'in_progress',
            { actor: { type: 'subject', id: subject.id } },
            now,
          );
        }
        ids.push(row.id);
      }
      return ids;
    });
    // Wake the workers now rather than at the next scheduled pass.
    await deps.jobs?.send('request-work', {}, { singletonKey: 'poll' }).catch(() => undefined);
    const views = await requestViews(
      database.db,
      subjects.map((s) => s.id),
      now,
    );
    return c.json({ requests: views.filter((v) => created.includes(v.id)) }, 201);
  })
  .openapi(cancel, async (c) => {
    const { database, clock } = c.get('deps');
    const now = clock();
    const subjects = await ownSubjects(c);
    const ids = subjects.map((s) => s.id);
    const row = await ownedRequest(database.db, ids, c.req.valid('param').id);
    if (!row) throw new ApiError('not_found', 'No such request of yours.');
    if (row.type !== 'erasure' || row.status !== 'verified')
      throw new ApiError(
        'invalid_transition',
        'Only an erasure still in its cooling-off can be cancelled.',
      );
    await database.db.transaction((tx) =>
      transition(
        tx,
        row.id,
        'cancelled',
        { actor: { type: 'subject', id: row.subjectId }, note: 'cancelled by the customer' },
        now,
      ),
    );
    const views = await requestViews(database.db, ids, now);
    return c.json({ requests: views.filter((v) => v.id === row.id) }, 200);
  })
  .openapi(lift, async (c) => {
    const { database, clock } = c.get('deps');
    const now = clock();
    const ids = (await ownSubjects(c)).map((s) => s.id);
    const row = await ownedRequest(database.db, ids, c.req.valid('param').id);
    if (!row) throw new ApiError('not_found', 'No such request of yours.');
    await database.db.transaction((tx) =>
      liftRestriction(
        tx,
        row.id,
        { actor: { type: 'subject', id: row.subjectId }, note: 'lifted by the customer' },
        now,
      ),
    );
    const views = await requestViews(database.db, ids, now);
    return c.json({ requests: views.filter((v) => v.id === row.id) }, 200);
  })
  .openapi(download, async (c) => {
    const { database, clock } = c.get('deps');
    const now = clock();
    const { id, format } = c.req.valid('param');
    const subjects = await ownSubjects(c);
    const row = await ownedRequest(
      database.db,
      subjects.map((s) => s.id),
      id,
    );
    if (row?.type !== 'access') throw new ApiError('not_found', 'No such export of yours.');
    const [ex] = await database.db
      .select()
      .from(schema.requestExports)
      .where(eq(schema.requestExports.requestId, row.id));
    if (!ex) throw new ApiError('export_not_ready');
    if (ex.expiresAt.getTime() <= now) throw new ApiError('export_expired');
    await database.db.transaction((tx) =>
      recordAudit(
        tx,
        {
          actor: { type: 'subject', id: row.subjectId },
          action: 'subject.export_download',
          subjectId: row.subjectId,
          target: row.id,
          details: { format },
        },
        now,
      ),
    );
    const content =
      format === 'json' ? JSON.stringify(ex.json, null, 2) : format === 'csv' ? ex.csv : ex.html;
    return c.body(content, 200, {
      'content-type': TYPES[format],
      'content-disposition': `attachment; filename="assent-export-${row.id}.${format}"`,
      'cache-control': 'no-store',
      ...(format === 'html'
        ? { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" }
        : {}),
    }) as never;
  });
