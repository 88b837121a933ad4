// POST /v1/server/may: the processing check `may(subject, purpose)` for the product's backend
// (REQUIREMENTS S3; PIPL 14): processing is allowed only under an effective consent.
import { MayInput, MayOutput, type MayOutputBody } from '@assent/contract';
import { createRoute } from '@hono/zod-openapi';
import { lastDecisions, statesOf } from '../../domain/consents.ts';
import { purposesFor } from '../../domain/properties.ts';
import { activeSubjectId, userSubjectId } from '../../domain/server-subjects.ts';
import { ApiError } from '../../errors.ts';
import { errorResponses, router } from '../../openapi.ts';

const route = createRoute({
  method: 'post',
  path: '/may',
  security: [{ secretKey: [] }],
  summary: 'May this subject be processed for this purpose?',
  description:
    "The processing check `may(subject, purpose)` (REQUIREMENTS S3; PIPL 14; procedure §1.3): `allowed` only for a necessary purpose or an effective grant (granted, within its term, under the current material notice). Name the subject by your own user id (`externalId`) or Assent's `subjectId` (a merged device subject answers for its user). An unknown subject is not an error: it is not allowed (`reason: unknown_subject`). Not written to the audit log: it reads no personal data beyond the answer and runs on every processing step.",
  request: { body: { content: { 'application/json': { schema: MayInput } }, required: true } },
  responses: {
    200: { description: 'The answer', content: { 'application/json': { schema: MayOutput } } },
    ...errorResponses('unauthorized', 'unknown_purpose'),
  },
});

export const mayRoutes = router().openapi(route, async (c) => {
  const { database, clock, keyring } = c.get('deps');
  const property = c.get('property');
  const body = c.req.valid('json');
  const purposes = await purposesFor(database.db, property);
  const purpose = purposes.find((p) => p.row.key === body.purpose);
  if (!purpose)
    throw new ApiError('unknown_purpose', `No purpose ${body.purpose} in this property.`);
  const subjectId = body.externalId
    ? await userSubjectId(database.db, keyring, property.id, body.externalId)
    : await activeSubjectId(database.db, property.id, body.subjectId ?? '');
  const now = clock();
  const state = statesOf([purpose], await lastDecisions(database.db, subjectId), now).get(
    purpose.row.key,
  );
  if (!state) throw new Error('state missing');
  let reason: MayOutputBody['reason'];
  if (purpose.row.necessary) reason = 'necessary';
  else if (!subjectId) reason = 'unknown_subject';
  else if (state.status === 'unset') reason = 'no_decision';
  else reason = state.status;
  return c.json(
    {
      allowed: state.effective,
      status: state.status,
      reason,
      subjectId,
      expiresAt: state.expiresAt === null ? null : new Date(state.expiresAt).toISOString(),
    },
    200,
  );
});
