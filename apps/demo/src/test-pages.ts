// Pages for the widget's browser tests (apps/demo/e2e/widget-*.test.ts), mounted at /test:
// each embeds the built widget exactly as a product would, under one hard condition
// (hostile CSS, a strict CSP, Consent Mode, right-to-left, gated scripts and iframes).
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';

export interface TestPageOptions {
  apiUrl: string;
  publishableKey: string;
}

interface Page {
  title: string;
  lang?: string;
  dir?: string;
  /** Widget options pushed on `window.assent` before the script loads. */
  options?: Record<string, unknown>;
  /** Extra markup in <head> before the widget script. */
  head?: string;
  body?: string;
  nonce?: string;
  /** Load the widget without `async` (Consent Mode's advanced mode). */
  sync?: boolean;
  /** Extra attributes on the widget's <script> tag. */
  attrs?: string;
}

/** JSON safe inside an inline <script>. */
const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function render(o: TestPageOptions, p: Page): string {
  const n = p.nonce ? ` nonce="${p.nonce}"` : '';
  return `<!doctype html>
<html lang="${esc(p.lang ?? 'en')}"${p.dir ? ` dir="${p.dir}"` : ''}>
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title)}</title>
${p.head ?? ''}
<script${n}>window.assent = window.assent || [];${p.options ? `window.assent.push(${json(p.options)});` : ''}</script>
<script${n} src="${o.apiUrl}/sdk/assent.js" data-property="${o.publishableKey}" data-api="${o.apiUrl}"${p.sync ? '' : ' async'}${p.attrs ?? ''}></script>
</head>
<body>
<main>
<h1>${esc(p.title)}</h1>
<p><label>Search <input id="page-input" data-testid="page-input"></label> <button type="button" id="page-button" data-testid="page-button">Page button</button></p>
${p.body ?? ''}
</main>
</body>
</html>`;
}

/** Gated elements used by several pages: a script, a module script, an iframe, a placeholder. */
const GATED = `
<p>Analytics: <span id="analytics" data-testid="analytics">off</span></p>
<script type="text/plain" data-purpose="analytics">window.analyticsRuns = (window.analyticsRuns || 0) + 1; document.getElementById('analytics').textContent = 'on';</script>
<script type="text/plain" data-purpose="analytics and personalized_ads">window.adsRuns = (window.adsRuns || 0) + 1;</script>
<script type="text/plain" data-purpose="not personalized_ads">window.noAdsRuns = (window.noAdsRuns || 0) + 1;</script>
<div data-assent-placeholder="analytics" data-testid="placeholder">The map needs analytics consent.</div>
<iframe title="Map" data-testid="map" data-purpose="analytics" data-src="/test/frame"></iframe>
`;

/** The test pages, as a Hono sub-app to mount at `/test`. */
export function testPages(o: TestPageOptions) {
  return new Hono()
    .get('/frame', (c) => c.html('<!doctype html><title>frame</title><p>loaded</p>'))
    .get('/fake-gtag.js', (c) =>
      c.body(
        'window.tagSaw = (window.dataLayer || []).map(function (e) { return Array.from(e); });',
        200,
        { 'content-type': 'text/javascript' },
      ),
    )
    .get('/widget', (c) => {
      const q = c.req.query();
      const options: Record<string, unknown> = {};
      if (q.theme) options.theme = q.theme;
      if (q.reopen) options.reopen = q.reopen !== 'false';
      if (q.cookies) options.cookies = { analytics: ['_ga*'] };
      return c.html(
        render(o, {
          title: 'Widget test page',
          lang: q.lang ?? '',
          options,
          attrs: q.locale ? ` data-locale="${esc(q.locale)}"` : '',
          body: `${GATED}
<button type="button" data-testid="add-gated" onclick="var s=document.createElement('script');s.type='text/plain';s.dataset.purpose='analytics';s.text='window.lateRuns=(window.lateRuns||0)+1';document.body.appendChild(s)">Add a gated script</button>
<button type="button" data-testid="face" onclick="assent.request('face_login').then(function(g){document.getElementById('face').textContent=String(g)})">Face sign-in</button> <output id="face" data-testid="face-result"></output>`,
        }),
      );
    })
    .get('/hostile-css', (c) =>
      c.html(
        render(o, {
          title: 'Hostile CSS',
          head: `<style>
*, *::before, *::after { color: #f0f !important; font: 700 31px/3 "Comic Sans MS", serif !important; letter-spacing: 4px !important; text-transform: uppercase !important; box-sizing: content-box !important; }
div, section, button, p, ul, li, h2 { display: none !important; position: static !important; visibility: hidden !important; opacity: 0 !important; }
#assent-root, body > div { display: none !important; visibility: hidden !important; width: 0 !important; height: 0 !important; overflow: hidden !important; }
main, h1, input, label { display: block !important; visibility: visible !important; opacity: 1 !important; }
</style>`,
          body: `<span class="banner" data-testid="page-banner">Page element with the widget's class names</span><span class="btn reopen" data-testid="page-btn">x</span>${GATED}`,
        }),
      ),
    )
    .get('/csp', (c) => {
      const nonce = randomBytes(16).toString('base64');
      c.header(
        'Content-Security-Policy',
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src ${o.apiUrl}; frame-src 'self'; img-src 'self'; base-uri 'none'; object-src 'none'`,
      );
      return c.html(
        render(o, {
          title: 'Strict CSP',
          nonce,
          head: `<script nonce="${nonce}">window.cspViolations = []; document.addEventListener('securitypolicyviolation', function (e) { window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });</script>`,
          body: `${GATED}<script type="text/plain" data-purpose="analytics" nonce="${nonce}">window.noncedRuns = (window.noncedRuns || 0) + 1;</script>`,
        }),
      );
    })
    .get('/consent-mode', (c) =>
      c.html(
        render(o, {
          title: 'Consent Mode',
          sync: true,
          options: {
            consentMode: {
              analytics: ['analytics_storage'],
              personalized_ads: ['ad_storage', 'ad_user_data', 'ad_personalization'],
            },
          },
          head: '<script>window.dataLayer = window.dataLayer || []; function gtag(){ dataLayer.push(arguments); }</script>',
          body: `<script async src="/test/fake-gtag.js"></script>
<script type="text/plain" data-purpose="analytics">window.gatedTagSaw = dataLayer.map(function (e) { return Array.from(e); });</script>`,
        }),
      ),
    )
    .get('/rtl', (c) =>
      c.html(
        render(o, {
          title: 'صفحة اختبار',
          lang: 'ar',
          dir: 'rtl',
          options: {
            strings: {
              ar: {
                title: 'خيارات الخصوصية',
                acceptAll: 'قبول الكل',
                rejectAll: 'رفض الكل',
                customize: 'تخصيص',
                reopen: 'خيارات الخصوصية',
              },
            },
          },
        }),
      ),
    );
}
