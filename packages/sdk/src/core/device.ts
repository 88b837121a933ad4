// The device id: made once, kept in localStorage `assent:device` and the first-party cookie
// `assent_device` (400 days, the longest lifetime browsers allow), so either can restore it.
import { domainAttr, readCookie } from './cookies.ts';
import { newDeviceId } from './ids.ts';
import type { KeyValueStorage } from './storage.ts';

export const DEVICE_KEY = 'assent:device';
export const DEVICE_COOKIE = 'assent_device';
const COOKIE_MAX_AGE_S = 400 * 24 * 60 * 60;
const VALID = /^[A-Za-z0-9_-]{22,64}$/;

/** Read/write access to `document.cookie`, injected so the core stays DOM-free in tests. */
export interface CookieJar {
  get(): string;
  set(cookie: string): void;
}

/** `document.cookie` when there is a document, else undefined (SSR, workers). */
export function documentCookies(): CookieJar | undefined {
  if (typeof document === 'undefined') return undefined;
  return {
    get: () => {
      try {
        return document.cookie;
      } catch {
        return '';
      }
    },
    set: (cookie) => {
      try {
        // biome-ignore lint/suspicious/noDocumentCookie: Cookie Store API is not in every browser yet
        document.cookie = cookie;
      } catch {
        // Cookies blocked: localStorage or memory keeps the id for this page.
      }
    },
  };
}

/**
 * Returns this device's id, creating and persisting one on first use.
 * Looks in storage, then the cookie; writes the id back to both so they heal each other.
 * @param domain  cookie Domain (the registrable domain, see `registrableDomain`); host-only when absent
 * @param server  the API sets the cookie itself (`serverCookie`): the cookie wins over storage
 *   and is never written from script (that would bring back Safari's 7-day cap)
 * @returns a base64url id of at least 22 characters (128 bits)
 */
export function deviceId(
  storage: KeyValueStorage,
  cookies: CookieJar | undefined,
  domain?: string,
  server = false,
): string {
  const fromCookie = cookies && readCookie(cookies, DEVICE_COOKIE);
  const stored = storage.get(DEVICE_KEY);
  const id =
    (server ? [fromCookie, stored] : [stored, fromCookie]).find(
      (v): v is string => !!v && VALID.test(v),
    ) ?? newDeviceId();
  storage.set(DEVICE_KEY, id);
  if (!server)
    cookies?.set(
      `${DEVICE_COOKIE}=${id}; Max-Age=${COOKIE_MAX_AGE_S}; Path=/; SameSite=Lax${domainAttr(domain)}${
        typeof location !== 'undefined' && location.protocol === 'https:' ? '; Secure' : ''
      }`,
    );
  return id;
}
