// SSR safety: importing the package (and the script build's entry) on a server touches no DOM.
import { describe, expect, it } from 'vitest';

describe('SSR', () => {
  it('imports without a document, window or localStorage, and does not auto-start', async () => {
    expect(typeof document).toBe('undefined');
    const sdk = await import('./embed.ts');
    expect(typeof sdk.init).toBe('function');
    expect(typeof sdk.createCore).toBe('function');
    expect(() => sdk.autoStart()).not.toThrow();
    const core = await import('./core.ts');
    expect(core.evaluate('a or b', (k) => k === 'b')).toBe(true);
  });
});
