// Access and portability (PIPL 44, 45; GDPR 15, 20; REQUIREMENTS R1, R2): the export of one
// subject, as versioned JSON (schema `assent-export/1`, documented in apps/portal/EXPORT.md),
// a CSV of the consent history and a human-readable HTML summary.
import { type Db, schema } from '@assent/db';
import { asc, eq, inArray } from 'drizzle-orm';
import { localCategories } from '../purpose-view.ts';
import { buildReceipt, type ReceiptOptions } from '../receipts/build-receipt.ts';
import { historySubjects, subjectsByIds } from '../subjects.ts';
import { callsOf } from './providers.ts';
import { type Conn, requestsOf } from './requests.ts';

export const EXPORT_SCHEMA = 'assent-export/1';

/**
 * Builds the JSON document of everything Assent holds about one subject (and its merged devices).
 * @param receipts signing options; its `keyring` (`deps.keyring`) also opens the subject's
 *   email and external id.
 */
export async function exportDocument(
  db: Conn,
  subjectId: string,
  requestId: string,
  now: number,
  receipts: Omit<ReceiptOptions, 'now'>,
) {
  const ids = await historySubjects(db, subjectId);
  const [subject] = await subjectsByIds(db, [subjectId], receipts.keyring);
  if (!subject) throw new Error('subject not found');
  const [property] = await db
    .select()
    .from(schema.properties)
    .where(eq(schema.properties.id, subject.propertyId));
  const [profile] = await db
    .select()
    .from(schema.subjectProfiles)
    .where(eq(schema.subjectProfiles.subjectId, subjectId));
  const purposes = await db
    .select()
    .from(schema.purposes)
    .where(eq(schema.purposes.propertyId, subject.propertyId))
    .orderBy(asc(schema.purposes.position));
  const events = await db
    .select({ e: schema.consentEvents, n: schema.notices })
    .from(schema.consentEvents)
    .innerJoin(schema.notices, eq(schema.notices.id, schema.consentEvents.noticeId))
    .where(inArray(schema.consentEvents.subjectId, ids))
    .orderBy(asc(schema.consentEvents.collectedAt), asc(schema.consentEvents.id));
  const keyOf = new Map(purposes.map((p) => [p.id, p.key]));
  // The signed receipt of every decision (Kantara Consent Receipt; REQUIREMENTS P4).
  const signed = new Map<string, string>();
  for (const { e } of events) {
    const r = await buildReceipt(db as Db, e.id, { ...receipts, now });
    if (r) signed.set(e.id, r.jws);
  }
  const requests = await requestsOf(db, [subjectId]);
  const calls = await callsOf(db, [requestId]);
  return {
    schema: EXPORT_SCHEMA,
    generatedAt: new Date(now).toISOString(),
    requestId,
    controller: property?.controller ?? null,
    property: property ? { id: property.id, name: property.name } : null,
    subject: {
      id: subject.id,
      externalId: subject.externalId,
      email: subject.email,
      createdAt: subject.createdAt.toISOString(),
    },
    profile: profile ? { name: profile.name, phone: profile.phone } : null,
    purposes: purposes.map((p) => ({
      key: p.key,
      legalBasis: p.legalBasis,
      category: p.category,
      sensitive: p.sensitive,
      separateConsent: p.separateConsent,
      dataCategories: localCategories(p.dataCategories, ''),
      retentionDays: p.retentionDays,
      recipients: p.recipients,
    })),
    consentEvents: events.map(({ e, n }) => ({
      id: e.id,
      purpose: keyOf.get(e.purposeId) ?? e.purposeId,
      decision: e.decision,
      source: e.source,
      surface: e.surface,
      actor: e.actor,
      collectedAt: e.collectedAt.toISOString(),
      expiresAt: e.expiresAt?.toISOString() ?? null,
      locale: e.locale,
      jurisdiction: e.jurisdiction,
      gpc: e.gpc,
      ipTruncated: e.ipTruncated,
      notice: { version: n.version, locale: n.locale, hash: e.noticeHash, content: n.content },
      receipt: signed.get(e.id) ?? null,
    })),
    requests: requests.map((r) => ({
      id: r.id,
      type: r.type,
      status: r.status,
      receivedAt: r.receivedAt.toISOString(),
      dueAt: r.dueAt.toISOString(),
      closedAt: r.closedAt?.toISOString() ?? null,
      reason: r.reason,
    })),
    productSystems: calls.map((c) => ({
      provider: c.name,
      status: c.status,
      answeredAt: c.answeredAt?.toISOString() ?? null,
      data: c.result ?? null,
    })),
  };
}

export type ExportDocument = Awaited<ReturnType<typeof exportDocument>>;

const CSV_COLUMNS = [
  'event_id',
  'collected_at',
  'purpose',
  'decision',
  'source',
  'surface',
  'notice_version',
  'notice_hash',
  'locale',
  'jurisdiction',
  'expires_at',
  'gpc',
] as const;

/** RFC 4180 field: quoted when it holds a comma, quote or line break; formula prefixes neutralised. */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The consent history as CSV (one row per event, header first, CRLF line ends). */
export function exportCsv(doc: ExportDocument): string {
  const rows = doc.consentEvents.map((e) =>
    [
      e.id,
      e.collectedAt,
      e.purpose,
      e.decision,
      e.source,
      e.surface,
      e.notice.version,
      e.notice.hash,
      e.locale,
      e.jurisdiction,
      e.expiresAt,
      e.gpc,
    ]
      .map(csvField)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

const esc = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained, human-readable HTML summary of the export (no scripts, escaped text). */
export function exportHtml(doc: ExportDocument): string {
  const title = (c: unknown) =>
    c && typeof c === 'object' && 'title' in c ? (c as { title: unknown }).title : '';
  const body = (c: unknown) =>
    c && typeof c === 'object' && 'description' in c
      ? (c as { description: unknown }).description
      : '';
  const events = doc.consentEvents
    .map(
      (e) =>
        `<tr><td>${esc(e.collectedAt)}</td><td>${esc(e.purpose)}</td><td>${esc(e.decision)}</td><td>${esc(e.source)}</td><td>v${esc(e.notice.version)}: <strong>${esc(title(e.notice.content))}</strong><br>${esc(body(e.notice.content))}</td></tr>`,
    )
    .join('\n');
  const purposes = doc.purposes
    .map(
      (p) =>
        `<li><strong>${esc(p.key)}</strong>: ${esc(p.legalBasis)}; kept ${esc(p.retentionDays)} days; shared with ${esc(p.recipients.map((r) => r.name).join(', ') || 'no one')}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Your data at ${esc(doc.property?.name)}</title></head>
<body>
<h1>Your data at ${esc(doc.property?.name)}</h1>
<p>Generated ${esc(doc.generatedAt)} for request ${esc(doc.requestId)}. Controller: ${esc(doc.controller?.name)} (${esc(doc.controller?.contact)}).</p>
<h2>Profile</h2>
<p>User id: ${esc(doc.subject.externalId)}; email: ${esc(doc.subject.email)}; name: ${esc(doc.profile?.name)}; phone: ${esc(doc.profile?.phone)}</p>
<h2>Purposes</h2>
<ul>${purposes}</ul>
<h2>Consent history</h2>
<table><thead><tr><th>When (UTC)</th><th>Purpose</th><th>Decision</th><th>Where</th><th>Notice</th></tr></thead>
<tbody>${events}</tbody></table>
<h2>Requests</h2>
<ul>${doc.requests.map((r) => `<li>${esc(r.type)}: ${esc(r.status)} (received ${esc(r.receivedAt)})</li>`).join('')}</ul>
<h2>Product systems</h2>
<ul>${doc.productSystems.map((p) => `<li>${esc(p.provider)}: ${esc(p.status)}</li>`).join('')}</ul>
</body></html>
`;
}
