// Customer reads by staff (REQUIREMENTS S1, S5-S7): masked by the classification tags,
// unmasked only with `subjects.unmask` and a reason; every read audited and counted for the
// bulk-read alert.
import { StaffSubject, StaffSubjectList, StaffSubjectQuery } from '@assent/contract';
import { createRoute, z } from '@hono/zod-openapi';
import { readSubjectsForStaff } from '../../domain/staff-subjects.ts';
import { ApiError } from '../../errors.ts';
import { errorResponses, router } from '../../openapi.ts';
import { type AdminEnv, clientIp, requires, staffAuth } from './auth.ts';

const DESCRIPTION =
  'Requires `subjects.read`; with `unmask=true` also `subjects.unmask` and a `reason` (≥ 10 characters). Without unmask, L2 fields come masked (`a***@example.com`) and L1 fields as null (listed in `restricted`). Every customer returned is audited (`subject.read` / `subject.unmask`); more than ASSENT_STAFF_MAX_DAILY_SUBJECTS distinct customers in 24 hours raises an alert and suspends access (403 `access_suspended`).';

const byId = createRoute({
  method: 'get',
  path: '/subjects/{id}',
  tags: ['admin'],
  summary: 'Read one customer',
  description: DESCRIPTION,
  ...requires('subjects.read'),
  request: {
    params: z.object({ id: z.string().max(64) }),
    query: StaffSubjectQuery.omit({ email: true }),
  },
  responses: {
    200: { description: 'The customer', content: { 'application/json': { schema: StaffSubject } } },
    ...errorResponses('unauthorized', 'forbidden', 'access_suspended', 'not_found'),
  },
});
const search = createRoute({
  method: 'get',
  path: '/subjects',
  tags: ['admin'],
  summary: 'Find customers by email (blind index)',
  description: `${DESCRIPTION} The email is matched through its keyed blind index, never by decrypting the table.`,
  ...requires('subjects.read'),
  request: { query: StaffSubjectQuery },
  responses: {
    200: { description: 'Matches', content: { 'application/json': { schema: StaffSubjectList } } },
    ...errorResponses('unauthorized', 'forbidden', 'access_suspended'),
  },
});

export const subjectRoutes = router<AdminEnv>();
subjectRoutes.use('/subjects', staffAuth);
subjectRoutes.use('/subjects/*', staffAuth);
subjectRoutes
  .openapi(byId, async (c) => {
    const q = c.req.valid('query');
    const [view] = await readSubjectsForStaff(
      c.get('deps'),
      c.get('staff'),
      { id: c.req.valid('param').id },
      { unmask: q.unmask === 'true', reason: q.reason, ip: clientIp(c) },
    );
    if (!view) throw new ApiError('not_found', 'No customer with this id.');
    return c.json(view, 200);
  })
  .openapi(search, async (c) => {
    const q = c.req.valid('query');
    if (!q.email) throw new ApiError('invalid_request', 'Give ?email=.');
    const subjects = await readSubjectsForStaff(
      c.get('deps'),
      c.get('staff'),
      { email: q.email },
      { unmask: q.unmask === 'true', reason: q.reason, ip: clientIp(c) },
    );
    return c.json({ subjects }, 200);
  });
