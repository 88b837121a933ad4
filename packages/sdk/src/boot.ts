// Wires the widget in a browser: Consent Mode default, storage, cookies, device id, locale,
// core, UI, script gating, window events. Everything DOM-related starts here, at call time,
// never at import (SSR-safe). A repeat visit draws the banner at once from the stored copy of
// the experience (experience-cache.ts); the first visit waits for the API.
import type { Experience } from '@assent/contract/types';
import type { FetchLike } from './core/client.ts';
import { type ConsentCore, createCore } from './core/consent-core.ts';
import { type ConsentModeMap, createConsentMode, type DataLayerHost } from './core/consent-mode.ts';
import { cleanCookies, registrableDomain, writeStateCookie } from './core/cookies.ts';
import { deviceId, documentCookies } from './core/device.ts';
import type { ConsentMap } from './core/emitter.ts';
import { activateScripts } from './core/gate.ts';
import { resolveLocale } from './core/locale.ts';
import { type KeyValueStorage, safeStorage } from './core/storage.ts';
import { readExperience, writeExperience } from './experience-cache.ts';
import { type AssentApi, createPublicApi } from './public-api.ts';
import { ageStore } from './ui/age-gate.ts';
import { createUiController } from './ui/controller.ts';
import { mountUi } from './ui/mount.ts';
import { type StringOverrides, SUPPORTED_LOCALES, stringsFor } from './ui/strings.ts';

export interface AssentConfig {
  /** The property's publishable key (`pk_…`). */
  property: string;
  /** API origin, e.g. `https://consent.example.com`. */
  api: string;
  /** Preferred locale; else `<html lang>`, then the browser's languages; `xx-YY → xx → en`. */
  locale?: string | undefined;
  /** Render the built-in UI (default true); false for a headless integration. */
  ui?: boolean;
  /** Add or override strings per locale; a locale added here becomes selectable. */
  strings?: StringOverrides;
  /** Colour scheme (default `light`); `system` follows the device. */
  theme?: 'light' | 'dark' | 'system';
  /** Text direction; default `rtl` for Arabic, Hebrew, Persian, Urdu…, else `ltr`. */
  dir?: 'ltr' | 'rtl';
  /** Show the "Privacy choices" re-open button (default true); false when the page has its own link calling `show('preferences')`. */
  reopen?: boolean;
  /** CSP nonce for activated gated scripts (and the style fallback); default: the widget script's own nonce. */
  nonce?: string | undefined;
  /** Google Consent Mode v2: purpose key → consent types, e.g. `{ analytics: ['analytics_storage'] }`. */
  consentMode?: ConsentModeMap;
  /** Cookies to delete while a purpose is not granted: purpose key → name patterns (`_ga*`). */
  cookies?: Record<string, string[]>;
  /** Cookie Domain; default the registrable domain (public-suffix aware); false for host-only. */
  cookieDomain?: string | false;
  /**
   * The API runs on the product's own site (same registrable domain) and sets the device cookie
   * itself (its ASSENT_DEVICE_COOKIE=true): send credentials, prefer that cookie's id, and never
   * write the device cookie from script.
   */
  serverCookie?: boolean;
  fetch?: FetchLike;
  storage?: KeyValueStorage;
}

/** The running widget: its public API and core (for headless integrations). */
export interface Assent {
  api: AssentApi;
  core: ConsentCore;
}

const RTL = /^(ar|he|fa|ur|ps|yi|dv|ckb)\b/;

function whenBody(fn: () => void): void {
  if (document.body) fn();
  else document.addEventListener('DOMContentLoaded', fn, { once: true });
}

function isDue(exp: Experience | null): boolean {
  return !!exp && (exp.ask.banner || exp.ask.reconfirm.length > 0);
}

/**
 * Starts the widget in the current page: pushes the Consent Mode default (all denied) at
 * once, shows the banner from the stored copy of the last experience when one is due there,
 * loads the experience (and reconciles: shows the banner when due, closes one drawn from the
 * copy when nothing is due after all; 'shown' fires once), activates gated
 * scripts and iframes (also ones added later), and dispatches `assent:ready`,
 * `assent:change` (detail: the consent map), `assent:shown` (the surface) and `assent:error`
 * on `window`. Browser only.
 * @returns the public API (not installed on `window`; see `installGlobal`)
 */
export function startAssent(config: AssentConfig): Assent {
  performance.mark?.('assent:start');
  const consentMode =
    config.consentMode && createConsentMode(window as DataLayerHost, config.consentMode);
  consentMode?.setDefault();
  const storage = config.storage ?? safeStorage();
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  const locale = resolveLocale(
    [config.locale, document.documentElement.lang, ...(nav?.languages ?? []), nav?.language],
    [...SUPPORTED_LOCALES, ...Object.keys(config.strings ?? {})],
  );
  const jar = documentCookies();
  const domain =
    config.cookieDomain === false
      ? undefined
      : (config.cookieDomain ?? (jar && registrableDomain(location.hostname, jar)));
  const stored = readExperience(storage, config.property, locale, Date.now());
  const core = createCore({
    api: config.api,
    publishableKey: config.property,
    locale,
    initial: stored,
    device: deviceId(storage, jar, domain, config.serverCookie === true),
    storage,
    fetch: config.fetch ?? ((url, init) => fetch(url, init)),
    gpc: (nav as { globalPrivacyControl?: boolean } | undefined)?.globalPrivacyControl === true,
    credentials: config.serverCookie ?? false,
  });
  const ui = createUiController(core.events);
  const api = createPublicApi(core, ui);
  const gate = () => activateScripts(document, core.has, config.nonce);
  const apply = (consent: ConsentMap) => {
    // Consent Mode first: a tag activated by the gate must already see the update.
    consentMode?.update(consent);
    gate();
    if (!jar) return;
    writeStateCookie(jar, consent, domain);
    if (config.cookies) cleanCookies(jar, consent, config.cookies, domain);
  };

  for (const name of ['ready', 'change', 'shown', 'error'] as const) {
    core.events.on(name, (detail) => {
      if (name === 'ready' || name === 'change') apply(detail as ConsentMap);
      window.dispatchEvent(new CustomEvent(`assent:${name}`, { detail }));
    });
  }
  core.events.on('error', (err) => console.warn('[assent]', err.message));
  // Gated elements added after load (single-page apps) are activated as they arrive.
  core.events.on('ready', () =>
    new MutationObserver(gate).observe(document.documentElement, {
      childList: true,
      subtree: true,
    }),
  );
  window.addEventListener('online', () => void core.flush(true));
  core.subscribe(() => {
    const exp = core.experience();
    if (exp) writeExperience(storage, config.property, locale, exp, core.states());
  });

  if (config.ui !== false) {
    whenBody(() =>
      mountUi(core, ui, {
        t: stringsFor(locale, config.strings),
        dir: config.dir ?? (RTL.test(locale) ? 'rtl' : 'ltr'),
        theme: config.theme ?? 'light',
        reopen: config.reopen !== false,
        nonce: config.nonce,
        age: ageStore(storage, config.property),
      }),
    );
  }
  const fromCopy = isDue(stored);
  if (fromCopy) ui.set({ banner: true });
  void core.load().then((exp) => {
    // Drawn from the copy: keep it (also after the person answered it), unless nothing is due.
    if (!fromCopy) {
      if (isDue(exp)) ui.set({ banner: true });
    } else if (!isDue(exp) && ui.state().banner) ui.set({ banner: false });
  });
  return { api, core };
}
