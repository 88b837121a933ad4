// `window.assent`: what a product's page calls. Before the script loads the page may push
// functions onto `window.assent = window.assent || []`; they run once the API is installed.
import type { IdentifyOutputBody } from '@assent/contract/types';
import type { ConsentCore } from './core/consent-core.ts';
import { isEffective, withdrawDraft } from './core/decisions.ts';
import type { ConsentMap, Emitter } from './core/emitter.ts';
import type { UiController } from './ui/controller.ts';

export interface AssentApi {
  /** Runs `fn(api)` now; the same call works on the pre-load array, so order never matters. */
  push(fn: (api: AssentApi) => void): void;
  /** Subscribes to 'ready' | 'change' | 'shown' | 'error'; late 'ready'/'change' get the current state. */
  on: Emitter['on'];
  /** Effective consent per purpose key (necessary purposes are true). */
  getConsent(): ConsentMap;
  /**
   * True only when `expr` holds now: one purpose key, or keys with and / or / not and
   * parentheses (`'analytics and not personalized_ads'`). Malformed → false.
   */
  has(expr: string): boolean;
  /** Opens the banner or the preferences dialog. */
  show(layer: 'banner' | 'preferences'): void;
  /**
   * Asks for one purpose just in time. Separate-consent purposes get their own dialog
   * (PIPL 29); ordinary ones open preferences. Resolves with the effective consent afterwards
   * (true at once if already granted; false for an unknown purpose).
   */
  request(purpose: string): Promise<boolean>;
  /** Withdraws consent to `purpose` (C9): one call, recorded like any decision. */
  withdraw(purpose: string): Promise<void>;
  /** Links this device to the product's user with a token signed by the product's backend. */
  identify(token: string): Promise<IdentifyOutputBody>;
}

/** Builds the public API over a core and a UI controller. */
export function createPublicApi(core: ConsentCore, ui: UiController): AssentApi {
  const ready = new Promise<void>((resolve) => {
    core.events.on('ready', () => resolve());
  });
  const find = (key: string) => core.experience()?.purposes.find((p) => p.key === key);
  const api: AssentApi = {
    push(fn) {
      try {
        fn(api);
      } catch (err) {
        core.events.emit('error', err instanceof Error ? err : new Error(String(err)));
      }
    },
    on: core.events.on,
    getConsent: core.consent,
    has: core.has,
    show(layer) {
      ui.set(layer === 'banner' ? { banner: true } : { preferences: true });
    },
    async request(purpose) {
      await ready;
      const p = find(purpose);
      if (!p) return false;
      if (p.necessary || isEffective(core.states()[purpose], Date.now())) return true;
      if (p.separateConsent) return ui.askSeparate(purpose);
      await ui.openPreferences();
      return core.has(purpose);
    },
    async withdraw(purpose) {
      await ready;
      const p = find(purpose);
      if (!p) throw new Error(`Assent: unknown purpose ${purpose}`);
      const draft = withdrawDraft(p, core.states()[purpose]);
      if (draft) await core.decide([draft], { source: 'preferences', surface: 'api_withdraw' });
    },
    identify: core.identify,
  };
  return api;
}

/** A window that may hold the pre-load command array or the installed API. */
export type AssentWindow = { assent?: AssentApi | unknown[] };

/**
 * Installs `api` as `win.assent` and runs the functions queued on the pre-load array, in order.
 * Non-function entries are ignored.
 */
export function installGlobal(win: AssentWindow, api: AssentApi): void {
  const queued = Array.isArray(win.assent) ? win.assent : [];
  win.assent = api;
  for (const fn of queued) {
    if (typeof fn === 'function') api.push(fn as (api: AssentApi) => void);
  }
}
