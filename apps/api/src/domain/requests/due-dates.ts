// Request deadlines by jurisdiction (REQUIREMENTS R5): each request gets `dueAt` (and, where
// the law asks for one, `ackDueAt`) from a table of business settings with legal defaults.
import { z } from 'zod';

export type RequestType = 'access' | 'erasure' | 'rectification' | 'restriction';

/** A span of time: calendar days, working days (Mon-Fri, UTC; no holiday calendar) or months. */
const Span = z.object({
  unit: z.enum(['days', 'working_days', 'months']),
  amount: z.number().int().min(1).max(365),
});
export type Span = z.infer<typeof Span>;

const Rule = z.object({
  /** Answer deadline for every type without its own entry. */
  answer: Span,
  /** Per-type answer deadlines, e.g. CN erasure. */
  byType: z
    .partialRecord(z.enum(['access', 'erasure', 'rectification', 'restriction']), Span)
    .optional(),
  /** Acknowledgement deadline (CA). */
  ack: Span.optional(),
});
const Table = z.record(z.string(), Rule);
export type DeadlineTable = z.infer<typeof Table>;

/**
 * Defaults: CN 15 working days for deletion, 30 days otherwise (PIPL 45-50, GB/T 35273 §8.7,
 * config); EU 1 month (GDPR 12(3)); US-CA acknowledge in 10 business days, answer in 45 days
 * (11 CCR §7021). Unknown jurisdictions use the strictest of these, `DEFAULT`.
 */
export const DEFAULT_DEADLINES: DeadlineTable = {
  CN: {
    answer: { unit: 'days', amount: 30 },
    byType: { erasure: { unit: 'working_days', amount: 15 } },
  },
  EU: { answer: { unit: 'months', amount: 1 } },
  'US-CA': { answer: { unit: 'days', amount: 45 }, ack: { unit: 'working_days', amount: 10 } },
  DEFAULT: { answer: { unit: 'days', amount: 30 } },
};

/**
 * The deadline table: the defaults merged with the `ASSENT_REQUEST_DEADLINES` JSON override.
 * @throws Error when the override is not valid JSON of the table's shape (fail closed at start).
 */
export function deadlineTable(override: string | undefined): DeadlineTable {
  if (!override) return DEFAULT_DEADLINES;
  const parsed = Table.safeParse(JSON.parse(override));
  if (!parsed.success) throw new Error(`ASSENT_REQUEST_DEADLINES: ${parsed.error.message}`);
  return { ...DEFAULT_DEADLINES, ...parsed.data };
}

const DAY = 86_400_000;

/** `from` (epoch ms) moved forward by a span; working days skip Saturdays and Sundays (UTC). */
export function addSpan(from: number, span: Span): number {
  if (span.unit === 'days') return from + span.amount * DAY;
  if (span.unit === 'months') {
    const d = new Date(from);
    const target = new Date(from);
    target.setUTCMonth(d.getUTCMonth() + span.amount);
    // 31 Jan + 1 month = end of February, not 3 March.
    if (target.getUTCDate() !== d.getUTCDate()) target.setUTCDate(0);
    return target.getTime();
  }
  let at = from;
  let left = span.amount;
  while (left > 0) {
    at += DAY;
    const day = new Date(at).getUTCDay();
    if (day !== 0 && day !== 6) left--;
  }
  return at;
}

/**
 * Normalises a property jurisdiction (`EU`, `DE`, `US-CA`, `CN`…) to a key of a per-jurisdiction
 * table: its own entry, else `EU` for an EU member state, `US-CA` for `CA`, else `DEFAULT`.
 */
export function jurisdictionKey(table: Record<string, unknown>, jurisdiction: string): string {
  const has = (key: string) => table[key] !== undefined;
  if (has(jurisdiction)) return jurisdiction;
  const eu = [
    'AT',
    'BE',
    'BG',
    'HR',
    'CY',
    'CZ',
    'DK',
    'EE',
    'FI',
    'FR',
    'DE',
    'GR',
    'HU',
    'IE',
    'IT',
    'LV',
    'LT',
    'LU',
    'MT',
    'NL',
    'PL',
    'PT',
    'RO',
    'SK',
    'SI',
    'ES',
    'SE',
  ];
  if (eu.includes(jurisdiction.toUpperCase()) && has('EU')) return 'EU';
  if (jurisdiction.toUpperCase() === 'CA' && has('US-CA')) return 'US-CA';
  return 'DEFAULT';
}

/**
 * Deadlines of a request received at `receivedAt` (epoch ms).
 * @returns `dueAt` (answer) and `ackDueAt` (acknowledgement, or null), epoch ms.
 */
export function dueDates(
  table: DeadlineTable,
  jurisdiction: string,
  type: RequestType,
  receivedAt: number,
): { dueAt: number; ackDueAt: number | null } {
  const rule = table[jurisdictionKey(table, jurisdiction)] ?? DEFAULT_DEADLINES.DEFAULT;
  if (!rule) throw new Error('no default deadline');
  const answer = rule.byType?.[type] ?? rule.answer;
  return {
    dueAt: addSpan(receivedAt, answer),
    ackDueAt: rule.ack ? addSpan(receivedAt, rule.ack) : null,
  };
}
