// Puts the widget in an open shadow root on `<div id="assent-root">`, so the page's CSS and
// the widget's CSS never mix, and redraws a layer only when what it shows has changed.
// Focus: dialogs take it on open and give it back on close; the banner never takes it.
// While the banner is open a spacer of its height ends the page, so the page can always scroll
// its last content above the fixed banner (the spacer only adds room at the end: no shift).
import type { ConsentCore } from '../core/consent-core.ts';
import { isEffective } from '../core/decisions.ts';
import { type AgeStore, ageDialog } from './age-gate.ts';
import { banner } from './banner.ts';
import type { UiController } from './controller.ts';
import { FOCUSABLE } from './focus.ts';
import { h } from './h.ts';
import { preferences } from './preferences.ts';
import { separateDialog } from './separate-dialog.ts';
import type { Strings } from './strings.ts';
import { CSS } from './styles.ts';

export interface MountOptions {
  t: Strings;
  /** Text direction; `rtl` mirrors the layout. */
  dir: 'ltr' | 'rtl';
  /** Colour scheme: `system` follows `prefers-color-scheme`. */
  theme: 'light' | 'dark' | 'system';
  /** Show the small "Privacy choices" button whenever the banner is closed (default true). */
  reopen: boolean;
  /** CSP nonce for the `<style>` fallback where constructable stylesheets are missing. */
  nonce?: string | undefined;
  /** Where the declared age band is kept (C12). */
  age: AgeStore;
}

/** A stable selector for a control, so focus survives a redraw of its layer. */
function selectorOf(el: Element | null): string | null {
  for (const attr of ['data-assent', 'data-assent-toggle']) {
    const v = el?.getAttribute(attr);
    if (v) return `[${attr}="${v}"]`;
  }
  return null;
}

/**
 * Mounts the UI (call once `document.body` exists). Reuses an existing `#assent-root`.
 * @returns a function that unmounts the UI and removes the host element
 */
export function mountUi(core: ConsentCore, ui: UiController, o: MountOptions): () => void {
  const host = document.getElementById('assent-root') ?? document.createElement('div');
  host.id = 'assent-root';
  if (!host.isConnected) document.body.appendChild(host);
  const shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const slots = [h('div'), h('div', { 'aria-live': 'polite' }), h('div'), h('div'), h('div')];
  const [reopenSlot, bannerSlot, prefsSlot, separateSlot, ageSlot] = slots as [
    HTMLElement,
    HTMLElement,
    HTMLElement,
    HTMLElement,
    HTMLElement,
  ];
  // Normal flow (the host is the body's last block): as tall as the banner while it is open.
  // Sized by a rule in a stylesheet of its own, never a style attribute (strict CSP).
  const spacer = h('div', { class: 'sp', 'aria-hidden': 'true' });
  let room = (_css: string): void => {};
  let height = -1;
  const fit = () => {
    const b = bannerSlot.firstElementChild as HTMLElement | null;
    const px = b ? b.offsetHeight + 16 : 0;
    if (px === height) return;
    height = px;
    room(`.sp{height:${px}px}`);
  };
  const resized = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(fit);
  const root = h(
    'div',
    { class: 'w', lang: core.locale, dir: o.dir, 'data-theme': o.theme },
    slots,
    spacer,
  );
  // Constructable stylesheets are not inline styles: no CSP nonce needed.
  try {
    const sheet = new CSSStyleSheet();
    const spacerSheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet, spacerSheet];
    room = (css) => spacerSheet.replaceSync(css);
    shadow.replaceChildren(root);
  } catch {
    const spacerStyle = h('style', { nonce: o.nonce });
    room = (css) => {
      spacerStyle.textContent = css;
    };
    shadow.replaceChildren(h('style', { nonce: o.nonce }, CSS), spacerStyle, root);
  }

  const keys = new Map<HTMLElement, string>();
  const returnTo = new Map<HTMLElement, [Element | null, string | null]>();
  let choices: Record<string, boolean> = {};
  const focusable = (el: Element | null): el is HTMLElement =>
    el instanceof HTMLElement && el.isConnected;

  const put = (slot: HTMLElement, key: string | false | null, build: () => HTMLElement) => {
    const before = keys.get(slot) ?? '';
    const k = key || '';
    if (before === k) return;
    keys.set(slot, k);
    const active = shadow.activeElement;
    const had = active && slot.contains(active) ? selectorOf(active) : null;
    slot.replaceChildren(...(k ? [build()] : []));
    const dialog = slot.querySelector('[role=dialog]');
    const again = k && had ? slot.querySelector<HTMLElement>(had) : null;
    if (again) again.focus();
    else if (k && dialog && (!before || had)) {
      // Only dialogs take focus, and give it back where it was when they close.
      if (!before) returnTo.set(slot, [active ?? document.activeElement, selectorOf(active)]);
      dialog.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    }
    if (!k && before && (had || !shadow.activeElement)) {
      const [el, sel] = returnTo.get(slot) ?? [null, null];
      returnTo.delete(slot);
      const target = focusable(el) ? el : sel ? shadow.querySelector(sel) : null;
      (focusable(target) ? target : reopenSlot.querySelector('button'))?.focus();
    }
  };

  // What the banner shows besides the states, so a fresh experience identical to the stored
  // copy it was first drawn from does not redraw (or re-announce) it.
  let seen: unknown = null;
  let shown = '';
  const draw = () => {
    const exp = core.experience();
    const s = ui.state();
    if (!exp) return;
    if (exp !== seen) {
      seen = exp;
      shown = JSON.stringify([exp.property, exp.ask, exp.gpc, exp.purposes.map((p) => p.notice)]);
    }
    const props = { core, ui, t: o.t, exp, age: o.age };
    const version = JSON.stringify(core.states()) + shown;
    if (s.preferences && !keys.get(prefsSlot)) {
      const now = Date.now();
      const states = core.states();
      choices = Object.fromEntries(
        exp.purposes.map((p) => [p.key, isEffective(states[p.key], now)]),
      );
    }
    const purpose = exp.purposes.find((p) => p.key === s.separate);
    if (s.separate && !purpose) ui.closeSeparate(false);
    put(reopenSlot, o.reopen && !s.banner && 'r', () =>
      h(
        'button',
        {
          type: 'button',
          class: 'reopen',
          'data-assent': 'reopen',
          onclick: () => void ui.openPreferences(),
        },
        o.t.reopen,
      ),
    );
    put(bannerSlot, s.banner && `b${version}`, () => {
      const el = banner(props);
      resized?.disconnect();
      resized?.observe(el);
      globalThis.performance?.mark?.('assent:banner');
      return el;
    });
    if (!s.banner) fit();
    put(prefsSlot, s.preferences && `p${version}`, () => preferences(props, choices));
    put(separateSlot, purpose ? purpose.key : '', () =>
      purpose ? separateDialog(props, purpose) : h('div'),
    );
    const age = s.age;
    put(ageSlot, age && `a${age.step}`, () => (age ? ageDialog(props, age) : h('div')));
  };
  const offCore = core.subscribe(draw);
  const offUi = ui.subscribe(draw);
  draw();
  return () => {
    offCore();
    offUi();
    resized?.disconnect();
    host.remove();
  };
}
