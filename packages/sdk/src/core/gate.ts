// Script gating: `<script type="text/plain" data-purpose="analytics">` stays inert until its
// purpose is effective, then runs once as a real script (S3: use limited to what was consented).

const SELECTOR = 'script[type="text/plain"][data-purpose]:not([data-assent-activated])';

/**
 * Activates every gated script whose purposes (space- or comma-separated in `data-purpose`;
 * all must be effective) hold now, by inserting a real copy right after it. Each runs at most
 * once: the original is marked `data-assent-activated`. A withdrawal cannot un-run a script;
 * it stops running after the next page load. `data-type` (e.g. `module`) becomes the copy's type.
 * @param root  where to look (a document or any element)
 * @param has   effective consent for one purpose key
 * @returns how many scripts were activated
 */
export function activateScripts(root: ParentNode, has: (purpose: string) => boolean): number {
  let count = 0;
  for (const inert of Array.from(root.querySelectorAll<HTMLScriptElement>(SELECTOR))) {
    const purposes = (inert.getAttribute('data-purpose') ?? '').split(/[\s,]+/).filter(Boolean);
    if (!purposes.length || !purposes.every(has)) continue;
    const live = inert.ownerDocument.createElement('script');
    for (const { name, value } of Array.from(inert.attributes)) {
      if (name !== 'type' && name !== 'data-type') live.setAttribute(name, value);
    }
    const type = inert.getAttribute('data-type');
    if (type) live.type = type;
    live.text = inert.text;
    inert.setAttribute('data-assent-activated', '');
    inert.after(live);
    count++;
  }
  return count;
}
