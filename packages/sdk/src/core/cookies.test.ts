import { describe, expect, it } from 'vitest';
import { cleanCookies, readCookie, registrableDomain, writeStateCookie } from './cookies.ts';
import type { CookieJar } from './device.ts';

const SUFFIXES = new Set(['uk', 'co.uk', 'com', 'github.io', 'cn', 'com.cn']);

/** A cookie jar that behaves like a browser: no cookie on a public suffix, Max-Age=0 deletes. */
function browserJar(host: string): CookieJar & { writes: string[]; domains: Map<string, string> } {
  const jar = new Map<string, string>();
  const domains = new Map<string, string>();
  const writes: string[] = [];
  return {
    writes,
    domains,
    get: () => [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
    set(cookie) {
      writes.push(cookie);
      const [pair = '', ...attrs] = cookie.split(/;\s*/);
      const [name = '', value = ''] = pair.split('=');
      const domain = attrs.find((a) => a.startsWith('Domain='))?.slice(7);
      if (domain && (SUFFIXES.has(domain) || !`.${host}`.endsWith(`.${domain}`))) return;
      if (attrs.includes('Max-Age=0')) jar.delete(name);
      else {
        jar.set(name, value);
        domains.set(name, domain ?? host);
      }
    },
  };
}

describe('registrableDomain', () => {
  it.each([
    ['shop.example.co.uk', 'example.co.uk'],
    ['www.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['me.github.io', 'me.github.io'],
    ['a.b.shop.com.cn', 'shop.com.cn'],
  ])('%s → %s, never a public suffix', (host, want) => {
    const jar = browserJar(host);
    expect(registrableDomain(host, jar)).toBe(want);
    expect(readCookie(jar, 'assent_probe')).toBeUndefined();
    expect(
      jar.writes.some(
        (w) => /Domain=(co\.uk|uk|com|com\.cn|github\.io);/.test(w) && !w.includes('probe'),
      ),
    ).toBe(false);
  });

  it.each(['localhost', '127.0.0.1', '[::1]'])('%s gets host-only cookies', (host) => {
    const jar = browserJar(host);
    expect(registrableDomain(host, jar)).toBeUndefined();
    expect(jar.writes).toEqual([]);
  });
});

describe('state cookie and clean-up', () => {
  it('writes the consent copy on the registrable domain', () => {
    const jar = browserJar('shop.example.co.uk');
    writeStateCookie(jar, { analytics: true, ads: false }, 'example.co.uk');
    expect(readCookie(jar, 'assent_consent')).toBe('analytics:1|ads:0');
    expect(jar.domains.get('assent_consent')).toBe('example.co.uk');
  });

  it('deletes only the cookies of purposes not granted, by pattern', () => {
    const jar = browserJar('example.com');
    for (const n of ['_ga', '_ga_ABC', '_gid', 'cart', '_fbp']) jar.set(`${n}=1; Path=/`);
    const deleted = cleanCookies(
      jar,
      { analytics: false, ads: true },
      { analytics: ['_ga*', '_gid'], ads: ['_fbp'] },
      'example.com',
    );
    expect(deleted.sort()).toEqual(['_ga', '_ga_ABC', '_gid']);
    expect(jar.get()).toBe('cart=1; _fbp=1');
  });
});
