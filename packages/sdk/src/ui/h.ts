// A 20-line element builder in place of a virtual DOM: the widget's few layers are rebuilt
// whole when they change (see mount.ts), which saves Preact's ~5 KB gzip for the budget.

/** What a child may be: nodes, text, or nothing (null/false/undefined are skipped). */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Attributes: strings/numbers/true set, false/null/undefined skipped, `on…` functions listen. */
export type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/**
 * Creates `<tag>` with `attrs` and `children`. `onclick: fn` adds a listener for `click`.
 * Never sets `style` (the widget works under a CSP without 'unsafe-inline').
 * @example h('button', { type: 'button', onclick: save }, t.save)
 */
export function h(tag: string, attrs?: Attrs | null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v != null && v !== false) el.setAttribute(k, v === true ? '' : String(v));
  }
  const add = (c: Child): void => {
    if (Array.isArray(c)) c.forEach(add);
    else if (c != null && c !== false) el.append(typeof c === 'object' ? c : String(c));
  };
  children.forEach(add);
  return el;
}
