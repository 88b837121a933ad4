// The demo shop's page: the widget embedded exactly as a product team would, a script gated on
// `analytics`, a just-in-time separate consent (face sign-in) and a demo account sign-in.
import { html, raw } from 'hono/html';

export type ShopLocale = 'en' | 'zh-CN';

const TEXT = {
  en: {
    title: 'Demo Shop',
    email: 'Email',
    signIn: 'Sign in',
    signedInAs: 'Signed in as',
    signOut: 'Sign out',
    promise:
      'This shop works the same whatever you choose: refusing analytics or ads changes nothing you can buy.',
    products: 'Products',
    items: [
      ['Green tea', '¥48'],
      ['Ceramic cup', '¥120'],
      ['Bamboo tray', '¥86'],
    ],
    add: 'Add to cart',
    cart: 'In your cart:',
    atWork: 'Consent at work',
    analytics: 'Analytics',
    notRunning: 'not running',
    running: 'running',
    face: 'Sign in with your face',
    faceOn: 'Face sign-in enabled.',
    faceOff: 'Face sign-in not enabled; use your password.',
    portal: 'Manage your privacy in the portal',
  },
  'zh-CN': {
    title: '演示商店',
    email: '邮箱',
    signIn: '登录',
    signedInAs: '已登录:',
    signOut: '退出登录',
    promise: '无论您如何选择,本店功能都一样:拒绝统计或广告不会影响您购买任何商品。',
    products: '商品',
    items: [
      ['绿茶', '¥48'],
      ['陶瓷杯', '¥120'],
      ['竹托盘', '¥86'],
    ],
    add: '加入购物车',
    cart: '购物车中:',
    atWork: '同意的作用',
    analytics: '统计分析',
    notRunning: '未运行',
    running: '运行中',
    face: '刷脸登录',
    faceOn: '已开启刷脸登录。',
    faceOff: '未开启刷脸登录,请使用密码。',
    portal: '在隐私门户中管理您的隐私',
  },
} as const;

/** The shop's language from `?lang=` or Accept-Language: Chinese for any `zh`, else English. */
export function shopLocale(
  query: string | undefined,
  acceptLanguage: string | undefined,
): ShopLocale {
  const first = (query ?? acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh-CN' : 'en';
}

export interface ShopPageOptions {
  locale: ShopLocale;
  apiUrl: string;
  publishableKey: string;
  /** The signed-in demo customer, if any, with the number of items in their cart. */
  user: { email: string; cart?: number } | null;
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
  const t = TEXT[o.locale];
  return html`<!doctype html>
<html lang="${o.locale}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${t.title} · Assent</title>
    <link rel="icon" href="data:," />
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1b1b1f; background: #fafaf7; }
      header, main, footer { max-width: 60rem; margin: 0 auto; padding: 1rem; }
      header { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; }
      .products { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 1rem; }
      .card { background: #fff; border: 1px solid #ddd; border-radius: 12px; padding: 1rem; }
      button, input { font: inherit; }
      button { padding: 0.5rem 0.9rem; border-radius: 8px; border: 1px solid #333; background: #fff; cursor: pointer; }
      #analytics-status { font-weight: 600; }
      /* Room below the content so a consent banner never hides the footer for good. */
      footer { padding-bottom: 12rem; }
    </style>
    <script>window.assent = window.assent || [];</script>
    ${identify}
    <script src="${o.apiUrl}/sdk/assent.js" data-property="${o.publishableKey}" data-api="${o.apiUrl}" async></script>
  </head>
  <body>
    <header>
      <h1>${t.title}</h1>
      ${
        o.user
          ? html`<form method="post" action="/logout"><span data-testid="signed-in-as">${t.signedInAs} ${o.user.email}</span> <button type="submit">${t.signOut}</button></form>`
          : html`<form method="post" action="/login">
              <label>${t.email} <input name="email" type="email" required autocomplete="email" data-testid="shop-email" /></label>
              <button type="submit" data-testid="shop-sign-in">${t.signIn}</button>
            </form>`
      }
    </header>
    <main>
      <p>${t.promise}</p>
      <section class="products" aria-label="${t.products}">
        ${t.items.map(
          ([name, price]) =>
            html`<article class="card"><h2>${name}</h2><p>${price}</p>${
              o.user
                ? html`<form method="post" action="/cart"><input type="hidden" name="item" value="${name}" /><button type="submit">${t.add}</button></form>`
                : html`<button type="button">${t.add}</button>`
            }</article>`,
        )}
      </section>
      ${o.user ? html`<p data-testid="cart">${t.cart} ${o.user.cart ?? 0}</p>` : ''}
      <h2>${t.atWork}</h2>
      <p>${t.analytics}: <span id="analytics-status" data-testid="analytics-status">${t.notRunning}</span></p>
      <p>
        <button type="button" id="face-login" data-testid="face-login">${t.face}</button>
        <span id="face-result" role="status"></span>
      </p>
      <p><a href="${o.apiUrl}/portal/">${t.portal}</a></p>
    </main>
    <footer><small>Demo Shop Ltd. · privacy@demo-shop.example</small></footer>
    <script type="text/plain" data-purpose="analytics">
      window.demoAnalyticsRuns = (window.demoAnalyticsRuns || 0) + 1;
      document.getElementById('analytics-status').textContent = ${raw(JSON.stringify(t.running))};
    </script>
    <script>
      document.getElementById('face-login').addEventListener('click', function () {
        window.assent.push(function (a) {
          a.request('face_login').then(function (granted) {
            document.getElementById('face-result').textContent = granted
              ? ${raw(JSON.stringify(t.faceOn))}
              : ${raw(JSON.stringify(t.faceOff))};
          });
        });
      });
    </script>
  </body>
</html>`;
}
