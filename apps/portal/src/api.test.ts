import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorFromResponse, isProblem, startSignIn, startStepUp } from './api.ts';

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

describe('startSignIn', () => {
  afterEach(() => vi.unstubAllGlobals());

  /** Stubs fetch with a 202 answer; @returns the parsed JSON body of each request sent. */
  function captureBodies() {
    const bodies: unknown[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)));
      return new Response('{"ok":true}', { status: 202 });
    });
    return bodies;
  }

  it('sends the UI locale so the code email is written in it', async () => {
    const bodies = captureBodies();
    await startSignIn('mei@example.com', 'zh-CN');
    expect(bodies).toEqual([{ email: 'mei@example.com', locale: 'zh-CN' }]);
  });

  it('leaves an empty locale out (the API then writes English)', async () => {
    const bodies = captureBodies();
    await startSignIn('mei@example.com', '');
    expect(bodies).toEqual([{ email: 'mei@example.com' }]);
  });
});

describe('startStepUp', () => {
  afterEach(() => vi.unstubAllGlobals());

  /** Stubs fetch with a 202 answer; @returns the URL, CSRF header and parsed body of each request. */
  function captureRequests() {
    const requests: { url: string; csrf: string | undefined; body: unknown }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      requests.push({
        url,
        csrf: headers['X-Requested-With'],
        body: JSON.parse(String(init.body)),
      });
      return new Response('{"ok":true}', { status: 202 });
    });
    return requests;
  }

  it('sends the UI locale so the step-up code email is written in it', async () => {
    const requests = captureRequests();
    await startStepUp('zh-CN');
    expect(requests).toEqual([
      {
        url: expect.stringMatching(/\/step-up\/start$/),
        csrf: 'assent-portal',
        body: { locale: 'zh-CN' },
      },
    ]);
  });

  it('sends {} without a locale or with an empty one (the API then writes English)', async () => {
    const requests = captureRequests();
    await startStepUp('');
    await startStepUp();
    expect(requests.map((r) => r.body)).toEqual([{}, {}]);
  });
});
