// Notice text: canonical form and content hash (the exact text shown, REQUIREMENTS P1).
import { createHash } from 'node:crypto';

/** The fields of a notice for one purpose and locale (PIPL 17, 30; GDPR 13). */
export interface NoticeContent {
  title: string;
  description: string;
  /** How the data is processed. */
  methods: string;
  /** How long each data category is kept, in words. */
  retention: string;
  /** The personal data categories, in words (notices published from assent.config). */
  categories?: string;
  /** How to withdraw and exercise one's rights (notices published from assent.config). */
  rights?: string;
  /** The controller and its contact as the notice names them (PIPL 17; GDPR 13(1)(a)). */
  controller?: { name: string; contact: string };
  /** Required for sensitive purposes: why the data is needed (PIPL 30). */
  necessity?: string;
  /** Required for sensitive purposes: the impact on the person's rights (PIPL 30). */
  impact?: string;
}

/** JSON with object keys sorted at every depth, so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (lowercase hex, 64 chars) of the canonical JSON of a notice's content. */
export function noticeHash(content: NoticeContent | Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
