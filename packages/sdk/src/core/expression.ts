// Consent expressions for `has()` and `data-purpose`: purpose keys combined with AND / OR /
// NOT and parentheses, e.g. `analytics and not personalized_ads`, `(a || b) && !c`.
// Keys written side by side or with commas mean AND, so `data-purpose="a b"` needs both.

const TOKENS = /\s*(\(|\)|&&|\|\||!|,|[\w.:-]+)/y;

/**
 * Evaluates `expr` with `has(key)` for each purpose key. Operators: `and`/`&&`/`,`/space,
 * `or`/`||`, `not`/`!`, parentheses; NOT binds tightest, then AND, then OR.
 * A malformed expression is false (fail closed: nothing runs on a typo).
 * @example evaluate('analytics and not ads', (k) => k === 'analytics') // true
 */
export function evaluate(expr: string, has: (key: string) => boolean): boolean {
  const tokens: string[] = [];
  let end = 0;
  TOKENS.lastIndex = 0;
  for (let m = TOKENS.exec(expr); m; m = TOKENS.exec(expr)) {
    tokens.push(m[1] ?? '');
    end = TOKENS.lastIndex;
  }
  if (expr.slice(end).trim() || !tokens.length) return false;
  let i = 0;
  const peek = () => tokens[i];
  const isOr = (t?: string) => t === 'or' || t === '||';
  const isAnd = (t?: string) => t === 'and' || t === '&&' || t === ',';
  const unary = (): boolean => {
    const t = tokens[i++];
    if (t === 'not' || t === '!') return !unary();
    if (t === '(') {
      const v = or();
      if (tokens[i++] !== ')') throw 0;
      return v;
    }
    if (!t || t === ')' || isOr(t) || isAnd(t)) throw 0;
    return has(t);
  };
  const and = (): boolean => {
    let v = unary();
    while (i < tokens.length && !isOr(peek()) && peek() !== ')') {
      if (isAnd(peek())) i++;
      v = unary() && v;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (isOr(peek())) {
      i++;
      v = and() || v;
    }
    return v;
  };
  try {
    const v = or();
    return i === tokens.length && v;
  } catch {
    return false;
  }
}
