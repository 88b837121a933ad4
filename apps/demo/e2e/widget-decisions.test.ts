// The widget's decisions in real Chromium against the built bundle: what is saved, when, and
// that nothing is lost or turned into a grant (offline, API down, storage blocked, GPC).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiStates, bannerShown, openPage, useHarness, windowCount } from './widget-harness.ts';

const h = useHarness();
const ORDINARY = ['analytics', 'marketing_email', 'personalized_ads'];

/** Counts the consent batches the API accepted (201) and their events, from the page's view. */
function recordResponses(page: Page) {
  const seen = { accepted: 0, events: 0, keys: [] as string[] };
  page.on('response', async (res) => {
    if (!res.url().endsWith('/v1/consents') || res.request().method() !== 'POST') return;
    seen.keys.push(res.request().headers()['idempotency-key'] ?? '');
    if (res.status() !== 201) return;
    seen.accepted++;
    seen.events += ((await res.json()) as { events: unknown[] }).events.length;
  });
  return seen;
}

describe('widget decisions', () => {
  it('C3: reject all, then reload: every ordinary purpose denied, nothing asked, nothing runs', async () => {
    const { context, page } = await openPage(h, '/test/widget');
    await bannerShown(page);
    await page.locator('[data-assent="reject-all"]').click();
    await expect
      .poll(async () => (await apiStates(h, page)).analytics?.status, { timeout: 15_000 })
      .toBe('denied');
    await page.reload();
    await page.locator('[data-assent="reopen"]').waitFor();
    expect(await page.locator('[data-assent="banner"]').count()).toBe(0);
    const states = await apiStates(h, page);
    for (const key of ORDINARY) expect(states[key]?.status).toBe('denied');
    expect(states.face_login?.status).toBe('unset');
    expect(await windowCount(page, 'analyticsRuns')).toBe(0);
    expect(await page.getByTestId('placeholder').isVisible()).toBe(true);
    await context.close();
  });

  it('C1: customize, flip a switch, close without saving: nothing is recorded', async () => {
    const { context, page } = await openPage(h, '/test/widget');
    const posts = recordResponses(page);
    await bannerShown(page);
    await page.locator('[data-assent="customize"]').click();
    const toggle = page.locator('[data-assent-toggle="analytics"]');
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-assent="preferences"]').count()).toBe(0);
    // The banner is still there: closing preferences is not a decision.
    expect(await page.locator('[data-assent="banner"]').isVisible()).toBe(true);
    await page.locator('[data-assent="customize"]').click();
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await page.locator('[data-assent="preferences"] .x').click();
    await page.waitForTimeout(300);
    expect(posts.keys).toEqual([]);
    expect(await page.evaluate(() => localStorage.getItem('assent:queue'))).toBeNull();
    for (const key of ORDINARY) expect((await apiStates(h, page))[key]?.status).toBe('unset');
    await page.reload();
    await bannerShown(page);
    await context.close();
  });

  it('C5/C6: request() opens the separate dialog with necessity and impact; its answer resolves the promise', async () => {
    const { context, page } = await openPage(h, '/test/widget');
    await bannerShown(page);
    await page.getByTestId('face').click();
    const dialog = page.locator('[data-assent="separate-dialog"]');
    await dialog.waitFor();
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain('Why it is necessary');
    expect(text).toContain('Impact on your rights');
    await page.locator('[data-assent="separate-grant"]').click();
    // The demo asks the age before face sign-in (minimumAge; C12): 14 or older decides alone.
    await page.locator('[data-assent="age-yes"]').click();
    await expect.poll(() => page.getByTestId('face-result').textContent()).toBe('true');
    await expect
      .poll(async () => (await apiStates(h, page)).face_login?.status, { timeout: 15_000 })
      .toBe('granted');
    // The banner's ordinary purposes were untouched by the separate answer.
    expect((await apiStates(h, page)).analytics?.status).toBe('unset');

    // From preferences: Review → the same dialog; refusing withdraws.
    await page.locator('[data-assent="customize"]').click();
    // The "Asked separately" list uses the portal's words: never decided is "Not decided yet".
    const row = (key: string) =>
      page.locator('div.p', { has: page.locator(`[data-assent="separate-open-${key}"]`) });
    expect(await row('face_login').textContent()).toContain('Agreed');
    expect(await row('share_with_partners').textContent()).toContain('Not decided yet');
    await page.locator('[data-assent="separate-open-face_login"]').click();
    await page.locator('[data-assent="separate-deny"]').click();
    await expect
      .poll(async () => (await apiStates(h, page)).face_login?.status, { timeout: 15_000 })
      .toBe('withdrawn');
    await context.close();
  });

  it('C10: a re-confirmation banner lists only the due purposes with their notice, and renews only them', async () => {
    const { context, page } = await openPage(h, '/test/widget');
    await bannerShown(page);
    await page.locator('[data-assent="accept-all"]').click();
    await expect
      .poll(async () => (await apiStates(h, page)).analytics?.status, { timeout: 15_000 })
      .toBe('granted');
    // The API says analytics is due for re-confirmation (as it does inside the reminder window).
    await page.route(`${h.stage.apiUrl}/v1/experience*`, async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { ask: { banner: boolean; reconfirm: string[] } };
      body.ask = { ...body.ask, banner: false, reconfirm: ['analytics'] };
      await route.fulfill({ response: res, json: body });
    });
    const bodies: { decisions: { purpose: string; decision: string }[] }[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/v1/consents') && req.method() === 'POST')
        bodies.push(req.postDataJSON());
    });
    await page.reload();
    await bannerShown(page);
    const items = page.locator('[data-assent="banner"] li');
    expect(await items.count()).toBe(1);
    expect(await items.first().getAttribute('data-assent-purpose')).toBe('analytics');
    expect(await page.locator('[data-assent="banner"]').textContent()).toContain('renewing');
    await page.locator('[data-assent="accept-all"]').click();
    await expect.poll(() => bodies.length, { timeout: 15_000 }).toBe(1);
    expect(bodies[0]?.decisions.map((d) => [d.purpose, d.decision])).toEqual([
      ['analytics', 'granted'],
    ]);
    await context.close();
  });

  it('a decision made offline is kept, applied at once, and stored exactly once when back online', async () => {
    const { context, page } = await openPage(h, '/test/widget');
    const posts = recordResponses(page);
    await bannerShown(page);
    await context.setOffline(true);
    await page.locator('[data-assent="customize"]').click();
    await page.locator('[data-assent-toggle="analytics"]').click();
    await page.locator('[data-assent="save"]').click();
    // Applied locally at once: the gated script runs, though the API has not heard of it.
    await expect.poll(() => windowCount(page, 'analyticsRuns')).toBe(1);
    const queued = await page.evaluate(() =>
      JSON.parse(localStorage.getItem('assent:queue') ?? '[]'),
    );
    expect(queued).toHaveLength(1);
    expect((await apiStates(h, page)).analytics?.status).toBe('unset');
    await page.waitForTimeout(2500); // at least one retry fails while offline
    await context.setOffline(false);
    await expect
      .poll(async () => (await apiStates(h, page)).analytics?.status, { timeout: 20_000 })
      .toBe('granted');
    await page.waitForTimeout(1000);
    expect(posts.accepted).toBe(1);
    // One batch: analytics granted, marketing_email and personalized_ads denied.
    expect(posts.events).toBe(3);
    expect(new Set(posts.keys.filter(Boolean)).size).toBe(1);
    expect(await page.evaluate(() => localStorage.getItem('assent:queue'))).toBeNull();
    await context.close();
  });

  it('C1: API down on load: the stored refusal holds, nothing is granted, no gated script runs', async () => {
    const { context, page } = await openPage(h, '/test/widget');
    await bannerShown(page);
    await page.locator('[data-assent="reject-all"]').click();
    await expect
      .poll(async () => (await apiStates(h, page)).analytics?.status, { timeout: 15_000 })
      .toBe('denied');
    await page.route(`${h.stage.apiUrl}/v1/**`, (route) => route.fulfill({ status: 503 }));
    await page.reload();
    const consent = await page.evaluate(
      () =>
        new Promise<Record<string, boolean>>((resolve) =>
          (window as unknown as { assent: unknown[] }).assent.push(
            (a: { on: (n: string, cb: (c: Record<string, boolean>) => void) => void }) =>
              a.on('ready', resolve),
          ),
        ),
    );
    for (const key of ORDINARY) expect(consent[key]).toBe(false);
    expect(
      await page.evaluate(() =>
        (window as unknown as { assent: { has(e: string): boolean } }).assent.has(
          'analytics or personalized_ads',
        ),
      ),
    ).toBe(false);
    await page.waitForTimeout(500);
    expect(await windowCount(page, 'analyticsRuns')).toBe(0);
    expect(await page.locator('[data-assent="banner"]').count()).toBe(0);
    await context.close();
  });

  it('storage and cookies blocked: the widget works from memory and records the choice', async () => {
    const context = await h.browser.newContext({ locale: 'en-US' });
    await context.addInitScript(() => {
      const blocked = () => {
        throw new DOMException('blocked', 'SecurityError');
      };
      Object.defineProperty(window, 'localStorage', { get: blocked });
      Object.defineProperty(Document.prototype, 'cookie', { get: blocked, set: blocked });
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const posts = recordResponses(page);
    await page.goto(`${h.stage.demoUrl}/test/widget`);
    await bannerShown(page);
    await page.locator('[data-assent="accept-all"]').click();
    await expect.poll(() => windowCount(page, 'analyticsRuns')).toBe(1);
    await expect.poll(() => posts.accepted, { timeout: 15_000 }).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('C13: navigator.globalPrivacyControl → GPC honoured note, ads opted out, accept all leaves them out', async () => {
    const context = await h.browser.newContext({ locale: 'en-US' });
    await context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });
    });
    const page = await context.newPage();
    await page.goto(`${h.stage.demoUrl}/test/widget`);
    await page.locator('[data-assent="gpc-note"]').waitFor();
    expect((await apiStates(h, page)).personalized_ads?.status).toBe('denied');
    const banner = page.locator('[data-assent="banner"]');
    if (await banner.count()) {
      await page.locator('[data-assent="accept-all"]').click();
      await expect
        .poll(async () => (await apiStates(h, page)).analytics?.status, { timeout: 15_000 })
        .toBe('granted');
    }
    expect((await apiStates(h, page)).personalized_ads?.effective).toBe(false);
    await context.close();
  });

  it('C13: the Sec-GPC header alone is honoured too', async () => {
    const context = await h.browser.newContext({
      locale: 'en-US',
      extraHTTPHeaders: { 'Sec-GPC': '1' },
    });
    const page = await context.newPage();
    await page.goto(`${h.stage.demoUrl}/test/widget`);
    await page.locator('[data-assent="gpc-note"]').waitFor({ timeout: 15_000 });
    expect((await apiStates(h, page)).personalized_ads?.status).toBe('denied');
    await context.close();
  });
});
