import { describe, expect, it } from 'vitest';
import { evaluate } from './expression.ts';

const granted = new Set(['analytics', 'ads']);
const has = (k: string) => granted.has(k);

describe('evaluate', () => {
  it.each([
    ['analytics', true],
    ['marketing', false],
    ['analytics and ads', true],
    ['analytics && marketing', false],
    ['analytics ads', true],
    ['analytics,marketing', false],
    ['marketing or ads', true],
    ['marketing || face_login', false],
    ['not marketing', true],
    ['!analytics', false],
    ['analytics and not marketing', true],
    ['(marketing or analytics) and !face_login', true],
    ['not (analytics and ads)', false],
    ['marketing or analytics and ads', true],
  ])('%s → %s', (expr, want) => {
    expect(evaluate(expr, has)).toBe(want);
  });

  it.each(['', '   ', 'analytics and', '(analytics', 'analytics)', 'or ads', 'a & b', 'not'])(
    'fails closed on malformed %j',
    (expr) => {
      expect(evaluate(expr, () => true)).toBe(false);
    },
  );
});
