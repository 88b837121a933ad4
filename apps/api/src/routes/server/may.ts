// POST /v1/server/may: the processing check `may(subject, purpose)` for the product's backend
// (REQUIREMENTS S3; PIPL 14): processing is allowed only under an effective consent.
import { MayInput, MayOutput, type MayOutputBody } from '@assent/contract';
import { createRoute } from '@hono/zod-openapi';
import { processingState } from '../../domain/consent-batch.ts';
import { statesOf } from '../../domain/consents.ts';
import { purposesFor } from '../../domain/properties.ts';
import { RESTRICTING_STATUSES } from '../../domain/requests/restriction.ts';
import { ApiError } from '../../errors.ts';
import { errorResponses, router } from '../../openapi.ts';

const route = createRoute({
  method: 'post',
  path: '/may',
  security: [{ secretKey: [] }],
  summary: 'May this subject be processed for this purpose?',
  description:
    "The processing check `may(subject, purpose)` (REQUIREMENTS S3; PIPL 14; procedure §1.3): `allowed` only for a necessary purpose or an effective grant (granted, within its term, under the current material notice). Name the subject by your own user id (`externalId`) or Assent's `subjectId` (a merged device subject answers for its user). An unknown subject is not an error: it is not allowed (`reason: unknown_subject`). While the subject's restriction request is in force (GDPR 18; PIPL 44) every purpose that is not necessary answers `allowed: false, reason: restricted`. Not written to the audit log: it reads no personal data beyond the answer and runs on every processing step.",
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
  // One statement: the subject, its state for the purpose and any restriction in force.
  const read = await processingState(database.sql, {
    propertyId: property.id,
    purposeId: purpose.row.id,
    externalIdIndex: body.externalId ? keyring.blindIndex('external_id', body.externalId) : null,
    subjectId: body.externalId ? null : (body.subjectId ?? ''),
    restrictingStatuses: RESTRICTING_STATUSES,
  });
  const { subjectId } = read;
  const now = clock();
  const last = new Map(read.last ? [[purpose.row.id, read.last]] : []);
  const state = statesOf([purpose], last, now).get(purpose.row.key);
  if (!state) throw new Error('state missing');
  // A restriction in force (GDPR 18, PIPL 44) stops every purpose that is not necessary.
  const restricted = !purpose.row.necessary && read.restricted;
  let reason: MayOutputBody['reason'];
  if (purpose.row.necessary) reason = 'necessary';
  else if (!subjectId) reason = 'unknown_subject';
  else if (restricted) reason = 'restricted';
  else if (state.status === 'unset') reason = 'no_decision';
  else reason = state.status;
  return c.json(
    {
      allowed: state.effective && !restricted,
      status: state.status,
      reason,
      subjectId,
      expiresAt: state.expiresAt === null ? null : new Date(state.expiresAt).toISOString(),
    },
    200,
  );
});
