// Staff routes for privacy requests (REQUIREMENTS R4-R6, S5-S7): list and read requests with
// their timeline (each read audited), move one forward, reject it with a reason the customer
// sees next to the complaint route, lift a restriction, and read what an erasure left under
// legal hold (the legal role only). Logic lives in domain/requests/staff-requests.ts.
import {
  LegalHoldEvidence,
  LegalHoldList,
  StaffAdvanceInput,
  StaffLiftInput,
  StaffRejectInput,
  StaffRequest,
  StaffRequestList,
  StaffRequestQuery,
  StaffRequestSummary,
} from '@assent/contract';
import { createRoute, z } from '@hono/zod-openapi';
import { readLegalHold } from '../../domain/requests/erasure.ts';
import {
  advanceRequest,
  liftRestrictionByStaff,
  rejectRequest,
} from '../../domain/requests/staff-request-actions.ts';
import {
  listLegalHolds,
  listRequestsForStaff,
  requestForStaff,
  summaryOf,
} from '../../domain/requests/staff-requests.ts';
import { ApiError } from '../../errors.ts';
import { errorResponses, router } from '../../openapi.ts';
import { type AdminEnv, clientIp, requires, staffAuth } from './auth.ts';

const Id = z.object({ id: z.string().max(64) });
const READ =
  'Every request returned is audited (`request.read`, per customer) and counts towards the bulk-read alert: more than ASSENT_STAFF_MAX_DAILY_SUBJECTS distinct customers in 24 hours suspends data access (403 `access_suspended`).';
const changed = {
  200: {
    description: 'The request after the change',
    content: { 'application/json': { schema: StaffRequestSummary } },
  },
};

const list = createRoute({
  method: 'get',
  path: '/requests',
  tags: ['admin'],
  summary: 'List privacy requests, earliest due first',
  description: `Requires \`requests.read\`. Filters: \`status\`, \`type\`, \`propertyId\`, \`subjectId\`, \`overdue=true\` (open and past the due date, R5); \`limit\` ≤ 100, \`offset\`. ${READ}`,
  ...requires('requests.read'),
  request: { query: StaffRequestQuery },
  responses: {
    200: {
      description: 'Requests',
      content: { 'application/json': { schema: StaffRequestList } },
    },
    ...errorResponses('unauthorized', 'forbidden', 'access_suspended'),
  },
});
const show = createRoute({
  method: 'get',
  path: '/requests/{id}',
  tags: ['admin'],
  summary: 'One privacy request with its timeline and data-provider calls',
  description: `Requires \`requests.read\`. ${READ}`,
  ...requires('requests.read'),
  request: { params: Id },
  responses: {
    200: { description: 'The request', content: { 'application/json': { schema: StaffRequest } } },
    ...errorResponses('unauthorized', 'forbidden', 'access_suspended', 'not_found'),
  },
});
const advance = createRoute({
  method: 'post',
  path: '/requests/{id}/advance',
  tags: ['admin'],
  summary: 'Move a request one step forward',
  description:
    'Requires `requests.manage`. `verified` (identity checked; an erasure then waits out the cooling-off of its jurisdiction), `in_progress` (an access request then calls the data providers), `completed` (rectification and restriction only). An erasure starts by itself when its cooling-off ends and access/erasure complete once every data provider answered: asking for those answers 409 `invalid_transition`. Audited (`request.<state>`).',
  ...requires('requests.manage'),
  request: {
    params: Id,
    body: { content: { 'application/json': { schema: StaffAdvanceInput } }, required: true },
  },
  responses: {
    ...changed,
    ...errorResponses(
      'unauthorized',
      'forbidden',
      'access_suspended',
      'not_found',
      'invalid_transition',
    ),
  },
});
const reject = createRoute({
  method: 'post',
  path: '/requests/{id}/reject',
  tags: ['admin'],
  summary: 'Reject a request with a reason',
  description:
    'Requires `requests.manage`. The reason (10-2000 characters) is shown to the customer in the portal with the complaint route (PIPL 50; GDPR 12(4); R6). An erasure already carried out cannot be rejected (409). Audited (`request.rejected`).',
  ...requires('requests.manage'),
  request: {
    params: Id,
    body: { content: { 'application/json': { schema: StaffRejectInput } }, required: true },
  },
  responses: {
    ...changed,
    ...errorResponses(
      'unauthorized',
      'forbidden',
      'access_suspended',
      'not_found',
      'invalid_transition',
      'reason_required',
    ),
  },
});
const lift = createRoute({
  method: 'post',
  path: '/requests/{id}/lift',
  tags: ['admin'],
  summary: 'Lift a restriction of processing',
  description:
    'Requires `requests.manage`. Ends a restriction in force (`verified`, `in_progress` or `completed`): `may()` answers normally again at once. The customer is emailed the note and sees it in the portal (GDPR 18(3)). Audited (`request.lifted`).',
  ...requires('requests.manage'),
  request: {
    params: Id,
    body: { content: { 'application/json': { schema: StaffLiftInput } }, required: true },
  },
  responses: {
    ...changed,
    ...errorResponses(
      'unauthorized',
      'forbidden',
      'access_suspended',
      'not_found',
      'invalid_transition',
    ),
  },
});
const holds = createRoute({
  method: 'get',
  path: '/legal-holds',
  tags: ['admin'],
  summary: 'Erased customers whose consent evidence is kept under legal hold',
  description:
    'The legal role only (`legal_hold.read`; R4). Newest first; `limit` ≤ 100, `offset`. Audited (`legal_hold.list`).',
  ...requires('legal_hold.read'),
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(50),
      offset: z.coerce.number().int().min(0).max(100_000).default(0),
    }),
  },
  responses: {
    200: { description: 'Holds', content: { 'application/json': { schema: LegalHoldList } } },
    ...errorResponses('unauthorized', 'forbidden', 'access_suspended'),
  },
});
const held = createRoute({
  method: 'get',
  path: '/legal-holds/{subjectId}',
  tags: ['admin'],
  summary: 'The consent evidence held for one erased customer',
  description:
    'The legal role only (`legal_hold.read` comes with that role; a temporary grant does not open it; R4): storage and security access, nothing else. Every reading is audited (`legal_hold.read`), every refused attempt too (`legal_hold.read_denied`).',
  ...requires('legal_hold.read'),
  request: { params: z.object({ subjectId: z.string().max(64) }) },
  responses: {
    200: {
      description: 'The held events',
      content: { 'application/json': { schema: LegalHoldEvidence } },
    },
    ...errorResponses('unauthorized', 'forbidden', 'access_suspended', 'not_found'),
  },
});

export const requestRoutes = router<AdminEnv>();
for (const path of ['/requests', '/requests/*', '/legal-holds', '/legal-holds/*'])
  requestRoutes.use(path, staffAuth);

requestRoutes
  .openapi(list, async (c) => {
    const q = c.req.valid('query');
    const requests = await listRequestsForStaff(
      c.get('deps'),
      c.get('staff'),
      { ...q, overdue: q.overdue === 'true' },
      clientIp(c),
    );
    return c.json({ requests }, 200);
  })
  .openapi(show, async (c) => {
    const view = await requestForStaff(
      c.get('deps'),
      c.get('staff'),
      c.req.valid('param').id,
      clientIp(c),
    );
    return c.json(view, 200);
  })
  .openapi(advance, async (c) => {
    const { to, note } = c.req.valid('json');
    const row = await advanceRequest(
      c.get('deps'),
      c.get('staff'),
      c.req.valid('param').id,
      to,
      note,
    );
    return c.json(summaryOf(row, c.get('deps').clock()), 200);
  })
  .openapi(reject, async (c) => {
    const row = await rejectRequest(
      c.get('deps'),
      c.get('staff'),
      c.req.valid('param').id,
      c.req.valid('json').reason,
    );
    return c.json(summaryOf(row, c.get('deps').clock()), 200);
  })
  .openapi(lift, async (c) => {
    const { request } = await liftRestrictionByStaff(
      c.get('deps'),
      c.get('staff'),
      c.req.valid('param').id,
      c.req.valid('json').note,
    );
    return c.json(summaryOf(request, c.get('deps').clock()), 200);
  })
  .openapi(holds, async (c) => {
    const list = await listLegalHolds(
      c.get('deps'),
      c.get('staff'),
      c.req.valid('query'),
      clientIp(c),
    );
    return c.json({ holds: list }, 200);
  })
  .openapi(held, async (c) => {
    const who = c.get('staff');
    // The role decides, not a grant; a refused attempt is audited by readLegalHold.
    if (who.member.suspendedAt)
      throw new ApiError(
        'access_suspended',
        'A behaviour alert waits for review by a second person.',
      );
    const { subjectId } = c.req.valid('param');
    const { database, clock } = c.get('deps');
    const events = await readLegalHold(
      database.db,
      { id: who.member.id, role: who.member.role },
      subjectId,
      clock(),
      clientIp(c),
    );
    return c.json(
      {
        subjectId,
        events: events.map((e) => ({
          id: e.id,
          purposeId: e.purposeId,
          noticeId: e.noticeId,
          noticeHash: e.noticeHash,
          decision: e.decision,
          source: e.source,
          surface: e.surface,
          locale: e.locale,
          jurisdiction: e.jurisdiction,
          collectedAt: e.collectedAt.toISOString(),
          expiresAt: e.expiresAt?.toISOString() ?? null,
          gpc: e.gpc,
        })),
      },
      200,
    );
  });
