// First-party cookies: the registrable domain to write them on (public-suffix aware, via the
// browser's own list), the consent copy cookie, and clean-up of a withdrawn purpose's cookies.
import type { CookieJar } from './device.ts';
import type { ConsentMap } from './emitter.ts';

export const STATE_COOKIE = 'assent_consent';
const PROBE = 'assent_probe';

/**
 * The registrable domain of `host` ("eTLD+1"): `shop.example.co.uk` → `example.co.uk`.
 * Browsers refuse a cookie whose Domain is a public suffix (they ship the public-suffix
 * list), so the shortest suffix on which a probe cookie sticks is the registrable domain;
 * nothing is ever written on `.co.uk`. The widget carries no copy of the list (bytes).
 * @returns undefined for localhost, IP addresses, or when no probe sticks (host-only cookies)
 */
export function registrableDomain(host: string, jar: CookieJar): string | undefined {
  if (!host.includes('.') || /^[\d.]+$|:/.test(host)) return undefined;
  const labels = host.split('.');
  for (let i = labels.length - 2; i >= 0; i--) {
    const domain = labels.slice(i).join('.');
    jar.set(`${PROBE}=1; Domain=${domain}; Path=/; SameSite=Lax`);
    if (readCookie(jar, PROBE) === '1') {
      jar.set(`${PROBE}=; Domain=${domain}; Path=/; Max-Age=0`);
      return domain;
    }
  }
  return undefined;
}

/** The value of cookie `name`, or undefined. */
export function readCookie(jar: CookieJar, name: string): string | undefined {
  for (const c of jar.get().split(/;\s*/)) {
    const eq = c.indexOf('=');
    if (c.slice(0, eq) === name) return c.slice(eq + 1);
  }
  return undefined;
}

/** `; Domain=…` for `domain`, or nothing for a host-only cookie. */
export const domainAttr = (domain: string | undefined): string =>
  domain ? `; Domain=${domain}` : '';

/**
 * Writes the consent copy cookie `assent_consent` (`analytics:1|ads:0`, URL-safe), so the
 * product's server can read the choice on the first request. 400 days, Lax.
 */
export function writeStateCookie(jar: CookieJar, consent: ConsentMap, domain?: string): void {
  const value = Object.entries(consent)
    .map(([k, v]) => `${k}:${v ? 1 : 0}`)
    .join('|');
  jar.set(`${STATE_COOKIE}=${value}; Max-Age=34560000; Path=/; SameSite=Lax${domainAttr(domain)}`);
}

/**
 * Deletes cookies of purposes that are not granted, by name pattern (`*` is a wildcard, e.g.
 * `_ga*`), on the host and on `domain`. A withdrawal cannot call back what was sent, but the
 * identifiers stop being there to read (GDPR 7(3); PIPL 15).
 * @param patterns  purpose key → cookie name patterns
 * @returns the names deleted
 */
export function cleanCookies(
  jar: CookieJar,
  consent: ConsentMap,
  patterns: Record<string, string[]>,
  domain?: string,
): string[] {
  const deleted: string[] = [];
  const names = jar
    .get()
    .split(/;\s*/)
    .map((c) => c.split('=')[0] ?? '');
  for (const [purpose, list] of Object.entries(patterns)) {
    if (consent[purpose]) continue;
    const re = new RegExp(
      `^(${list.map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')).join('|')})$`,
    );
    for (const name of names) {
      if (!name || !re.test(name)) continue;
      for (const d of [undefined, domain]) jar.set(`${name}=; Max-Age=0; Path=/${domainAttr(d)}`);
      deleted.push(name);
    }
  }
  return deleted;
}
