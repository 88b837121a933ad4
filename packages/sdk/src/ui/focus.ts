// Keyboard handling for modal dialogs inside the shadow root: a Tab/Shift+Tab trap, Escape,
// and focus moved in on open and back to where it was on close (WAI-ARIA dialog pattern).
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

function activeIn(node: Node): Element | null {
  const root = node.getRootNode();
  return root instanceof ShadowRoot || root instanceof Document ? root.activeElement : null;
}

/**
 * Keydown handler for a dialog: Escape calls `onEscape`; Tab from the last focusable wraps to
 * the first, Shift+Tab from the first wraps to the last.
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
 * On mount, focuses the dialog's first focusable element; on unmount, gives focus back to the
 * element that had it (if it is still in the page).
 */
export function useDialogFocus(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = activeIn(dialog) ?? document.activeElement;
    dialog.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    return () => {
      if (previous instanceof HTMLElement && previous.isConnected) previous.focus();
    };
  }, [ref]);
}
