// Behaviour alerts and the audit export for staff (REQUIREMENTS S6, S7).
import { AlertReviewInput, AuditExportQuery, StaffAlertList } from '@assent/contract';
import { schema } from '@assent/db';
import { createRoute, z } from '@hono/zod-openapi';
import { desc, isNull } from 'drizzle-orm';
import { recordAudit } from '../../domain/audit.ts';
import { reviewAlert } from '../../domain/staff-alerts.ts';
import { ApiError } from '../../errors.ts';
import { errorResponses, router } from '../../openapi.ts';
import { exportAuditLines } from '../../security/audit-export.ts';
import { type AdminEnv, clientIp, need, requires, staffAuth } from './auth.ts';

const list = createRoute({
  method: 'get',
  path: '/alerts',
  tags: ['admin'],
  summary: 'Open behaviour alerts',
  description: 'Requires `alerts.review`.',
  ...requires('alerts.review'),
  responses: {
    200: {
      description: 'Open alerts, newest first',
      content: { 'application/json': { schema: StaffAlertList } },
    },
    ...errorResponses('unauthorized', 'forbidden'),
  },
});
const review = createRoute({
  method: 'post',
  path: '/alerts/{id}/review',
  tags: ['admin'],
  summary: 'Review an alert (second person)',
  description:
    "Requires `alerts.review`; the alert's own member cannot review it. When no other alert of the member is open, their customer-data access returns. Audited `staff.alert_review`.",
  ...requires('alerts.review'),
  request: {
    params: z.object({ id: z.string().max(64) }),
    body: { content: { 'application/json': { schema: AlertReviewInput } }, required: true },
  },
  responses: {
    200: {
      description: 'Reviewed',
      content: {
        'application/json': { schema: z.object({ id: z.string(), restored: z.boolean() }) },
      },
    },
    ...errorResponses('unauthorized', 'forbidden', 'not_found'),
  },
});
const auditExport = createRoute({
  method: 'get',
  path: '/audit/export',
  tags: ['admin'],
  summary: 'Export the audit log of a date range (NDJSON with chain proofs)',
  description:
    'Requires `audit.export`. Line 1: header with the anchor hash; then one event per line with `prevHash` and `hash`; last line: trailer with count and final hash. Verify offline with `pnpm assent audit verify-file`. The export is itself audited (`audit.export`).',
  ...requires('audit.export'),
  request: { query: AuditExportQuery },
  responses: {
    200: {
      description: 'NDJSON (`application/x-ndjson`)',
      content: { 'application/octet-stream': { schema: z.string() } },
    },
    ...errorResponses('unauthorized', 'forbidden'),
  },
});

export const alertRoutes = router<AdminEnv>();
alertRoutes.use('/alerts', staffAuth);
alertRoutes.use('/alerts/*', staffAuth);
alertRoutes.use('/audit/*', staffAuth);
alertRoutes
  .openapi(list, async (c) => {
    need(c, 'alerts.review');
    const rows = await c
      .get('deps')
      .database.db.select()
      .from(schema.staffAlerts)
      .where(isNull(schema.staffAlerts.reviewedAt))
      .orderBy(desc(schema.staffAlerts.createdAt));
    return c.json(
      {
        alerts: rows.map((r) => ({
          id: r.id,
          staffId: r.staffId,
          kind: r.kind as 'bulk_reads',
          details: r.details,
          createdAt: r.createdAt.toISOString(),
          reviewedBy: r.reviewedBy,
          reviewedAt: r.reviewedAt?.toISOString() ?? null,
        })),
      },
      200,
    );
  })
  .openapi(review, async (c) => {
    const who = need(c, 'alerts.review');
    const { database, clock } = c.get('deps');
    const out = await reviewAlert(
      database.db,
      who.member.id,
      c.req.valid('param').id,
      c.req.valid('json').note,
      clock(),
    );
    return c.json({ id: out.id, restored: out.restored }, 200);
  })
  .openapi(auditExport, async (c) => {
    const who = need(c, 'audit.export');
    const { database, clock } = c.get('deps');
    const q = c.req.valid('query');
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    if (!(to > from)) throw new ApiError('invalid_request', '`from` must be before `to`.');
    const lines: string[] = [];
    for await (const line of exportAuditLines(database.db, from, to)) lines.push(line);
    const now = clock();
    await database.db.transaction((tx) =>
      recordAudit(
        tx,
        {
          actor: { type: 'staff', id: who.member.id },
          action: 'audit.export',
          target: `${q.from}/${q.to}`,
          details: { events: lines.length - 2 },
          ip: clientIp(c),
        },
        now,
      ),
    );
    const body: string = `${lines.join('\n')}\n`;
    return c.body(body, 200, { 'content-type': 'application/x-ndjson' });
  });
