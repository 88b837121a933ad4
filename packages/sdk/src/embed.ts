// The script build's entry: `<script src=".../assent.js" data-property="pk_…" async>` starts
// the widget from its own attributes (and option objects pushed on `window.assent` before
// it loaded) and installs `window.assent`. Also the ESM build.
import type { AssentConfig } from './boot.ts';
import { init } from './index.ts';
import type { AssentWindow } from './public-api.ts';

export * from './index.ts';

function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.property) return current;
  // Module scripts have no currentScript.
  return document.querySelector<HTMLScriptElement>('script[data-property][src*="assent"]');
}

/**
 * Starts the widget when this file was loaded by a `<script data-property>` tag (and only
 * once per page). Attributes: `data-api` (default: the script's own origin), `data-locale`,
 * `data-theme`, `data-reopen="false"`; the CSP nonce is the tag's own. Any plain objects
 * queued on `window.assent` before load are merged in as options (e.g. `consentMode`).
 */
export function autoStart(): void {
  if (typeof document === 'undefined' || typeof window === 'undefined') return;
  const win = window as unknown as AssentWindow;
  if (win.assent && !Array.isArray(win.assent)) return;
  const script = ownScript();
  const d = script?.dataset;
  if (!script || !d?.property) return;
  const config: AssentConfig = {
    property: d.property,
    api: d.api ?? new URL(script.src, location.href).origin,
    locale: d.locale,
    nonce: script.nonce || undefined,
    reopen: d.reopen !== 'false',
  };
  if (d.theme) config.theme = d.theme as AssentConfig['theme'];
  for (const queued of Array.isArray(win.assent) ? win.assent : []) {
    if (queued && typeof queued === 'object' && !Array.isArray(queued))
      Object.assign(config, queued);
  }
  init(config);
}

autoStart();
