// The facts about one purpose a person needs to decide (PIPL 17; GDPR 13): basis, data,
// retention, recipients.
import type { Purpose } from '@assent/contract/types';
import { h } from './h.ts';
import type { Strings } from './strings.ts';

/** A definition list of a purpose's legal basis, data categories, retention and recipients. */
export function purposeDetails(p: Purpose, t: Strings): HTMLElement {
  const row = (label: string, value: string) => [h('dt', null, label), h('dd', null, value)];
  return h(
    'dl',
    null,
    row(t.basis, t.bases[p.legalBasis]),
    p.dataCategories.length > 0 && row(t.data, p.dataCategories.map((c) => c.name).join(', ')),
    row(t.retention, p.notice.retention),
    row(
      t.recipients,
      p.recipients.length
        ? p.recipients.map((r) => (r.country ? `${r.name} (${r.country})` : r.name)).join(', ')
        : t.nobody,
    ),
  );
}
