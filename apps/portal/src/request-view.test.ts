// The requests page's pure rules: words per type, status and timeline entry; when an erasure
// can still be cancelled; when the page keeps refreshing.
import { describe, expect, it } from 'vitest';
import { createTranslator } from './i18n/i18n.ts';
import { building, cancellable, eventKey, liftable, statusKey, typeKey } from './request-view.ts';

const now = Date.parse('2026-03-01T00:00:00Z');

describe('request view', () => {
  it('R5/R6: every type, status and timeline step has words in both languages', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const t = createTranslator(locale);
      for (const type of ['access', 'erasure', 'rectification', 'restriction'] as const)
        expect(t(typeKey({ type }))).not.toMatch(/^type\./);
      for (const status of [
        'received',
        'verified',
        'in_progress',
        'completed',
        'rejected',
        'cancelled',
        'lifted',
      ] as const)
        expect(t(statusKey({ status }))).not.toMatch(/^rstatus\./);
      for (const kind of [
        'received',
        'export_ready',
        'provider_answered',
        'overdue',
        'lifted',
        'something_new',
      ])
        expect(t(eventKey(kind))).not.toMatch(/^event\./);
    }
    expect(createTranslator('zh-CN')(statusKey({ status: 'rejected' }))).toBe('已拒绝');
  });

  it('R4: an erasure can be cancelled only while verified and before its cooling-off ends', () => {
    const later = '2026-03-08T00:00:00Z';
    expect(cancellable({ type: 'erasure', status: 'verified', executeAfter: later }, now)).toBe(
      true,
    );
    expect(
      cancellable({ type: 'erasure', status: 'verified', executeAfter: later }, Date.parse(later)),
    ).toBe(false);
    expect(cancellable({ type: 'erasure', status: 'in_progress', executeAfter: later }, now)).toBe(
      false,
    );
    expect(cancellable({ type: 'access', status: 'verified', executeAfter: null }, now)).toBe(
      false,
    );
  });

  it('R1: the page refreshes while a copy is being built', () => {
    expect(building([{ type: 'access', status: 'in_progress' }])).toBe(true);
    expect(
      building([
        { type: 'access', status: 'completed' },
        { type: 'erasure', status: 'verified' },
      ]),
    ).toBe(false);
  });

  it('GDPR 18: a restriction can be lifted while it is in force, and only then', () => {
    for (const status of ['verified', 'in_progress', 'completed'] as const)
      expect(liftable({ type: 'restriction', status })).toBe(true);
    for (const status of ['received', 'rejected', 'lifted'] as const)
      expect(liftable({ type: 'restriction', status })).toBe(false);
    expect(liftable({ type: 'erasure', status: 'verified' })).toBe(false);
  });
});
