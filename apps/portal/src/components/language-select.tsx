// The language switch: a labelled native <select>, so it works by keyboard and screen reader.
import type { Locale, Translate } from '../i18n/i18n.ts';
import { isLocale, LOCALE_NAMES, LOCALES } from '../i18n/i18n.ts';

/** Select between the shipped locales; each option is named in its own language. */
export function LanguageSelect(props: {
  locale: Locale;
  onChange: (locale: Locale) => void;
  t: Translate;
}) {
  return (
    <div class="lang">
      <label for="lang">{props.t('lang.label')}</label>
      <select
        id="lang"
        data-testid="lang"
        value={props.locale}
        onChange={(e) => {
          const value = e.currentTarget.value;
          if (isLocale(value)) props.onChange(value);
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
