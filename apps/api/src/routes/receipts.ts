// GET /v1/receipts/{eventId}: the signed receipt of one of this device's decisions (P3, P4);
// GET /v1/notices/{noticeId}: an exact notice version (C7); GET /.well-known/jwks.json.

import { Jwks, NoticeParams, NoticeVersion, ReceiptParams, SignedReceipt } from '@assent/contract';
import { schema } from '@assent/db';
import { createRoute } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { buildReceipt } from '../domain/receipts/build-receipt.ts';
import { activeSigningKey, receiptJwks } from '../domain/receipts/signing-keys.ts';
import { deviceKey, historySubjects, subjectOfDevice } from '../domain/subjects.ts';
import { ApiError } from '../errors.ts';
import { widgetDevice } from '../middleware/property.ts';
import { errorResponses, registerWidgetSecuritySchemes, router } from '../openapi.ts';

const receiptRoute = createRoute({
  method: 'get',
  path: '/receipts/{eventId}',
  summary: 'The signed receipt of one decision',
  description:
    'A consent receipt with the ISO/IEC TS 27560 record fields (header, principal, parties, processing, notice, event) and W3C DPV statuses (`dpv:ConsentGiven`, `dpv:RenewedConsentGiven`, `dpv:ConsentRefused`, `dpv:ConsentWithdrawn`; `current` adds `dpv:ConsentExpired` / `dpv:ConsentInvalidated`), signed as a compact JWS (EdDSA, Ed25519) verifiable with `/.well-known/jwks.json` (REQUIREMENTS P3, P4). Only the device whose person made the decision gets it: any other event id answers 404.',
  request: { params: ReceiptParams },
  security: [{ publishableKey: [], device: [] }],
  responses: {
    200: { description: 'The receipt', content: { 'application/json': { schema: SignedReceipt } } },
    ...errorResponses('unauthorized', 'origin_not_allowed', 'not_found'),
  },
});

const noticeRoute = createRoute({
  method: 'get',
  path: '/notices/{noticeId}',
  summary: 'An exact notice version',
  description:
    'The immutable text of one published notice version of this property, as shown, with its SHA-256 (of the canonical JSON of `content`, as stored in each consent event). Old versions stay readable forever (PIPL 17; GDPR 13; REQUIREMENTS C7).',
  request: { params: NoticeParams },
  // The key only: a notice is the property's, not a device's (the handler reads no device id).
  security: [{ publishableKey: [] }],
  responses: {
    200: { description: 'The notice', content: { 'application/json': { schema: NoticeVersion } } },
    ...errorResponses('unauthorized', 'origin_not_allowed', 'not_found'),
  },
});

export const receiptRoutes = router()
  .openapi(receiptRoute, async (c) => {
    const { database, config, clock, keyring } = c.get('deps');
    const property = c.get('property');
    const { eventId } = c.req.valid('param');
    const subjectId = await subjectOfDevice(database.db, property.id, deviceKey(widgetDevice(c)));
    const notFound = new ApiError('not_found', 'No such decision for this device.');
    if (!subjectId) throw notFound;
    const [event] = await database.db
      .select({ subjectId: schema.consentEvents.subjectId })
      .from(schema.consentEvents)
      .where(
        and(eq(schema.consentEvents.id, eventId), eq(schema.consentEvents.propertyId, property.id)),
      );
    if (!event || !(await historySubjects(database.db, subjectId)).includes(event.subjectId))
      throw notFound;
    const signed = await buildReceipt(database.db, eventId, {
      signingKey: config.receiptSigningKey,
      publicUrl: config.publicUrl,
      now: clock(),
      keyring,
    });
    if (!signed) throw notFound;
    return c.json(signed, 200);
  })
  .openapi(noticeRoute, async (c) => {
    const { database } = c.get('deps');
    const property = c.get('property');
    const { noticeId } = c.req.valid('param');
    const [row] = await database.db
      .select({ notice: schema.notices, purpose: schema.purposes.key })
      .from(schema.notices)
      .innerJoin(schema.purposes, eq(schema.purposes.id, schema.notices.purposeId))
      .where(and(eq(schema.notices.id, noticeId), eq(schema.purposes.propertyId, property.id)));
    if (!row) throw new ApiError('not_found', 'No such notice for this property.');
    const n = row.notice;
    return c.json(
      {
        id: n.id,
        purpose: row.purpose,
        version: n.version,
        locale: n.locale,
        material: n.material,
        publishedAt: n.publishedAt.toISOString(),
        sha256: n.contentHash,
        content: n.content,
      },
      200,
    );
  });
registerWidgetSecuritySchemes(receiptRoutes.openAPIRegistry);

const jwksRoute = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  summary: 'Public keys of consent receipts',
  description:
    'JWKS (RFC 7517) of every key that ever signed a consent receipt (Ed25519, `alg: EdDSA`); retired keys stay so old receipts verify.',
  responses: {
    200: { description: 'The key set', content: { 'application/json': { schema: Jwks } } },
    ...errorResponses(),
  },
});

export const jwksRoutes = router().openapi(jwksRoute, async (c) => {
  const { database, config, clock, keyring } = c.get('deps');
  await activeSigningKey(database.db, config.receiptSigningKey, clock(), keyring); // publish before first use
  c.header('Cache-Control', 'public, max-age=300');
  return c.json(await receiptJwks(database.db), 200);
});
