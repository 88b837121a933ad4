import { describe, expect, it } from 'vitest';
import { errorFromResponse, isProblem } from './api.ts';

describe('errorFromResponse', () => {
  it('keeps the problem code of a problem+json body', () => {
    const body = {
      type: 'about:blank',
      title: 'Too many attempts',
      status: 429,
      code: 'too_many_attempts',
    };
    const e = errorFromResponse(429, body);
    expect(e.code).toBe('too_many_attempts');
    expect(e.status).toBe(429);
    expect(e.problem).toEqual(body);
  });

  it.each([
    [401, 'unauthorized'],
    [429, 'too_many_attempts'],
    [502, 'internal_error'],
  ])('derives a code from status %i when the body is not a problem', (status, code) => {
    expect(errorFromResponse(status, '<html>Bad gateway</html>').code).toBe(code);
    expect(errorFromResponse(status, null).code).toBe(code);
  });
});

describe('isProblem', () => {
  it('needs code, status and title', () => {
    expect(isProblem({ code: 'x', status: 400, title: 't' })).toBe(true);
    expect(isProblem({ code: 'x', status: '400', title: 't' })).toBe(false);
    expect(isProblem({ error: 'x' })).toBe(false);
    expect(isProblem(null)).toBe(false);
  });
});
