// Deadlines by jurisdiction (R5) and the request-record retention setting (R8), table-driven.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../env.ts';
import { addSpan, DEFAULT_DEADLINES, deadlineTable, dueDates } from './due-dates.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().slice(0, 10));

describe('R5: due dates by jurisdiction', () => {
  // Received on Monday 2026-03-02.
  const received = at('2026-03-02T09:00:00Z');
  it.each([
    ['CN', 'erasure', '2026-03-23', null], // 15 working days (3 weekends skipped)
    ['CN', 'access', '2026-04-01', null], // 30 days
    ['CN', 'rectification', '2026-04-01', null],
    ['EU', 'access', '2026-04-02', null], // one month
    ['DE', 'erasure', '2026-04-02', null], // an EU member state uses the EU rule
    ['US-CA', 'access', '2026-04-16', '2026-03-16'], // 45 days; acknowledge in 10 business days
    ['BR', 'access', '2026-04-01', null], // unknown: the 30-day default
  ] as const)('%s %s → due %s (ack %s)', (jurisdiction, type, due, ack) => {
    const d = dueDates(DEFAULT_DEADLINES, jurisdiction, type, received);
    expect(iso(d.dueAt)).toBe(due);
    expect(iso(d.ackDueAt)).toBe(ack);
  });

  it('R5: one month from 31 January ends on the last day of February', () => {
    expect(iso(addSpan(at('2026-01-31T00:00:00Z'), { unit: 'months', amount: 1 }))).toBe(
      '2026-02-28',
    );
  });

  it('R5: deadlines are configuration; an invalid override fails closed', () => {
    const table = deadlineTable(JSON.stringify({ CN: { answer: { unit: 'days', amount: 10 } } }));
    expect(iso(dueDates(table, 'CN', 'erasure', received).dueAt)).toBe('2026-03-12');
    expect(() => deadlineTable('{"CN":{"answer":{"unit":"weeks","amount":1}}}')).toThrow();
  });
});

describe('R8: request records are kept at least 24 months', () => {
  it('R8: the default keeps them 3 years; a setting under 24 months stops start-up', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).requests.retentionDays).toBe(1095);
    expect(() => loadConfig({ NODE_ENV: 'test', ASSENT_REQUEST_RETENTION_DAYS: '700' })).toThrow(
      /ASSENT_REQUEST_RETENTION_DAYS/,
    );
  });
});
