// The script build's entry: `<script src=".../assent.js" data-property="pk_…" async>` starts
// the widget from its own attributes and installs `window.assent`. Also the ESM build.
import { startAssent } from './boot.ts';
import { type AssentWindow, installGlobal } from './public-api.ts';

export * from './index.ts';

function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.property) return current;
  // Module scripts have no currentScript.
  return document.querySelector<HTMLScriptElement>('script[data-property][src*="assent"]');
}

/**
 * Starts the widget when this file was loaded by a `<script data-property>` tag (and only
 * once per page). `data-api` defaults to the script's own origin; `data-locale` is optional.
 */
export function autoStart(): void {
  if (typeof document === 'undefined' || typeof window === 'undefined') return;
  const win = window as unknown as AssentWindow;
  if (win.assent && !Array.isArray(win.assent)) return;
  const script = ownScript();
  const property = script?.dataset.property;
  if (!script || !property) return;
  const { api } = startAssent({
    property,
    api: script.dataset.api ?? new URL(script.src, location.href).origin,
    locale: script.dataset.locale,
  });
  installGlobal(win, api);
}

autoStart();
