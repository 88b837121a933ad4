// The demo shop's data provider: the product-side endpoint Assent calls for privacy requests
// (README "Data providers"). It checks the Standard Webhooks signature, answers an `access`
// call with what the shop holds (its orders) and an `erasure` call by deleting them, and
// remembers what it received so the browser tests can see the call arrived.
import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';

/** Development-only signing secret the demo stage registers the provider with. */
export const DEMO_PROVIDER_SECRET = 'whsec_ZGVtby1zaG9wLWRhdGEtcHJvdmlkZXItc2VjcmV0';

export interface ProviderCall {
  type: 'access' | 'erasure';
  requestId: string;
  subject: { externalId: string | null; email: string | null };
}

/** The orders the demo "shop" holds per user id (its own product data, not Assent's). */
const orders = new Map<string, { id: string; item: string }[]>();

/**
 * The provider routes: `POST /` (signed calls from Assent) and `GET /received` (what arrived;
 * demo and tests only).
 * @param secret the `whsec_…` secret shown when the provider was registered
 */
export function dataProviderRoutes(secret = DEMO_PROVIDER_SECRET) {
  const received: ProviderCall[] = [];
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
      received.push(call);
      const user = call.subject.externalId ?? '';
      if (call.type === 'access')
        return c.json({ orders: orders.get(user) ?? [{ id: 'ord_demo_1', item: 'Tea set' }] });
      orders.delete(user);
      return c.json({ deleted: true });
    })
    .get('/received', (c) => c.json({ received }));
}
