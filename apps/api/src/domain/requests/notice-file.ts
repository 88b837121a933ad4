// The exact notice text of one decision as a file the customer keeps (PIPL 17; GDPR 7(1), 13;
// REQUIREMENTS C7, P1): plain text or a self-contained HTML page carrying the notice version,
// its locale, the SHA-256 stored with the decision, the date decided, every field of the
// notice as stored, and the canonical JSON that hash is taken over, so anyone can re-check it.
import { canonicalJson } from '../notices.ts';

export interface NoticeFileInput {
  propertyName: string;
  purpose: string;
  eventId: string;
  decision: string;
  /** When the person decided (the consent event's `collectedAt`). */
  decidedAt: Date;
  notice: { id: string; version: number; locale: string; content: Record<string, unknown> };
  /** The SHA-256 stored with the consent event (P1). */
  hash: string;
}

/** The fields of a notice in reading order, with their English labels. */
const FIELDS: [string, string][] = [
  ['description', ''],
  ['methods', 'How it is processed'],
  ['categories', 'Data used'],
  ['retention', 'Kept for'],
  ['necessity', 'Why this data is necessary'],
  ['impact', 'Impact on your rights'],
  ['rights', 'Your rights'],
];

const text = (v: unknown) => (typeof v === 'string' ? v : '');

function controllerOf(content: Record<string, unknown>): string {
  const c = content.controller;
  if (!c || typeof c !== 'object') return '';
  const { name, contact } = c as { name?: unknown; contact?: unknown };
  return [text(name), text(contact)].filter(Boolean).join(', ');
}

function facts(f: NoticeFileInput): [string, string][] {
  return [
    ['Property', f.propertyName],
    ['Purpose', f.purpose],
    ['Decision', `${f.decision} on ${f.decidedAt.toISOString()} (UTC)`],
    ['Decision id', f.eventId],
    ['Notice', `${f.notice.id}, version ${f.notice.version}`],
    ['Locale', f.notice.locale],
    ['SHA-256', f.hash],
  ];
}

/** The notice as UTF-8 plain text. */
export function noticeText(f: NoticeFileInput): string {
  const c = f.notice.content;
  const lines = [
    `The notice you were shown, as stored with your decision`,
    '',
    ...facts(f).map(([k, v]) => `${k}: ${v}`),
    '',
    text(c.title),
    '',
    ...FIELDS.flatMap(([key, label]) =>
      text(c[key]) ? [label ? `${label}: ${text(c[key])}` : text(c[key]), ''] : [],
    ),
    ...(controllerOf(c) ? [`Controller: ${controllerOf(c)}`, ''] : []),
    'The SHA-256 above is taken over this canonical JSON of the notice:',
    canonicalJson(c),
    '',
  ];
  return lines.join('\n');
}

const esc = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The notice as a self-contained HTML page (no scripts; every value escaped). */
export function noticeHtml(f: NoticeFileInput): string {
  const c = f.notice.content;
  const body = FIELDS.filter(([key]) => text(c[key]))
    .map(([key, label]) =>
      label ? `<h2>${esc(label)}</h2>\n<p>${esc(c[key])}</p>` : `<p>${esc(c[key])}</p>`,
    )
    .join('\n');
  const ctrl = controllerOf(c);
  return `<!doctype html>
<html lang="${esc(f.notice.locale)}"><head><meta charset="utf-8"><title>${esc(text(c.title))} (notice version ${esc(f.notice.version)})</title></head>
<body>
<h1>${esc(text(c.title))}</h1>
${body}
${ctrl ? `<p>Controller: ${esc(ctrl)}</p>` : ''}
<hr>
<h2 lang="en">As stored with your decision</h2>
<dl lang="en">
${facts(f)
  .map(
    ([k, v]) => `<dt>${esc(k)}</dt><dd>${k === 'SHA-256' ? `<code>${esc(v)}</code>` : esc(v)}</dd>`,
  )
  .join('\n')}
</dl>
<p lang="en">The SHA-256 above is taken over this canonical JSON of the notice:</p>
<pre>${esc(canonicalJson(c))}</pre>
</body></html>
`;
}
