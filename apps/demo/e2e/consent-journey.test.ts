// The whole path in real Chromium: the demo shop's widget → API → database → portal → back.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useHarness } from './widget-harness.ts';

const h = useHarness();

type States = Record<string, { status: string; effective: boolean }>;

/** What the API holds for the page's device (read as the widget would). */
async function apiStates(page: Page): Promise<States> {
  const device = await page.evaluate(() => localStorage.getItem('assent:device'));
  expect(device).toBeTruthy();
  const res = await fetch(`${h.stage.apiUrl}/v1/consents`, {
    headers: { 'x-assent-key': 'pk_demo_shop', 'x-assent-device': device ?? '' },
  });
  return ((await res.json()) as { consents: States }).consents;
}

async function latestCode(email: string): Promise<string> {
  const res = await fetch(`${h.stage.apiUrl}/dev/mailbox.json`);
  const { mails } = (await res.json()) as { mails: { to: string; body: string }[] };
  const code = mails.find((m) => m.to === email)?.body.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error('no sign-in code in the dev mailbox');
  return code;
}

describe('consent journey', () => {
  it('C3/C4: reject all → reload asks nothing; analytics only → gated script runs; portal withdrawal stops it', async () => {
    const context = await h.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(h.stage.demoUrl);

    // First layer: Accept all and Reject all side by side, and the page stays usable.
    const banner = page.locator('[data-assent="banner"]');
    await expect.poll(() => banner.isVisible()).toBe(true);
    const accept = await page.locator('[data-assent="accept-all"]').boundingBox();
    const reject = await page.locator('[data-assent="reject-all"]').boundingBox();
    expect(reject?.height).toBe(accept?.height);
    expect(Math.abs((reject?.width ?? 0) - (accept?.width ?? 0))).toBeLessThanOrEqual(24);
    expect(await page.getByTestId('analytics-status').textContent()).toBe('not running');

    await page.locator('[data-assent="reject-all"]').click();
    await expect.poll(() => banner.count()).toBe(0);
    await expect
      .poll(async () => (await apiStates(page)).analytics?.status, { timeout: 10_000 })
      .toBe('denied');
    await page.reload();
    await page.waitForSelector('[data-assent="reopen"]');
    expect(await page.locator('[data-assent="banner"]').count()).toBe(0);
    const rejected = await apiStates(page);
    for (const key of ['analytics', 'marketing_email', 'personalized_ads']) {
      expect(rejected[key]?.status).toBe('denied');
    }
    expect(rejected.face_login?.status).toBe('unset');
    expect(await page.getByTestId('analytics-status').textContent()).toBe('not running');

    // Preferences: grant analytics only.
    await page.locator('[data-assent="reopen"]').click();
    await page.waitForSelector('[data-assent="preferences"]');
    await page.locator('[data-assent-toggle="analytics"]').click();
    await page.locator('[data-assent="save"]').click();
    await expect.poll(() => page.getByTestId('analytics-status').textContent()).toBe('running');
    await expect
      .poll(async () => (await apiStates(page)).analytics?.status, { timeout: 10_000 })
      .toBe('granted');
    const afterSave = await apiStates(page);
    expect(afterSave.face_login?.effective).toBe(false);
    expect(afterSave.share_with_partners?.effective).toBe(false);
    expect(afterSave.marketing_email?.status).toBe('denied');

    // The customer signs in to the shop; its backend vouches for them (identify).
    const email = `e2e-${Date.now()}@example.com`;
    await page.getByTestId('shop-email').fill(email);
    await page.getByTestId('shop-sign-in').click();
    await page.waitForSelector('[data-testid="signed-in-as"]');

    // Portal: sign in with the emailed code and see the same states.
    const portal = await context.newPage();
    await portal.goto(h.stage.portalUrl);
    await portal.getByTestId('email').fill(email);
    await portal.getByTestId('send-code').click();
    await portal.getByTestId('code').waitFor();
    await expect
      .poll(() => latestCode(email).catch(() => null), { timeout: 10_000 })
      .toMatch(/^\d{6}$/);
    await portal.getByTestId('code').fill(await latestCode(email));
    await portal.getByTestId('sign-in').click();
    const analyticsStatus = portal.locator(
      '[data-testid="purpose-analytics"] [data-testid="status"]',
    );
    await expect
      .poll(() => analyticsStatus.getAttribute('data-status'), { timeout: 10_000 })
      .toBe('granted');
    expect(
      await portal
        .locator('[data-testid="purpose-marketing_email"] [data-testid="status"]')
        .getAttribute('data-status'),
    ).toBe('denied');
    expect(
      await portal
        .locator('[data-testid="purpose-face_login"] [data-testid="status"]')
        .getAttribute('data-status'),
    ).toBe('unset');

    // Withdraw analytics in the portal: the shop stops running the gated script.
    await portal.getByTestId('toggle-analytics').click();
    await expect
      .poll(() => analyticsStatus.getAttribute('data-status'), { timeout: 10_000 })
      .toBe('withdrawn');
    await page.reload();
    await page.waitForSelector('[data-assent="reopen"]');
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('analytics-status').textContent()).toBe('not running');
    expect(
      await page.evaluate(
        () => (window as unknown as { demoAnalyticsRuns?: number }).demoAnalyticsRuns ?? 0,
      ),
    ).toBe(0);
    expect((await apiStates(page)).analytics?.status).toBe('withdrawn');
    await context.close();
  });

  it('C5: accept all never grants the sensitive or third-party purposes', async () => {
    const context = await h.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(h.stage.demoUrl);
    await page.locator('[data-assent="accept-all"]').click();
    await expect.poll(() => page.getByTestId('analytics-status').textContent()).toBe('running');
    await expect
      .poll(async () => (await apiStates(page)).analytics?.status, { timeout: 10_000 })
      .toBe('granted');
    const states = await apiStates(page);
    expect(states.personalized_ads?.status).toBe('granted');
    expect(states.face_login?.status).toBe('unset');
    expect(states.share_with_partners?.status).toBe('unset');
    await context.close();
  });
});
