// How a purpose, its notice and its state are shown to the widget and the portal (one shape,
// the contract's `Purpose`), so both always describe a purpose the same way.
import type { ConsentState } from '@assent/policy';
import { stateView } from './consents.ts';
import { contentOf, type LoadedPurpose, type NoticeRow } from './properties.ts';

/** A notice version as served: id, version, locale, SHA-256 of the exact text, and the text. */
export function noticeView(n: NoticeRow) {
  return { id: n.id, version: n.version, locale: n.locale, hash: n.contentHash, ...contentOf(n) };
}

interface StoredCategory {
  name: string;
  names?: Record<string, string>;
  level: 'L1' | 'L2' | 'L3';
  retentionDays?: number;
}

/** Data categories named in `locale` (`names[locale]`, else the default `name`). */
export function localCategories(stored: unknown, locale: string) {
  return (stored as StoredCategory[]).map(({ names, ...c }) => ({
    ...c,
    name: names?.[locale] ?? c.name,
  }));
}

/** A purpose with the notice shown, without its state (the part fixed by the configuration). */
export function purposeFixedView(p: LoadedPurpose, notice: NoticeRow) {
  return {
    key: p.row.key,
    legalBasis: p.row.legalBasis as
      | 'consent'
      | 'contract'
      | 'legal_obligation'
      | 'legitimate_interest',
    category: p.row.category,
    necessary: p.row.necessary,
    sensitive: p.row.sensitive,
    sensitiveCategory: p.row.sensitive ? (p.row.sensitiveCategory ?? null) : null,
    separateConsent: p.rule.separateConsent,
    gpcOptOut: p.row.gpcOptOut,
    reconfirmAfterDays: p.row.reconfirmAfterDays,
    retentionDays: p.row.retentionDays,
    dataCategories: localCategories(p.row.dataCategories, notice.locale),
    recipients: p.row.recipients,
    notice: noticeView(notice),
  };
}

/** A purpose with the notice shown and what holds now (contract `Purpose`). */
export function purposeView(p: LoadedPurpose, notice: NoticeRow, state: ConsentState) {
  return { ...purposeFixedView(p, notice), state: stateView(state) };
}
