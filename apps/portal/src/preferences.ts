// The language choice kept in localStorage; storage may be unavailable (private mode, policy),
// in which case the choice lasts for the page only.
import { isLocale, type Locale } from './i18n/i18n.ts';

const KEY = 'assent.portal.locale';

/** The stored locale, or null when none (or storage is blocked). */
export function loadLocale(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Remembers the locale the person chose; ignores storage failures. */
export function saveLocale(locale: Locale): void {
  try {
    if (isLocale(locale)) localStorage.setItem(KEY, locale);
  } catch {
    // Storage blocked: the choice still applies to this page.
  }
}
