// Puts the widget in an open shadow root on `<div id="assent-root">`, so the page's CSS and
// the widget's CSS never mix, and tests can reach inside.
import { render } from 'preact';
import type { ConsentCore } from '../core/consent-core.ts';
import { App } from './app.tsx';
import type { UiController } from './controller.ts';
import type { Strings } from './strings.ts';
import { CSS } from './styles.ts';

/**
 * Mounts the UI (call once `document.body` exists). Reuses an existing `#assent-root`.
 * @returns a function that unmounts the UI and removes the host element
 */
export function mountUi(core: ConsentCore, ui: UiController, t: Strings): () => void {
  let host = document.getElementById('assent-root');
  if (!host) {
    host = document.createElement('div');
    host.id = 'assent-root';
    document.body.appendChild(host);
  }
  const shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = CSS;
  const mountPoint = document.createElement('div');
  shadow.replaceChildren(style, mountPoint);
  render(<App core={core} ui={ui} t={t} />, mountPoint);
  const mounted = host;
  return () => {
    render(null, mountPoint);
    mounted.remove();
  };
}
