// Hostile and unusual host pages in real Chromium against the built bundle: CSS that tries to
// break the widget, a strict CSP, locale fallback and RTL, cookie domains and the re-open option.
import { type Browser, chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bannerShown, openPage, useHarness, windowCount } from './widget-harness.ts';

const h = useHarness();

describe('hostile pages', () => {
  it("the host page's CSS cannot hide or restyle the widget, and the widget's CSS does not leak", async () => {
    const { context, page } = await openPage(h, '/test/hostile-css');
    await bannerShown(page);
    const accept = page.locator('[data-assent="accept-all"]');
    expect(await accept.isVisible()).toBe(true);
    const style = await accept.evaluate((el) => {
      const s = getComputedStyle(el);
      return {
        fontSize: s.fontSize,
        color: s.color,
        transform: s.textTransform,
        spacing: s.letterSpacing,
      };
    });
    expect(style).toEqual({
      fontSize: '14px',
      color: 'rgb(255, 255, 255)',
      transform: 'none',
      spacing: 'normal',
    });
    const bannerPosition = await page
      .locator('[data-assent="banner"]')
      .evaluate((el) => getComputedStyle(el).position);
    expect(bannerPosition).toBe('fixed');
    // The page's own `.banner` / `.btn` elements are untouched by the widget's styles.
    expect(
      await page.getByTestId('page-banner').evaluate((el) => getComputedStyle(el).position),
    ).toBe('static');
    expect(await page.getByTestId('page-btn').evaluate((el) => getComputedStyle(el).position)).toBe(
      'static',
    );
    await accept.click();
    await expect.poll(() => windowCount(page, 'analyticsRuns')).toBe(1);
    await context.close();
  });

  it('works under a strict CSP (nonces only, no unsafe-inline, no eval): styled, gated scripts run, no violation', async () => {
    const { context, page } = await openPage(h, '/test/csp');
    await bannerShown(page);
    expect(
      await page.locator('[data-assent="banner"]').evaluate((el) => getComputedStyle(el).position),
    ).toBe('fixed');
    await page.locator('[data-assent="accept-all"]').click();
    await expect.poll(() => windowCount(page, 'analyticsRuns')).toBe(1);
    expect(await windowCount(page, 'noncedRuns')).toBe(1);
    expect(
      await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    ).toEqual([]);
    // No inline style attributes anywhere in the widget.
    const styled = await page.evaluate(
      () => document.getElementById('assent-root')?.shadowRoot?.querySelectorAll('[style]').length,
    );
    expect(styled).toBe(0);
    await context.close();
  });
});

describe('locales and direction', () => {
  it.each([
    ['/test/widget?lang=zh-TW', 'en-US', '全部接受'], // xx-YY → xx → zh-CN
    ['/test/widget?lang=zh', 'en-US', '全部接受'],
    ['/test/widget?lang=fr-CA', 'en-US', 'Accept all'], // unsupported → the browser's en-US → en
    ['/test/widget', 'zh-CN', '全部接受'], // no <html lang>: the browser
    ['/test/widget?lang=zh-CN&locale=en', 'zh-CN', 'Accept all'], // data-locale wins
    ['/test/widget?lang=fr', 'fr-FR', 'Accept all'], // nothing matches: default
  ])('%s with browser %s shows %s', async (path, locale, label) => {
    const { context, page } = await openPage(h, path, { locale });
    await bannerShown(page);
    expect(await page.locator('[data-assent="accept-all"]').textContent()).toBe(label);
    await context.close();
  });

  it('RTL: product strings for a new locale, mirrored layout', async () => {
    const { context, page } = await openPage(h, '/test/rtl');
    await bannerShown(page);
    expect(await page.locator('[data-assent="accept-all"]').textContent()).toBe('قبول الكل');
    // Strings the product did not give fall back to English.
    expect(await page.locator('[data-assent="banner"] h2').textContent()).toBe('خيارات الخصوصية');
    const dir = await page.evaluate(() =>
      document.getElementById('assent-root')?.shadowRoot?.querySelector('.w')?.getAttribute('dir'),
    );
    expect(dir).toBe('rtl');
    const [accept, reject] = await Promise.all([
      page.locator('[data-assent="accept-all"]').boundingBox(),
      page.locator('[data-assent="reject-all"]').boundingBox(),
    ]);
    expect(accept && reject && accept.x > reject.x).toBe(true); // first button on the right
    await page.locator('[data-assent="reject-all"]').click();
    const reopen = await page.locator('[data-assent="reopen"]').boundingBox();
    const width = page.viewportSize()?.width ?? 0;
    expect((reopen?.x ?? 0) > width / 2).toBe(true);
    await context.close();
  });
});

describe('cookies', () => {
  it('the device cookie goes on the registrable domain, never on a public suffix (shop.example.co.uk)', async () => {
    const port = new URL(h.stage.demoUrl).port;
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP *.co.uk 127.0.0.1'],
      });
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`http://shop.example.co.uk:${port}/test/widget`);
      await expect
        .poll(async () => (await context.cookies()).find((c) => c.name === 'assent_device')?.domain)
        .toBe('.example.co.uk');
      const cookies = await context.cookies();
      expect(cookies.filter((c) => c.domain === '.co.uk' || c.domain === 'co.uk')).toEqual([]);
      expect(cookies.find((c) => c.name === 'assent_probe')).toBeUndefined();
      const device = cookies.find((c) => c.name === 'assent_device')?.value;
      expect(device).toBe(await page.evaluate(() => localStorage.getItem('assent:device')));
    } finally {
      await browser?.close();
    }
  });

  it('reopen: false hides the re-open control (the page links to show("preferences") itself)', async () => {
    const { context, page } = await openPage(h, '/test/widget?reopen=false');
    await bannerShown(page);
    await page.locator('[data-assent="reject-all"]').click();
    await page.waitForTimeout(300);
    expect(await page.locator('[data-assent="reopen"]').count()).toBe(0);
    await page.evaluate(() =>
      (window as unknown as { assent: { show(l: string): void } }).assent.show('preferences'),
    );
    await page.locator('[data-assent="preferences"]').waitFor();
    await context.close();
  });
});
