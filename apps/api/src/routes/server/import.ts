// POST /v1/server/import: consents collected elsewhere, with their provenance, recorded as
// events with `source: import`. Idempotent per source record id; all or nothing.
import { createHash } from 'node:crypto';
import { ImportInput, ImportOutput, type ImportOutputBody } from '@assent/contract';
import { schema } from '@assent/db';
import { checkDecisions } from '@assent/policy';
import { createRoute, type z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../../domain/audit.ts';
import { appendDecisions } from '../../domain/consents.ts';
import { canonicalJson } from '../../domain/notices.ts';
import { type LoadedPurpose, loadPurposes, noticeFor } from '../../domain/properties.ts';
import { ensureUserSubject } from '../../domain/server-subjects.ts';
import { stateChanged } from '../../domain/state-cache.ts';
import { ApiError } from '../../errors.ts';
import { errorResponses, router } from '../../openapi.ts';
import { apiKeyActor } from './api-key-actor.ts';

type ImportRecord = z.infer<typeof ImportInput>['records'][number];

const route = createRoute({
  method: 'post',
  path: '/import',
  security: [{ secretKey: [] }],
  summary: 'Import consents collected elsewhere',
  description:
    "Up to 200 records (and 1 MiB: 413 `payload_too_large`; send larger imports as several requests), each one decision of one of your users (`externalId`) with the source system's record `id` and its `provenance`. Each becomes an append-only event with `source: import`, its projection and an outbox row, all in one transaction: one invalid record rejects the batch and writes nothing. Re-sending a record id with the same content answers `duplicate` and writes nothing (409 `import_conflict` with different content). A separate-consent purpose (PIPL 23, 25, 29, 39) is imported as granted only when the record attests `surface: separate_dialog`. `actor: guardian` records a guardian's consent for a minor (REQUIREMENTS C12). Audited with the API key as actor.",
  request: { body: { content: { 'application/json': { schema: ImportInput } }, required: true } },
  responses: {
    200: { description: 'Imported', content: { 'application/json': { schema: ImportOutput } } },
    ...errorResponses(
      'unauthorized',
      'unknown_purpose',
      'necessary_purpose',
      'separate_consent_required',
      'notice_mismatch',
      'import_conflict',
      'payload_too_large',
    ),
  },
});

/** Largest import body (bytes): 200 records of up to ~5 KB each; other routes take 64 KiB. */
export const IMPORT_MAX_BODY_BYTES = 1024 * 1024;

export const importRoutes = router().openapi(route, async (c) => {
  const { database, clock, keyring } = c.get('deps');
  const property = c.get('property');
  const { records } = c.req.valid('json');
  const now = clock();
  const purposes = await loadPurposes(database.db, property.id);
  const planned = records.map((r, i) => plan(r, i, purposes, property.defaultLocale, now));
  const ids = new Set<string>();
  for (const [i, r] of records.entries()) {
    if (ids.has(r.id))
      throw new ApiError('invalid_request', `Record id ${r.id} appears twice.`, [
        { path: `json.records.${i}.id`, message: 'duplicate id' },
      ]);
    ids.add(r.id);
  }
  const actor = await apiKeyActor(c);
  const changed = new Set<string>();
  const run = () =>
    database.db.transaction(async (tx) => {
      changed.clear();
      const results: ImportOutputBody['results'] = [];
      for (const p of planned) {
        const [seen] = await tx
          .select()
          .from(schema.consentImports)
          .where(
            and(
              eq(schema.consentImports.propertyId, property.id),
              eq(schema.consentImports.recordId, p.record.id),
            ),
          );
        if (seen) {
          if (seen.recordHash !== p.hash)
            throw new ApiError(
              'import_conflict',
              `Record ${p.record.id} was imported with other content.`,
            );
          results.push({ id: p.record.id, eventId: seen.eventId, status: 'duplicate' });
          continue;
        }
        const subjectId = await ensureUserSubject(tx, keyring, property.id, p.record.externalId);
        const [event] = await appendDecisions(tx, {
          property,
          subjectId,
          decisions: [{ purpose: p.purpose, notice: p.notice, decision: p.record.decision }],
          source: 'import',
          surface: p.record.surface ?? 'import',
          locale: p.notice.locale,
          collectedAt: new Date(Date.parse(p.record.collectedAt)),
          evidence: { ipTruncated: null, uaHash: null, gpc: p.record.gpc },
          actor: p.record.actor,
        });
        if (!event) throw new Error('import wrote no event');
        changed.add(subjectId);
        await tx.insert(schema.consentImports).values({
          propertyId: property.id,
          recordId: p.record.id,
          recordHash: p.hash,
          eventId: event.id,
          subjectId,
          provenance: p.record.provenance,
          importedAt: new Date(now),
        });
        results.push({ id: p.record.id, eventId: event.id, status: 'imported' });
      }
      const imported = results.filter((r) => r.status === 'imported').length;
      await recordAudit(
        tx,
        {
          actor,
          action: 'consent.import',
          target: 'consent_events',
          details: { imported, duplicates: results.length - imported },
        },
        now,
      );
      return { imported, duplicates: results.length - imported, results };
    });
  let body: Awaited<ReturnType<typeof run>>;
  try {
    body = await run();
  } catch (err) {
    // A concurrent import of the same record ids committed first: the retry sees duplicates.
    if ((err as { code?: string }).code !== '23505') throw err;
    body = await run();
  }
  void stateChanged(database, { subjects: changed });
  return c.json(body, 200);
});

/** Checks one record against the property's rules and finds its notice. */
function plan(
  record: ImportRecord,
  i: number,
  purposes: LoadedPurpose[],
  defaultLocale: string,
  now: number,
) {
  const at = Date.parse(record.collectedAt);
  if (at > now + 5 * 60_000)
    throw new ApiError('invalid_request', 'collectedAt is in the future.', [
      { path: `json.records.${i}.collectedAt`, message: 'in the future' },
    ]);
  const [violation] = checkDecisions(
    [
      {
        purpose: record.purpose,
        decision: record.decision,
        source: 'import',
        surface: record.surface,
      },
    ],
    new Map(purposes.map((p) => [p.row.key, p.rule])),
  );
  if (violation)
    throw new ApiError(violation.code, `records[${i}]: ${violation.code.replaceAll('_', ' ')}`, [
      { path: `json.records.${i}.purpose`, message: record.purpose, code: violation.code },
    ]);
  const purpose = purposes.find((p) => p.row.key === record.purpose);
  const notice =
    purpose &&
    (record.noticeVersion === undefined
      ? noticeFor(purpose, record.locale ?? defaultLocale, defaultLocale)
      : (purpose.notices.find(
          (n) =>
            n.version === record.noticeVersion && n.locale === (record.locale ?? defaultLocale),
        ) ?? purpose.notices.find((n) => n.version === record.noticeVersion)));
  if (!purpose || !notice)
    throw new ApiError(
      'notice_mismatch',
      `records[${i}]: no such notice version of ${record.purpose}.`,
    );
  return {
    record,
    purpose,
    notice,
    hash: createHash('sha256').update(canonicalJson(record)).digest('hex'),
  };
}
