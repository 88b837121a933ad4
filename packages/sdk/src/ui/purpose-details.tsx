// The facts about one purpose a person needs to decide (PIPL 17; GDPR 13): basis, data,
// retention, recipients.
import type { Purpose } from '@assent/contract/types';
import type { Strings } from './strings.ts';

/** A definition list of a purpose's legal basis, data categories, retention and recipients. */
export function PurposeDetails({ p, t }: { p: Purpose; t: Strings }) {
  return (
    <dl>
      <dt>{t.basis}</dt>
      <dd>{t.bases[p.legalBasis]}</dd>
      {p.dataCategories.length > 0 && <dt>{t.data}</dt>}
      {p.dataCategories.length > 0 && <dd>{p.dataCategories.map((c) => c.name).join(', ')}</dd>}
      <dt>{t.retention}</dt>
      <dd>{p.notice.retention}</dd>
      <dt>{t.recipients}</dt>
      <dd>
        {p.recipients.length
          ? p.recipients.map((r) => (r.country ? `${r.name} (${r.country})` : r.name)).join(', ')
          : t.nobody}
      </dd>
    </dl>
  );
}
