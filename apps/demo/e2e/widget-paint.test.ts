// How fast the banner appears, in real Chromium against the built bundle: the experience request
// is a CORS simple request (no preflight), and a repeat visit draws the banner from the stored
// copy before the API answers, without flicker, a second 'shown' or a layout shift. Timings are
// asserted in the benchmark (`pnpm --filter @assent/sdk bench:paint`), not here.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bannerShown, useHarness } from './widget-harness.ts';

const h = useHarness();

/** Every CORS preflight (OPTIONS) the page's network sends, seen through the DevTools protocol. */
async function preflights(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const seen: string[] = [];
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.method === 'OPTIONS') seen.push(e.request.url);
  });
  return seen;
}

/** Holds every experience answer back by `ms`, so what is drawn before it is visible. */
async function slowExperience(context: BrowserContext, ms: number): Promise<void> {
  await context.route(`${h.stage.apiUrl}/v1/experience*`, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  });
}

/** A context that logs 'shown', 'ready' and layout shifts, and whether a banner ever existed. */
async function watchedContext(): Promise<BrowserContext> {
  const context = await h.browser.newContext({ locale: 'en-US' });
  await context.addInitScript(() => {
    const w = window as unknown as { log: string[]; cls: number; everBanner: boolean };
    w.log = [];
    w.cls = 0;
    w.everBanner = false;
    for (const n of ['shown', 'ready']) addEventListener(`assent:${n}`, () => w.log.push(n));
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { value: number }[]) w.cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
    const look = () => {
      const root = document.getElementById('assent-root')?.shadowRoot;
      if (root?.querySelector('[data-assent="banner"]')) w.everBanner = true;
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  return context;
}

/** When (page ms) the banner was drawn and the experience answer arrived. */
function timings(page: Page) {
  return page.evaluate(() => {
    const exp = performance
      .getEntriesByType('resource')
      .find((e) => e.name.includes('/v1/experience')) as PerformanceResourceTiming | undefined;
    return {
      banner: performance.getEntriesByName('assent:banner')[0]?.startTime ?? Number.NaN,
      answer: exp?.responseEnd ?? Number.NaN,
      url: exp?.name ?? '',
    };
  });
}

describe('banner paint', () => {
  it('the experience request carries key and device in the query: no preflight (the detector sees one when there is)', async () => {
    const context = await h.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const seen = await preflights(page);
    await page.goto(`${h.stage.demoUrl}/test/widget`);
    await bannerShown(page);
    const { url } = await timings(page);
    expect(url).toMatch(/\/v1\/experience\?key=pk_demo_shop&device=[A-Za-z0-9_-]{22,}&locale=en/);
    expect(seen).toEqual([]);
    // Control: a request with a custom header is preflighted, and the detector reports it.
    await page.evaluate(
      (api) =>
        fetch(`${api}/v1/consents`, { headers: { 'X-Assent-Key': 'pk_demo_shop' } }).catch(
          () => null,
        ),
      h.stage.apiUrl,
    );
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    expect(seen[0]).toContain('/v1/consents');
    await context.close();
  });

  it('repeat visit: the banner comes from the stored copy before the API answers; no redraw, one shown, no shift', async () => {
    const context = await watchedContext();
    const page = await context.newPage();
    await page.goto(`${h.stage.demoUrl}/test/widget`);
    await bannerShown(page);
    await slowExperience(context, 1500);
    await page.reload();
    await bannerShown(page);
    // Drawn while the experience request was still held back.
    const early = await timings(page);
    expect(Number.isNaN(early.answer)).toBe(true);
    await page.evaluate(() => {
      (window as unknown as { drawn: Element | null }).drawn =
        document
          .getElementById('assent-root')
          ?.shadowRoot?.querySelector('[data-assent="banner"]') ?? null;
    });
    await expect
      .poll(async () => (await timings(page)).answer, { timeout: 10_000 })
      .toBeGreaterThan(0);
    const t = await timings(page);
    expect(t.banner).toBeLessThan(t.answer);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { log: string[] }).log))
      .toContain('ready');
    await page.waitForTimeout(300);
    const after = await page.evaluate(() => {
      const w = window as unknown as { log: string[]; cls: number; drawn: Element | null };
      return { log: w.log, cls: w.cls, same: w.drawn?.isConnected === true };
    });
    expect(after.same).toBe(true); // the answer matched the copy: the banner was not redrawn
    expect(after.log.filter((e) => e === 'shown')).toEqual(['shown']);
    expect(after.cls).toBe(0);
    // Answering the banner drawn from the copy is recorded like any decision.
    await page.locator('[data-assent="reject-all"]').click();
    await expect.poll(() => page.locator('[data-assent="banner"]').count()).toBe(0);
    await context.close();
  });

  it('repeat visit after a decision: the banner never appears, not even for a moment', async () => {
    const context = await watchedContext();
    const page = await context.newPage();
    await page.goto(`${h.stage.demoUrl}/test/widget`);
    await bannerShown(page);
    await page.locator('[data-assent="reject-all"]').click();
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('assent:queue') ?? '[]'))
      .toBe('[]');
    await slowExperience(context, 800);
    await page.reload();
    await page.locator('[data-assent="reopen"]').waitFor();
    await expect
      .poll(async () => (await timings(page)).answer, { timeout: 10_000 })
      .toBeGreaterThan(0);
    await page.waitForTimeout(300);
    expect(
      await page.evaluate(() => (window as unknown as { everBanner: boolean }).everBanner),
    ).toBe(false);
    await context.close();
  });

  it('first visit: with nothing stored the banner waits for the API', async () => {
    const context = await watchedContext();
    await slowExperience(context, 1200);
    const page = await context.newPage();
    await page.goto(`${h.stage.demoUrl}/test/widget`);
    await page.waitForTimeout(600);
    expect(
      await page.evaluate(() => (window as unknown as { everBanner: boolean }).everBanner),
    ).toBe(false);
    await bannerShown(page);
    const t = await timings(page);
    expect(t.banner).toBeGreaterThanOrEqual(t.answer);
    await context.close();
  });
});
