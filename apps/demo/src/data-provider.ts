// The demo shop's data provider: the product-side endpoint Assent calls for privacy requests
// (README "Data providers"). It verifies the Standard Webhooks signature as a product would
// (refusing anything unsigned, mis-signed or older than 5 minutes), answers an `access` call
// with what the shop holds for the subject (account and cart) and an `erasure` call by
// deleting it first, and remembers what it received so the browser tests can see it arrive.
import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import type { ShopStore } from './shop-store.ts';

/** Development-only signing secret the demo stage registers the provider with. */
export const DEMO_PROVIDER_SECRET = 'whsec_ZGVtby1zaG9wLWRhdGEtcHJvdmlkZXItc2VjcmV0';
/** The name the provider is registered under (it appears in exports as `productSystems[].provider`). */
export const DEMO_PROVIDER_NAME = 'demo shop';

export interface ProviderCall {
  type: 'access' | 'erasure';
  requestId: string;
  subject: { externalId: string | null; email: string | null };
}

/**
 * The provider routes: `POST /` (signed calls from Assent) and `GET /received` (the calls that
 * arrived, and for an erasure what it removed; never the data itself; demo and tests only).
 * @param store the shop's own customer records
 * @param secret the `whsec_…` secret the provider was registered with
 */
export function dataProviderRoutes(store: ShopStore, secret = DEMO_PROVIDER_SECRET) {
  const received: (ProviderCall & { removed?: { account: boolean; cartItems: number } })[] = [];
  const hook = new Webhook(secret);
  return new Hono()
    .post('/', async (c) => {
      const body = await c.req.text();
      let call: ProviderCall;
      try {
        call = hook.verify(body, Object.fromEntries(c.req.raw.headers)) as ProviderCall;
      } catch {
        return c.json({ error: 'bad signature' }, 401);
      }
      const user = call.subject.externalId ?? '';
      if (call.type === 'access') {
        received.push(call);
        return c.json(store.dataOf(user));
      }
      const removed = store.erase(user);
      received.push({ ...call, removed });
      return c.json({ deleted: true, removed });
    })
    .get('/received', (c) => c.json({ received }));
}

/**
 * Registers the shop's provider with Assent through the server API, as a product's backend
 * would at deploy time (README "Data providers"). Idempotent: a provider already registered at
 * `url` is kept. @returns what happened, and any other registration of the demo left behind at
 * another address (a changed DEMO_PORT), which an operator should remove.
 * @throws Error when the API refuses the registration
 */
export async function registerDemoProvider(o: {
  apiUrl: string;
  secretKey: string;
  url: string;
  secret?: string;
}): Promise<{ status: 'registered' | 'present'; stale: string[] }> {
  const headers = { authorization: `Bearer ${o.secretKey}`, 'content-type': 'application/json' };
  const listed = await fetch(`${o.apiUrl}/v1/server/data-providers`, { headers });
  if (!listed.ok) throw new Error(`listing data providers: HTTP ${listed.status}`);
  const { providers } = (await listed.json()) as { providers: { name: string; url: string }[] };
  const same = (u: string) => new URL(u).toString() === new URL(o.url).toString();
  const stale = providers
    .filter((p) => p.name === DEMO_PROVIDER_NAME && !same(p.url))
    .map((p) => p.url);
  if (providers.some((p) => same(p.url))) return { status: 'present', stale };
  const res = await fetch(`${o.apiUrl}/v1/server/data-providers`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: DEMO_PROVIDER_NAME,
      url: o.url,
      handles: ['access', 'erasure'],
      secret: o.secret ?? DEMO_PROVIDER_SECRET,
    }),
  });
  if (res.status !== 201) throw new Error(`registering the data provider: HTTP ${res.status}`);
  return { status: 'registered', stale };
}
