// A page's <h1>. When the view changes (signed in, signed out) focus moves to it, so keyboard
// and screen-reader users start at the top of the new page; the first page of a visit keeps
// the browser's natural starting point.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

let firstPage = true;

/** The page title; receives focus when it replaces another page. */
export function PageHeading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (firstPage) firstPage = false;
    else ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabindex={-1}>
      {children}
    </h1>
  );
}
