// The portal's rights in real Chromium (issue 5): sign in with a code → change a purpose → the
// widget on the demo shop reflects it on reload → request a copy → the download holds the
// change and the notice text → request deletion → once the cooling-off is over (0 days on this
// stage; the API tests move the clock over the default 7) the data is gone, the shop's data
// provider (registered by the stage on start, as `pnpm start` does) received the signed call →
// signing in again shows nothing. axe-core on each page.
import { DEMO_SECRET_KEY } from '@assent/api';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PROVIDER_NAME } from '../src/data-provider.ts';
import * as kit from './portal-kit.ts';
import { useHarness } from './widget-harness.ts';

const h = useHarness({ ASSENT_ERASURE_COOLING_OFF_DAYS: '0' });

/** The data providers registered for the demo property, read as the shop's backend would. */
async function providers() {
  const res = await fetch(`${h.stage.apiUrl}/v1/server/data-providers`, {
    headers: { authorization: `Bearer ${DEMO_SECRET_KEY}` },
  });
  return ((await res.json()) as { providers: { name: string; url: string }[] }).providers;
}

const portalSignIn = (portal: Page, email: string) => kit.portalSignIn(portal, h.stage, email);
const { axe } = kit;

async function apiStates(page: Page) {
  const device = await page.evaluate(() => localStorage.getItem('assent:device'));
  const res = await fetch(`${h.stage.apiUrl}/v1/consents`, {
    headers: { 'x-assent-key': 'pk_demo_shop', 'x-assent-device': device ?? '' },
  });
  return ((await res.json()) as { consents: Record<string, { status: string }> }).consents;
}

describe('portal rights', () => {
  it('the demo shop registered its own data provider on start, once', async () => {
    const url = `${h.stage.demoUrl}/assent/data-provider`;
    const mine = (await providers()).filter((p) => p.url === url);
    expect(mine).toEqual([expect.objectContaining({ name: DEMO_PROVIDER_NAME, url })]);
    expect(h.stage.dataProviderUrl).toBe(url);
  });

  it('R1/R2/R4/R7: change → widget reflects it → export holds it → deletion erases it everywhere', async () => {
    // bypassCSP only lets the test inject axe-core; the portal's CSP forbids inline scripts.
    const context = await h.browser.newContext({
      locale: 'en-US',
      viewport: { width: 375, height: 812 },
      bypassCSP: true,
    });
    const shop = await context.newPage();
    await shop.goto(h.stage.demoUrl);
    await shop.locator('[data-assent="reject-all"]').click();
    const email = `rights-${Date.now()}@example.com`;
    await shop.getByTestId('shop-email').fill(email);
    await shop.getByTestId('shop-sign-in').click();
    await shop.waitForSelector('[data-testid="signed-in-as"]');
    // The shop's own data about this customer: a cart item (what its data provider returns).
    await shop.getByRole('button', { name: 'Add to cart' }).first().click();
    await expect.poll(() => shop.getByTestId('cart').textContent()).toContain('1');
    await expect
      .poll(async () => (await apiStates(shop)).analytics?.status, { timeout: 10_000 })
      .toBe('denied');

    // Sign in to the portal and grant analytics there.
    const portal = await context.newPage();
    await portalSignIn(portal, email);
    const status = portal.locator('[data-testid="purpose-analytics"] [data-testid="status"]');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 10_000 }).toBe('denied');
    await portal.getByTestId('toggle-analytics').click();
    await expect
      .poll(() => status.getAttribute('data-status'), { timeout: 10_000 })
      .toBe('granted');

    // History: the decision is there, with its receipt (P4).
    await portal.getByTestId('nav-history').click();
    await portal.getByTestId('history-analytics').first().waitFor();
    expect(await axe(portal)).toEqual([]);

    // The widget on the shop reflects it on reload.
    await shop.reload();
    await expect
      .poll(() => shop.getByTestId('analytics-status').textContent(), { timeout: 10_000 })
      .toBe('running');

    // Request a copy (the sign-in code counts as step-up for 10 minutes).
    await portal.getByTestId('nav-data').click();
    await portal.getByTestId('request-export').waitFor();
    expect(await axe(portal)).toEqual([]);
    await portal.getByTestId('request-export').click();
    await portal.getByTestId('requests').waitFor();
    const json = portal.getByTestId('download-json');
    await json.waitFor({ timeout: 30_000 });
    expect(await axe(portal)).toEqual([]);
    const href = await json.getAttribute('href');
    const doc = (await portal.evaluate(async (url) => (await fetch(url ?? '')).json(), href)) as {
      consentEvents: {
        purpose: string;
        decision: string;
        source: string;
        notice: { content: { title?: string } };
      }[];
      productSystems: {
        provider: string;
        status: string;
        data: { account: { email: string } | null; cart: { item: string }[] };
      }[];
    };
    const granted = doc.consentEvents.find(
      (e) => e.purpose === 'analytics' && e.decision === 'granted',
    );
    expect(granted?.source).toBe('portal');
    expect(granted?.notice.content.title).toBeTruthy();
    expect(doc.productSystems[0]).toMatchObject({
      provider: DEMO_PROVIDER_NAME,
      status: 'answered',
      data: { account: { email }, cart: [{ item: 'Green tea' }] },
    });

    // Request deletion: what goes and what stays is said first; confirm, then it runs.
    await portal.getByTestId('nav-data').click();
    // The confirmation is a real checkbox on the line of its label, with a 24 px target
    // (WCAG 2.2 2.5.8), not a full-width box above it.
    const confirm = await portal.getByTestId('confirm-delete').evaluate((box) => {
      const label = document.querySelector('label[for="confirm-delete"]');
      const [b, l] = [box.getBoundingClientRect(), label?.getBoundingClientRect()];
      return {
        width: b.width,
        height: b.height,
        rowGap: l ? Math.abs(b.top + b.height / 2 - (l.top + l.height / 2)) : -1,
        labelGap: l ? l.left - b.right : -1,
      };
    });
    expect(confirm.width).toBeGreaterThanOrEqual(24);
    expect(confirm.width).toBeLessThan(48);
    expect(confirm.height).toBeGreaterThanOrEqual(24);
    expect(confirm.rowGap).toBeGreaterThanOrEqual(0);
    expect(confirm.rowGap).toBeLessThan(4);
    expect(confirm.labelGap).toBeGreaterThan(0);
    expect(confirm.labelGap).toBeLessThan(24);
    await portal.getByTestId('confirm-delete').check();
    await portal.getByTestId('request-delete').click();
    await expect
      .poll(
        async () => {
          const r = await fetch(`${h.stage.demoUrl}/assent/data-provider/received`);
          const { received } = (await r.json()) as {
            received: { type: string; subject: { email: string }; removed?: unknown }[];
          };
          return received.find((c) => c.type === 'erasure' && c.subject.email === email)?.removed;
        },
        { timeout: 30_000 },
      )
      // The shop deleted its own account and cart for this customer before answering.
      .toEqual({ account: true, cartItems: 1 });

    // Gone: the device starts afresh, the session has ended, and signing in shows nothing.
    await expect
      .poll(async () => (await apiStates(shop)).analytics?.status, { timeout: 10_000 })
      .toBe('unset');
    await portal.reload();
    await portal.getByTestId('email').waitFor();
    await portalSignIn(portal, email);
    await expect
      .poll(() => portal.locator('main').textContent(), { timeout: 10_000 })
      .toContain('We hold no consent records');
    expect(await axe(portal)).toEqual([]);
    await context.close();
  });
});
