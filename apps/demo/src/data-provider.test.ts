// The demo shop's data provider as a product would run it: only correctly signed calls from
// Assent are answered; access returns what the shop holds for the user; erasure deletes it.
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { DEMO_PROVIDER_SECRET } from './data-provider.ts';
import { demoUserId } from './identity-token.ts';
import { createDemoApp } from './index.ts';

const app = createDemoApp({
  apiUrl: 'http://api.test',
  publishableKey: 'pk_demo_shop',
  identitySecret: 'demo-identity-secret-not-for-production-0001',
});

/** A call signed the way Assent signs it (Standard Webhooks). */
function call(type: 'access' | 'erasure', email: string, secret = DEMO_PROVIDER_SECRET) {
  const body = JSON.stringify({
    type,
    requestId: 'req_1',
    propertyId: 'prop_demo',
    subject: { externalId: demoUserId(email), email },
  });
  const id = `dpc_${Math.random().toString(36).slice(2)}`;
  const at = new Date();
  return app.request('/assent/data-provider', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, body),
    },
    body,
  });
}

async function shopSession(email: string) {
  const login = await app.request('/login', {
    method: 'POST',
    body: new URLSearchParams({ email }),
  });
  expect(login.status).toBe(303);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const added = await app.request('/cart', {
    method: 'POST',
    headers: { cookie },
    body: new URLSearchParams({ item: 'Green tea' }),
  });
  expect(added.status).toBe(303);
  return cookie;
}

describe('demo data provider', () => {
  it("R1: an access call gets the shop's own data for that customer: account and cart", async () => {
    await shopSession('buyer@example.com');
    const res = await call('access', 'buyer@example.com');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      account: { userId: demoUserId('buyer@example.com'), email: 'buyer@example.com' },
      cart: [{ item: 'Green tea' }],
    });
    const unknown = await (await call('access', 'stranger@example.com')).json();
    expect(unknown).toEqual({ account: null, cart: [] });
  });

  it('R4: an erasure call deletes what the shop holds, then answers', async () => {
    const cookie = await shopSession('leaver@example.com');
    const res = await call('erasure', 'leaver@example.com');
    expect(await res.json()).toEqual({ deleted: true, removed: { account: true, cartItems: 1 } });
    expect(await (await call('access', 'leaver@example.com')).json()).toEqual({
      account: null,
      cart: [],
    });
    const page = await (await app.request('/', { headers: { cookie } })).text();
    expect(page).toContain('data-testid="cart">In your cart: 0');
  });

  it('security: an unsigned or wrongly signed call is refused and changes nothing', async () => {
    await shopSession('kept@example.com');
    const unsigned = await app.request('/assent/data-provider', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'erasure',
        subject: { externalId: demoUserId('kept@example.com') },
      }),
    });
    expect(unsigned.status).toBe(401);
    const forged = await call(
      'erasure',
      'kept@example.com',
      'whsec_Zm9yZ2VkLXNlY3JldC1mb3JnZWQtc2VjcmV0',
    );
    expect(forged.status).toBe(401);
    expect((await (await call('access', 'kept@example.com')).json()).cart).toHaveLength(1);
  });
});
