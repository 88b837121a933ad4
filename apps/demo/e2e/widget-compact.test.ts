// The banner on a 375 px wide phone, in real Chromium against the built bundle: a compact
// layout (short text, purposes on one line, three equal buttons in one row, details behind
// "Customize") that the page can always scroll its own content out from under, with no shift.
import { describe, expect, it } from 'vitest';
import { bannerShown, openPage, useHarness } from './widget-harness.ts';

const h = useHarness();
const PHONE = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, hasTouch: true };

describe('compact banner on a narrow screen', () => {
  it('short text, purposes on one line, three equal buttons in one row; details behind Customize', async () => {
    const { context, page } = await openPage(h, '/test/widget', PHONE);
    await bannerShown(page);
    const banner = page.locator('[data-assent="banner"]');
    expect(await banner.locator('p.short').isVisible()).toBe(true);
    expect(await banner.locator('p.long').isVisible()).toBe(false);
    const boxes = await Promise.all(
      ['accept-all', 'reject-all', 'customize'].map((k) =>
        page.locator(`[data-assent="${k}"]`).boundingBox(),
      ),
    );
    const [accept, reject, customize] = boxes.map((b) => {
      if (!b) throw new Error('button not laid out');
      return b;
    }) as [
      NonNullable<(typeof boxes)[0]>,
      NonNullable<(typeof boxes)[0]>,
      NonNullable<(typeof boxes)[0]>,
    ];
    for (const b of [reject, customize]) {
      expect(Math.abs(b.width - accept.width)).toBeLessThan(1);
      expect(Math.abs(b.height - accept.height)).toBeLessThan(1);
      expect(Math.abs(b.y - accept.y)).toBeLessThan(1);
    }
    const box = await banner.boundingBox();
    console.log(`[compact] banner height at 375x667: ${box?.height.toFixed(0)} px`);
    expect(box?.height ?? 999).toBeLessThan(667 * 0.4);
    // The details are one step away.
    await page.locator('[data-assent="customize"]').click();
    expect(await page.locator('[data-assent="preferences"] dl').count()).toBeGreaterThan(0);
    await context.close();
  });

  it('the page can scroll its last content above the banner; the banner causes no layout shift', async () => {
    const context = await h.browser.newContext({ locale: 'en-US', ...PHONE });
    await context.addInitScript(() => {
      const w = window as unknown as { cls: number };
      w.cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as { value: number }[]) w.cls += e.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    // A long page whose last element sits at the very end of the document (styled before the
    // first paint, so the page itself shifts nothing).
    await context.addInitScript(() => {
      const style = document.createElement('style');
      style.textContent = 'main { padding-top: 1500px }';
      const add = new MutationObserver(() => {
        if (!document.head) return;
        document.head.append(style);
        add.disconnect();
      });
      add.observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    await page.goto(`${h.stage.demoUrl}/test/widget`);
    await bannerShown(page);
    await page.waitForTimeout(200);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForTimeout(200);
    const last = await page.getByTestId('face-result').evaluate((el) => {
      const main = el.closest('main')?.getBoundingClientRect();
      return main?.bottom ?? Number.NaN;
    });
    const top = (await page.locator('[data-assent="banner"]').boundingBox())?.y ?? 0;
    expect(last).toBeLessThanOrEqual(top);
    // The page's own last control is usable while the banner is open.
    await page.getByTestId('face').scrollIntoViewIfNeeded();
    await page.getByTestId('face').click({ trial: true });
    expect(await page.evaluate(() => (window as unknown as { cls: number }).cls)).toBe(0);
    // Once answered, the room the banner took is given back.
    await page.locator('[data-assent="reject-all"]').click();
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (
              document
                .getElementById('assent-root')
                ?.shadowRoot?.querySelector('.sp') as HTMLElement
            )?.offsetHeight,
        ),
      )
      .toBe(0);
    await context.close();
  });
});
