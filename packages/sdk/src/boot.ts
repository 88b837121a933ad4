// Wires the widget in a browser: storage, device id, locale, core, UI, script gating, window
// events. Everything DOM-related starts here, at call time, never at import.
import type { Experience } from '@assent/contract/types';
import type { FetchLike } from './core/client.ts';
import { type ConsentCore, createCore } from './core/consent-core.ts';
import { deviceId, documentCookies } from './core/device.ts';
import { activateScripts } from './core/gate.ts';
import { resolveLocale } from './core/locale.ts';
import { type KeyValueStorage, safeStorage } from './core/storage.ts';
import { type AssentApi, createPublicApi } from './public-api.ts';
import { createUiController } from './ui/controller.ts';
import { mountUi } from './ui/mount.tsx';
import { SUPPORTED_LOCALES, stringsFor } from './ui/strings.ts';

export interface AssentConfig {
  /** The property's publishable key (`pk_…`). */
  property: string;
  /** API origin, e.g. `http://localhost:4000`. */
  api: string;
  /** Preferred locale; else `<html lang>`, then the browser's languages; `xx-YY → xx → en`. */
  locale?: string | undefined;
  /** Render the built-in UI (default true); false for a headless integration. */
  ui?: boolean;
  fetch?: FetchLike;
  storage?: KeyValueStorage;
}

/** The running widget: its public API and core (for headless integrations). */
export interface Assent {
  api: AssentApi;
  core: ConsentCore;
}

function whenBody(fn: () => void): void {
  if (document.body) fn();
  else document.addEventListener('DOMContentLoaded', fn, { once: true });
}

function isDue(exp: Experience | null): boolean {
  return !!exp && (exp.ask.banner || exp.ask.reconfirm.length > 0);
}

/**
 * Starts the widget in the current page: loads the experience, shows the banner when
 * something is due, activates gated scripts, and dispatches `assent:ready` / `assent:change`
 * on `window` (detail: the consent map). Browser only.
 * @returns the public API (not installed on `window`; see `installGlobal`)
 */
export function startAssent(config: AssentConfig): Assent {
  const storage = config.storage ?? safeStorage();
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  const locale = resolveLocale(
    [config.locale, document.documentElement.lang, ...(nav?.languages ?? []), nav?.language],
    SUPPORTED_LOCALES,
  );
  const gpc = (nav as { globalPrivacyControl?: boolean } | undefined)?.globalPrivacyControl;
  const core = createCore({
    api: config.api,
    publishableKey: config.property,
    locale,
    device: deviceId(storage, documentCookies()),
    storage,
    fetch: config.fetch ?? ((url, init) => fetch(url, init)),
    gpc: gpc === true,
  });
  const ui = createUiController(core.events);
  const api = createPublicApi(core, ui);

  const gate = () => activateScripts(document, core.has);
  for (const name of ['ready', 'change'] as const) {
    core.events.on(name, (detail) => {
      gate();
      window.dispatchEvent(new CustomEvent(`assent:${name}`, { detail }));
    });
  }
  core.events.on('error', (err) => console.warn('[assent]', err.message));
  whenBody(gate);
  window.addEventListener('online', () => void core.flush());

  if (config.ui !== false) whenBody(() => mountUi(core, ui, stringsFor(locale)));
  void core.load().then((exp) => {
    if (isDue(exp)) ui.set({ banner: true });
  });
  return { api, core };
}
