// Keyboard handling for modal dialogs inside the shadow root: a Tab/Shift+Tab trap and
// Escape (WAI-ARIA dialog pattern). Moving focus in and back out is done by mount.ts.

import { type Child, h } from './h.ts';

export const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

/** The focused element inside `node`'s shadow root (or document), if any. */
export function activeIn(node: Node): Element | null {
  const root = node.getRootNode();
  return root instanceof ShadowRoot || root instanceof Document ? root.activeElement : null;
}

/**
 * Keydown handler for a dialog: Escape calls `onEscape`; Tab from the last focusable wraps to
 * the first, Shift+Tab from the first wraps to the last (WCAG 2.1.2: the trap is the modal's own
 * and Escape always leaves it).
 */
export function trapKeys(event: KeyboardEvent, dialog: HTMLElement, onEscape: () => void): void {
  if (event.key === 'Escape') {
    event.preventDefault();
    event.stopPropagation();
    onEscape();
    return;
  }
  if (event.key !== 'Tab') return;
  const items = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE));
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) return;
  const active = activeIn(dialog);
  const inside = active !== null && dialog.contains(active);
  if (event.shiftKey && (active === first || !inside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !inside)) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * A modal dialog in a shade: `role="dialog"`, `aria-modal`, labelled by its first heading,
 * with a close button first and the keyboard trap. mount.ts moves focus in and back out.
 */
export function modal(
  name: string,
  close: () => void,
  closeLabel: string,
  ...children: Child[]
): HTMLElement {
  const box: HTMLElement = h(
    'div',
    {
      class: 'dlg',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': `assent-${name}-t`,
      'data-assent': name,
      onkeydown: (e) => trapKeys(e as KeyboardEvent, box, close),
    },
    h('button', { type: 'button', class: 'x', 'aria-label': closeLabel, onclick: close }, '×'),
    ...children,
  );
  return h('div', { class: 'shade' }, box);
}
