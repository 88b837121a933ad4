// The demo shop's page: the widget embedded exactly as a product team would, a script gated on
// `analytics`, a just-in-time separate consent (face sign-in) and a demo account sign-in.
import { html, raw } from 'hono/html';

export interface ShopPageOptions {
  apiUrl: string;
  publishableKey: string;
  /** The signed-in demo customer, if any. */
  user: { email: string } | null;
  /** Identity token minted by the shop's backend for the signed-in user. */
  identityToken: string | null;
}

/** Renders the shop page (HTML string). */
export function shopPage(o: ShopPageOptions) {
  const identify = o.identityToken
    ? raw(
        `<script>window.assent=window.assent||[];window.assent.push(function(a){a.identify(${JSON.stringify(o.identityToken)});});</script>`,
      )
    : '';
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Demo Shop · Assent</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1b1b1f; background: #fafaf7; }
      header, main, footer { max-width: 60rem; margin: 0 auto; padding: 1rem; }
      header { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; }
      .products { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 1rem; }
      .card { background: #fff; border: 1px solid #ddd; border-radius: 12px; padding: 1rem; }
      button, input { font: inherit; }
      button { padding: 0.5rem 0.9rem; border-radius: 8px; border: 1px solid #333; background: #fff; cursor: pointer; }
      #analytics-status { font-weight: 600; }
    </style>
    <script>window.assent = window.assent || [];</script>
    ${identify}
    <script src="${o.apiUrl}/sdk/assent.js" data-property="${o.publishableKey}" data-api="${o.apiUrl}" async></script>
  </head>
  <body>
    <header>
      <h1>Demo Shop</h1>
      ${
        o.user
          ? html`<form method="post" action="/logout"><span data-testid="signed-in-as">Signed in as ${o.user.email}</span> <button type="submit">Sign out</button></form>`
          : html`<form method="post" action="/login">
              <label>Email <input name="email" type="email" required autocomplete="email" data-testid="shop-email" /></label>
              <button type="submit" data-testid="shop-sign-in">Sign in</button>
            </form>`
      }
    </header>
    <main>
      <p>This shop works the same whatever you choose: refusing analytics or ads changes nothing you can buy.</p>
      <section class="products" aria-label="Products">
        <article class="card"><h2>Green tea</h2><p>¥48</p><button type="button">Add to cart</button></article>
        <article class="card"><h2>Ceramic cup</h2><p>¥120</p><button type="button">Add to cart</button></article>
        <article class="card"><h2>Bamboo tray</h2><p>¥86</p><button type="button">Add to cart</button></article>
      </section>
      <h2>Consent at work</h2>
      <p>Analytics: <span id="analytics-status" data-testid="analytics-status">not running</span></p>
      <p>
        <button type="button" id="face-login" data-testid="face-login">Sign in with your face</button>
        <span id="face-result" role="status"></span>
      </p>
      <p><a href="${o.apiUrl}/portal/">Manage your privacy in the portal</a></p>
    </main>
    <footer><small>Demo Shop Ltd. · privacy@demo-shop.example</small></footer>
    <script type="text/plain" data-purpose="analytics">
      window.demoAnalyticsRuns = (window.demoAnalyticsRuns || 0) + 1;
      document.getElementById('analytics-status').textContent = 'running';
    </script>
    <script>
      document.getElementById('face-login').addEventListener('click', function () {
        window.assent.push(function (a) {
          a.request('face_login').then(function (granted) {
            document.getElementById('face-result').textContent = granted
              ? 'Face sign-in enabled.'
              : 'Face sign-in not enabled; use your password.';
          });
        });
      });
    </script>
  </body>
</html>`;
}
