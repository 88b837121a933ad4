// Script and iframe gating (S3: use limited to what was consented):
// `<script type="text/plain" data-purpose="analytics">` runs once as a real script, and
// `<iframe data-src="…" data-purpose="video">` loads once, when the purpose holds;
// `<div data-assent-placeholder="video">` shows only while it does not.

const SCRIPTS = 'script[type="text/plain"][data-purpose]:not([data-assent-activated])';
const FRAMES = 'iframe[data-src][data-purpose]:not([data-assent-activated])';

/**
 * Activates what `has` allows. `data-purpose` is a consent expression (`analytics`,
 * `a b` = both, `a or b`, `not c`; see `evaluate`). A script is activated by inserting a real
 * copy right after it (with `data-type`, e.g. `module`, as its type, and the page's CSP
 * `nonce`); an iframe gets its `src`. Each runs at most once (marked `data-assent-activated`):
 * a withdrawal cannot un-run a script; it stops after the next page load.
 * @param root   where to look (a document or any element)
 * @param has    evaluates a consent expression
 * @param nonce  CSP nonce for activated scripts that carry none themselves
 * @returns how many scripts and iframes were activated
 */
export function activateScripts(
  root: ParentNode,
  has: (expr: string) => boolean,
  nonce?: string,
): number {
  let count = 0;
  const allowed = (el: Element) => has(el.getAttribute('data-purpose') ?? '');
  for (const inert of Array.from(root.querySelectorAll<HTMLScriptElement>(SCRIPTS))) {
    if (!allowed(inert)) continue;
    const live = inert.ownerDocument.createElement('script');
    for (const { name, value } of Array.from(inert.attributes)) {
      if (name !== 'type' && name !== 'data-type') live.setAttribute(name, value);
    }
    const type = inert.getAttribute('data-type');
    if (type) live.type = type;
    // The nonce attribute is hidden from getAttribute once parsed; the property keeps it.
    const n = inert.nonce || nonce;
    if (n) live.nonce = n;
    live.text = inert.text;
    inert.setAttribute('data-assent-activated', '');
    inert.after(live);
    count++;
  }
  for (const frame of Array.from(root.querySelectorAll<HTMLIFrameElement>(FRAMES))) {
    if (!allowed(frame)) continue;
    frame.setAttribute('data-assent-activated', '');
    frame.src = frame.getAttribute('data-src') ?? '';
    count++;
  }
  for (const ph of Array.from(root.querySelectorAll<HTMLElement>('[data-assent-placeholder]'))) {
    ph.hidden = has(ph.getAttribute('data-assent-placeholder') ?? '');
  }
  return count;
}
