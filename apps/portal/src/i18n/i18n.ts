// Locale choice, message lookup with English fallback, and date formatting. Pure: the caller
// passes in what the browser knows (stored choice, navigator.languages).
import { en, type MessageKey, type Messages, zhCN } from './messages.ts';

/** The locales the portal ships, in the order the language switch lists them. */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** The locale used when nothing else matches, and the dictionary every lookup falls back to. */
export const DEFAULT_LOCALE: Locale = 'en';

/** Names of the locales in their own language, for the language switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

const dictionaries: Record<Locale, Partial<Messages>> = { en, 'zh-CN': zhCN };

/** True when `value` is one of the shipped locales (exact tag). */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * Picks the UI locale: a stored explicit choice wins; otherwise the first browser language
 * whose primary subtag we ship (`zh`, `zh-TW`, `zh-Hans-CN` → `zh-CN`; `en-GB` → `en`);
 * otherwise `en`.
 * @param stored the value kept in localStorage, or null.
 * @param preferred `navigator.languages` (BCP 47 tags, most preferred first).
 */
export function negotiateLocale(stored: string | null, preferred: readonly string[]): Locale {
  if (isLocale(stored)) return stored;
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    const match = LOCALES.find((l) => l.toLowerCase().split('-')[0] === primary);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}

/** Fills `{name}` placeholders; unknown placeholders stay visible so a missing value is noticed. */
export function interpolate(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/**
 * A translator for one locale: the locale's message, else the fallback dictionary's (English),
 * else the key itself, so a gap shows as text rather than an empty control.
 * @param dicts per-locale dictionaries (partial: a locale may lag behind English).
 */
export function createTranslator(
  locale: Locale,
  dicts: Record<Locale, Partial<Messages>> = dictionaries,
): Translate {
  const own = dicts[locale];
  const fallback = dicts[DEFAULT_LOCALE];
  return (key, vars) => interpolate(own[key] ?? fallback[key] ?? key, vars);
}

/**
 * A date in the reader's locale, e.g. `29 Nov 2026` / `2026年11月29日`.
 * @param iso an ISO 8601 timestamp from the API; null or unparsable → null.
 */
export function formatDate(iso: string | null, locale: Locale): string | null {
  if (!iso) return null;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return null;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(time);
}
