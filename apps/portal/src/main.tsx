// Entry point: pick the language, mount the portal.
import { render } from 'preact';
import { App } from './app.tsx';
import { negotiateLocale } from './i18n/i18n.ts';
import { loadLocale } from './preferences.ts';

const root = document.getElementById('app');
if (root) {
  const locale = negotiateLocale(loadLocale(), navigator.languages ?? [navigator.language]);
  render(<App initialLocale={locale} />, root);
}
