// The demo shop as a small Hono app: a product team's site and backend in miniature, with its
// own customer data (accounts, carts) and the data provider that answers privacy requests.
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { dataProviderRoutes } from './data-provider.ts';
import { demoUserId, mintIdentityToken } from './identity-token.ts';
import { shopLocale, shopPage } from './shop-page.ts';
import { ShopStore } from './shop-store.ts';
import { testPages } from './test-pages.ts';

export { DEMO_PROVIDER_SECRET, registerDemoProvider } from './data-provider.ts';
export { demoUserId, mintIdentityToken } from './identity-token.ts';
export { ShopStore } from './shop-store.ts';

export interface DemoOptions {
  apiUrl: string;
  publishableKey: string;
  identitySecret: string;
  /** The shop's own customer records (default: a fresh, empty store). */
  store?: ShopStore;
}

const USER_COOKIE = 'demo_user';

/** Builds the demo shop app. Its "sign in" trusts any email: it is a demo of the product side. */
export function createDemoApp(o: DemoOptions) {
  const store = o.store ?? new ShopStore();
  return new Hono()
    .get('/', async (c) => {
      const email = getCookie(c, USER_COOKIE) ?? null;
      const cart = email ? store.dataOf(demoUserId(email)).cart.length : 0;
      const token = email
        ? await mintIdentityToken(demoUserId(email), email, o.identitySecret)
        : null;
      return c.html(
        shopPage({
          locale: shopLocale(c.req.query('lang'), c.req.header('accept-language')),
          apiUrl: o.apiUrl,
          publishableKey: o.publishableKey,
          user: email ? { email, cart } : null,
          identityToken: token,
        }),
      );
    })
    .post('/login', async (c) => {
      const form = await c.req.parseBody();
      const email = typeof form.email === 'string' ? form.email.trim().toLowerCase() : '';
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) return c.text('Enter an email address.', 400);
      store.signIn(email);
      setCookie(c, USER_COOKIE, email, { httpOnly: true, sameSite: 'Lax', path: '/' });
      return c.redirect('/', 303);
    })
    .post('/cart', async (c) => {
      const email = getCookie(c, USER_COOKIE);
      const form = await c.req.parseBody();
      const item = typeof form.item === 'string' ? form.item.slice(0, 100) : '';
      if (email && item) store.addToCart(demoUserId(email), item);
      return c.redirect('/', 303);
    })
    .post('/logout', (c) => {
      deleteCookie(c, USER_COOKIE, { path: '/' });
      return c.redirect('/', 303);
    })
    .route('/test', testPages(o))
    .route('/assent/data-provider', dataProviderRoutes(store));
}
