// Locale resolution: data-locale, then <html lang>, then the browser, each falling back
// `xx-YY → xx → en`; the resolved tag is also the one requested from the API.

/** Normalises a BCP 47 tag's case: `zh-cn` → `zh-CN`, `EN` → `en`; `_` becomes `-`. */
export function normalizeLocale(tag: string): string {
  const [lang = '', ...rest] = tag.trim().replace(/_/g, '-').split('-');
  return [lang.toLowerCase(), ...rest.map((p) => (p.length === 2 ? p.toUpperCase() : p))].join('-');
}

/**
 * The first candidate the widget supports, trying each candidate as given, then its language
 * alone, then a supported regional variant of that language (`zh` → `zh-CN`).
 * @param candidates  in priority order; empty or missing ones are skipped
 * @param supported   the locales with built-in strings, e.g. `['en', 'zh-CN']`
 * @param fallback    when nothing matches (default `en`)
 */
export function resolveLocale(
  candidates: readonly (string | null | undefined)[],
  supported: readonly string[],
  fallback = 'en',
): string {
  for (const raw of candidates) {
    if (!raw) continue;
    const tag = normalizeLocale(raw);
    if (supported.includes(tag)) return tag;
    const lang = tag.split('-')[0] ?? '';
    if (supported.includes(lang)) return lang;
    const variant = supported.find((s) => s.startsWith(`${lang}-`));
    if (lang && variant) return variant;
  }
  return fallback;
}
