// POST /v1/consents records a batch of decisions; GET /v1/consents reads what holds now.
import { createHash } from 'node:crypto';
import { ConsentsOutput, RecordConsentsInput, RecordConsentsOutput } from '@assent/contract';
import { schema } from '@assent/db';
import { checkDecisions, DAY_MS } from '@assent/policy';
import { createRoute, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { DeviceRaceError, deviceStateAt, planBatch, recordBatch } from '../domain/consent-batch.ts';
import { statesOf, stateView } from '../domain/consents.ts';
import { assertGuardianConsent } from '../domain/minors.ts';
import { canonicalJson } from '../domain/notices.ts';
import { purposesFor } from '../domain/properties.ts';
import { cachedDeviceStateAt } from '../domain/state-cache.ts';
import { deviceKey } from '../domain/subjects.ts';
import { ApiError } from '../errors.ts';
import { confirmPropertyVersion, widgetDevice } from '../middleware/property.ts';
import { errorResponses, registerWidgetSecuritySchemes, router } from '../openapi.ts';
import { requestEvidence } from './request-evidence.ts';

const IdempotencyHeader = z.object({
  'idempotency-key': z.string().min(8).max(128).optional().openapi({
    description: 'Makes a retried batch return the first answer and write nothing new.',
  }),
});

const recordRoute = createRoute({
  method: 'post',
  path: '/consents',
  summary: 'Record a batch of consent decisions',
  description:
    'One append-only event per purpose, with evidence (notice version + SHA-256, locale, surface, source, UTC time, jurisdiction, truncated IP, UA hash, GPC; REQUIREMENTS P1), the state projection and an outbox row, in one transaction. A separate-consent purpose is granted only alone, from `surface: separate_dialog` (422 `separate_consent_required`; PIPL 23, 25, 29, 39). A person who declared an `ageBand` under the age threshold of a purpose grants it only through a parent or guardian: `actor: guardian`, stored on each event (422 `guardian_consent_required`; C12, PIPL 31, GDPR 8, Cal. Civ. 1798.120(c)); refusals always pass. `collectedAt` may be up to 30 days in the past (offline queue) and at most 5 minutes ahead.',
  request: {
    headers: IdempotencyHeader,
    body: { content: { 'application/json': { schema: RecordConsentsInput } }, required: true },
  },
  security: [{ publishableKey: [], device: [] }],
  responses: {
    201: {
      description: 'Recorded',
      content: { 'application/json': { schema: RecordConsentsOutput } },
    },
    ...errorResponses(
      'unauthorized',
      'origin_not_allowed',
      'idempotency_conflict',
      'unknown_purpose',
      'necessary_purpose',
      'separate_consent_required',
      'guardian_consent_required',
      'duplicate_purpose',
      'notice_mismatch',
    ),
  },
});

const readRoute = createRoute({
  method: 'get',
  path: '/consents',
  summary: "This device's consents",
  description:
    'What holds now per purpose key (`effective` true only for a granted, unexpired, current grant).',
  security: [{ publishableKey: [], device: [] }],
  responses: {
    200: { description: 'States', content: { 'application/json': { schema: ConsentsOutput } } },
    ...errorResponses('unauthorized', 'origin_not_allowed'),
  },
});

export const consentRoutes = router()
  .openapi(recordRoute, async (c) => {
    const { database, clock } = c.get('deps');
    const body = c.req.valid('json');
    const idemKey = c.req.valid('header')['idempotency-key'];
    const key = deviceKey(widgetDevice(c));
    const now = clock();
    const collectedAt = body.collectedAt ? Date.parse(body.collectedAt) : now;
    if (collectedAt > now + 5 * 60_000 || collectedAt < now - 30 * DAY_MS) {
      throw new ApiError(
        'invalid_request',
        'collectedAt must be within the last 30 days and not in the future.',
        [{ path: 'json.collectedAt', message: 'out of range' }],
      );
    }
    const requestHash = createHash('sha256')
      .update(canonicalJson({ device: key, body }))
      .digest('hex');

    // One round trip reads the device's state with the property's configuration version
    // (the property and purposes come from the process cache, confirmed by that version); one
    // statement writes the batch (consent-batch.ts). A device created concurrently by another
    // request makes the write fail whole: read again and retry once.
    const evidence = requestEvidence(c, body.gpc === true || c.req.header('sec-gpc') === '1');
    for (let attempt = 0; ; attempt++) {
      const device = await deviceStateAt(database.sql, c.get('property').id, key);
      const property = await confirmPropertyVersion(c, device.version);
      const purposes = await purposesFor(database.db, property);
      const byKey = new Map(purposes.map((p) => [p.row.key, p]));
      const violations = checkDecisions(
        body.decisions.map((d) => ({ ...d, source: body.source, surface: body.surface })),
        new Map(purposes.map((p) => [p.row.key, p.rule])),
      );
      const first = violations[0];
      if (first) {
        throw new ApiError(
          first.code,
          `${first.code.replaceAll('_', ' ')}: ${first.purpose}`,
          violations.map((v) => ({ path: 'json.decisions', message: v.purpose, code: v.code })),
        );
      }
      assertGuardianConsent(property, purposes, body); // C12
      const decisions = body.decisions.map((d) => {
        const purpose = byKey.get(d.purpose);
        const notice = purpose?.notices.find(
          (n) => n.id === d.noticeId && n.contentHash === d.noticeHash,
        );
        if (!purpose || !notice) {
          throw new ApiError(
            'notice_mismatch',
            `The notice shown for ${d.purpose} is not a published version of it.`,
          );
        }
        return { purpose, notice, decision: d.decision };
      });
      const args = {
        property,
        deviceHash: key,
        subjectId: device.subjectId,
        last: device.last,
        decisions,
        source: body.source,
        surface: body.surface,
        locale: body.locale,
        collectedAt: new Date(collectedAt),
        evidence,
        actor: body.actor ?? 'subject',
      } as const;
      const plan = planBatch(args);
      const states = statesOf(purposes, plan.last, now);
      const answer = {
        events: plan.events.map((e) => ({
          ...e,
          collectedAt: e.collectedAt.toISOString(),
          expiresAt: e.expiresAt?.toISOString() ?? null,
        })),
        consents: Object.fromEntries([...states].map(([k, s]) => [k, stateView(s)])),
      };
      try {
        const result = await recordBatch(
          database.sql,
          args,
          plan,
          idemKey ? { key: idemKey, requestHash, response: answer } : null,
        );
        if (result.written) return c.json(answer, 201);
      } catch (err) {
        if (err instanceof DeviceRaceError && attempt === 0) continue;
        throw err;
      }
      // The idempotency key was used before: answer as the first request was answered.
      const stored = idemKey
        ? await storedAnswer(database.db, property.id, idemKey, requestHash)
        : null;
      if (!stored) throw new Error('idempotency row vanished');
      return c.json(stored as z.infer<typeof RecordConsentsOutput>, 201);
    }
  })
  .openapi(readRoute, async (c) => {
    const { database, clock } = c.get('deps');
    const key = deviceKey(widgetDevice(c));
    const { version, last } = await cachedDeviceStateAt(database, c.get('property').id, key);
    const purposes = await purposesFor(database.db, await confirmPropertyVersion(c, version));
    const states = statesOf(purposes, last, clock());
    return c.json(
      { consents: Object.fromEntries([...states].map(([k, s]) => [k, stateView(s)])) },
      200,
    );
  });
registerWidgetSecuritySchemes(consentRoutes.openAPIRegistry);

/**
 * The stored first answer for an idempotency key, or null when the key is new.
 * @throws ApiError `idempotency_conflict` (409) when the key was used for a different request.
 */
async function storedAnswer(
  db: Parameters<typeof purposesFor>[0],
  propertyId: string,
  key: string,
  requestHash: string,
): Promise<unknown | null> {
  const [row] = await db
    .select()
    .from(schema.idempotencyKeys)
    .where(
      and(eq(schema.idempotencyKeys.propertyId, propertyId), eq(schema.idempotencyKeys.key, key)),
    );
  if (!row) return null;
  if (row.requestHash !== requestHash) {
    throw new ApiError(
      'idempotency_conflict',
      'This Idempotency-Key was already used for a different request.',
    );
  }
  return row.response;
}
