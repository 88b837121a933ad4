import { describe, expect, it } from 'vitest';
import { memoryStorage, readJson, safeStorage, type WebStorageLike, writeJson } from './storage.ts';

function fakeWeb(): WebStorageLike & { data: Map<string, string>; broken: boolean } {
  const data = new Map<string, string>();
  const web = {
    data,
    broken: false,
    getItem(k: string) {
      if (web.broken) throw new DOMException('blocked', 'SecurityError');
      return data.get(k) ?? null;
    },
    setItem(k: string, v: string) {
      if (web.broken) throw new DOMException('quota', 'QuotaExceededError');
      data.set(k, v);
    },
    removeItem(k: string) {
      if (web.broken) throw new DOMException('blocked', 'SecurityError');
      data.delete(k);
    },
  };
  return web;
}

describe('safeStorage', () => {
  it('writes through to Web Storage when it works', () => {
    const web = fakeWeb();
    safeStorage(web).set('assent:device', 'abc');
    expect(web.data.get('assent:device')).toBe('abc');
  });

  it('falls back to memory without throwing when Web Storage is blocked from the start', () => {
    const web = fakeWeb();
    web.broken = true;
    const s = safeStorage(web);
    expect(() => s.set('k', 'v')).not.toThrow();
    expect(s.get('k')).toBe('v');
    s.remove('k');
    expect(s.get('k')).toBeNull();
  });

  it('keeps working from memory when Web Storage starts throwing later', () => {
    const web = fakeWeb();
    const s = safeStorage(web);
    s.set('assent:consents', '{"a":1}');
    web.broken = true;
    expect(() => s.set('assent:queue', '[]')).not.toThrow();
    expect(s.get('assent:queue')).toBe('[]');
    expect(s.get('assent:consents')).toBe('{"a":1}');
  });

  it('works with no Web Storage at all (SSR, Node)', () => {
    const s = safeStorage(undefined);
    s.set('k', 'v');
    expect(s.get('k')).toBe('v');
  });

  it('reads corrupt JSON as the fallback instead of throwing', () => {
    const s = memoryStorage();
    s.set('assent:queue', '{not json');
    expect(readJson(s, 'assent:queue', [])).toEqual([]);
    writeJson(s, 'assent:queue', [1]);
    expect(readJson(s, 'assent:queue', [])).toEqual([1]);
  });
});
