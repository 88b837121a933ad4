// @assent/sdk: the consent widget's public surface for bundlers (the script build adds
// auto-start from its <script> tag; see embed.ts). Importing it touches no DOM (SSR-safe).
import { type AssentConfig, startAssent } from './boot.ts';
import { type AssentApi, type AssentWindow, installGlobal } from './public-api.ts';

export { type Assent, type AssentConfig, startAssent } from './boot.ts';
export {
  type ConsentModeMap,
  type ConsentType,
  consentTypes,
  createConsentMode,
} from './core/consent-mode.ts';
export { cleanCookies, registrableDomain, writeStateCookie } from './core/cookies.ts';
export { activateScripts } from './core/gate.ts';
export * from './core.ts';
export { type AssentApi, type AssentWindow, createPublicApi, installGlobal } from './public-api.ts';
export { STRINGS, type StringOverrides, type Strings, SUPPORTED_LOCALES } from './ui/strings.ts';

/**
 * Starts the widget with `config` and installs it as `window.assent` (running calls queued
 * there before). Once per page: a second call returns the running widget's API unchanged.
 * Browser only; call it from client-side code (e.g. a `useEffect`).
 * @example const assent = init({ property: 'pk_live_…', api: 'https://consent.example.com' });
 */
export function init(config: AssentConfig): AssentApi {
  const win = window as unknown as AssentWindow;
  if (win.assent && !Array.isArray(win.assent)) return win.assent;
  const { api } = startAssent(config);
  installGlobal(win, api);
  return api;
}
