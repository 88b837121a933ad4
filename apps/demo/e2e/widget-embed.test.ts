// The one-line embed in real Chromium against the built bundle: the command queue and events,
// has() expressions, script/iframe gating, cookie clean-up, Consent Mode order, performance.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiStates, bannerShown, openPage, useHarness, windowCount } from './widget-harness.ts';

const h = useHarness();
type Win = {
  assent: { has(e: string): boolean; getConsent(): Record<string, boolean> };
  log: string[];
};

const evalHas = (page: Page, expr: string) =>
  page.evaluate((e) => (window as unknown as Win).assent.has(e), expr);

describe('embed and API', () => {
  it('queued calls run once loaded; late subscribers get the state replayed; events also on window', async () => {
    const context = await h.browser.newContext({ locale: 'en-US' });
    await context.addInitScript(() => {
      const w = window as unknown as { log: string[]; assent: unknown[] };
      w.log = [];
      w.assent = [
        (a: { on(n: string, cb: (x: unknown) => void): void }) => {
          a.on('ready', (c) => w.log.push(`ready:${(c as Record<string, boolean>).analytics}`));
          a.on('change', (c) => w.log.push(`change:${(c as Record<string, boolean>).analytics}`));
          a.on('shown', (s) => w.log.push(`shown:${s}`));
        },
      ];
      for (const n of ['ready', 'change', 'shown']) {
        addEventListener(`assent:${n}`, () => w.log.push(`window:${n}`));
      }
    });
    const page = await context.newPage();
    await page.goto(`${h.stage.demoUrl}/test/widget`);
    await bannerShown(page);
    await page.locator('[data-assent="accept-all"]').click();
    await expect.poll(() => windowCount(page, 'analyticsRuns')).toBe(1);
    const log = await page.evaluate(() => (window as unknown as Win).log);
    expect(log).toEqual(
      expect.arrayContaining([
        'ready:false',
        'window:ready',
        'shown:banner',
        'window:shown',
        'change:true',
        'window:change',
      ]),
    );
    expect(log.indexOf('ready:false')).toBeLessThan(log.indexOf('change:true'));
    // A late subscriber is called at once with the current consent.
    const late = await page.evaluate(
      () =>
        new Promise<boolean>((resolve) =>
          (
            window as unknown as {
              assent: { on(n: string, cb: (c: Record<string, boolean>) => void): void };
            }
          ).assent.on('change', (c) => resolve(c.analytics === true)),
        ),
    );
    expect(late).toBe(true);
    // Expressions: AND / OR / NOT; a separate-consent purpose is not part of accept all (C5).
    expect(await evalHas(page, 'analytics and personalized_ads')).toBe(true);
    expect(await evalHas(page, 'analytics and face_login')).toBe(false);
    expect(await evalHas(page, 'face_login or marketing_email')).toBe(true);
    expect(await evalHas(page, 'not face_login')).toBe(true);
    expect(await evalHas(page, 'analytics and')).toBe(false);
    await context.close();
  });

  it('S3: gated scripts and iframes stay inert before consent, run once after it, also when added later', async () => {
    const { context, page } = await openPage(h, '/test/widget');
    await bannerShown(page);
    expect(await windowCount(page, 'analyticsRuns')).toBe(0);
    expect(await windowCount(page, 'adsRuns')).toBe(0);
    expect(await windowCount(page, 'noAdsRuns')).toBe(1); // `not personalized_ads` holds before consent
    expect(await page.getByTestId('map').getAttribute('src')).toBeNull();
    expect(await page.getByTestId('placeholder').isVisible()).toBe(true);
    await page.getByTestId('add-gated').click();
    await page.waitForTimeout(200);
    expect(await windowCount(page, 'lateRuns')).toBe(0);

    await page.locator('[data-assent="customize"]').click();
    await page.locator('[data-assent-toggle="analytics"]').click();
    await page.locator('[data-assent="save"]').click();
    await expect.poll(() => windowCount(page, 'analyticsRuns')).toBe(1);
    expect(await windowCount(page, 'lateRuns')).toBe(1);
    expect(await windowCount(page, 'adsRuns')).toBe(0); // needs analytics AND personalized_ads
    expect(await page.getByTestId('map').getAttribute('src')).toBe('/test/frame');
    expect(await page.getByTestId('placeholder').isVisible()).toBe(false);
    // Added after consent: runs at once. Scripts never run twice.
    await page.getByTestId('add-gated').click();
    await expect.poll(() => windowCount(page, 'lateRuns')).toBe(2);
    await page.locator('[data-assent="reopen"]').click();
    await page.locator('[data-assent="save"]').click();
    await page.waitForTimeout(300);
    expect(await windowCount(page, 'analyticsRuns')).toBe(1);
    await context.close();
  });

  it('C9: withdrawing analytics deletes its cookies by pattern', async () => {
    const { context, page } = await openPage(h, '/test/widget?cookies=1');
    await bannerShown(page);
    await page.locator('[data-assent="accept-all"]').click();
    await expect.poll(() => windowCount(page, 'analyticsRuns')).toBe(1);
    const url = h.stage.demoUrl;
    await context.addCookies([
      { name: '_ga', value: 'GA1.1.123', url },
      { name: '_ga_XYZ', value: 'GS1.1', url },
      { name: 'keep_me', value: '1', url },
    ]);
    await page.evaluate(() =>
      (window as unknown as { assent: { withdraw(p: string): Promise<void> } }).assent.withdraw(
        'analytics',
      ),
    );
    await expect.poll(() => page.evaluate(() => document.cookie)).not.toContain('_ga');
    const cookies = await page.evaluate(() => document.cookie);
    expect(cookies).toContain('keep_me=1');
    expect(cookies).toContain('assent_consent=');
    expect(cookies).toContain('analytics:0');
    await expect
      .poll(async () => (await apiStates(h, page)).analytics?.status, { timeout: 15_000 })
      .toBe('withdrawn');
    await context.close();
  });

  it('Consent Mode v2: the denied default is in dataLayer before the first tag; decisions update it', async () => {
    const { context, page } = await openPage(h, '/test/consent-mode');
    await expect
      .poll(() =>
        page.evaluate(() => Array.isArray((window as unknown as { tagSaw?: unknown }).tagSaw)),
      )
      .toBe(true);
    const saw = await page.evaluate(() => (window as unknown as { tagSaw: unknown[][] }).tagSaw);
    expect(saw[0]).toEqual([
      'consent',
      'default',
      {
        analytics_storage: 'denied',
        ad_storage: 'denied',
        ad_user_data: 'denied',
        ad_personalization: 'denied',
        wait_for_update: 500,
      },
    ]);
    await bannerShown(page);
    await page.locator('[data-assent="accept-all"]').click();
    await expect
      .poll(() =>
        page.evaluate(() =>
          Array.isArray((window as unknown as { gatedTagSaw?: unknown }).gatedTagSaw),
        ),
      )
      .toBe(true);
    const layer = await page.evaluate(() =>
      (window as unknown as { dataLayer: IArguments[] }).dataLayer.map((e) => Array.from(e)),
    );
    const last = layer[layer.length - 1];
    expect(last?.slice(0, 2)).toEqual(['consent', 'update']);
    expect(last?.[2]).toEqual({
      analytics_storage: 'granted',
      ad_storage: 'granted',
      ad_user_data: 'granted',
      ad_personalization: 'granted',
    });
    // The gated tag ran only after the update granting analytics.
    const gated = await page.evaluate(
      () => (window as unknown as { gatedTagSaw: unknown[][] }).gatedTagSaw,
    );
    expect(
      gated.some(
        (e) =>
          e[1] === 'update' && (e[2] as Record<string, string>).analytics_storage === 'granted',
      ),
    ).toBe(true);
    await context.close();
  });
});

describe('performance (recorded, not asserted; the budget is in `pnpm --filter @assent/sdk bench:paint`)', () => {
  it('banner paint after script start (first load, then repeat visits from the stored copy), and cumulative layout shift on the demo shop', async () => {
    const context = await h.browser.newContext({ locale: 'en-US' });
    await context.addInitScript(() => {
      const w = window as unknown as { cls: number; shifted: string[] };
      w.cls = 0;
      w.shifted = [];
      type Shift = { value: number; hadRecentInput: boolean; sources: { node?: Node }[] };
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as Shift[]) {
          if (e.hadRecentInput) continue;
          w.cls += e.value;
          for (const s of e.sources)
            w.shifted.push((s.node as Element | undefined)?.id || (s.node?.nodeName ?? '?'));
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    const figures: {
      paint: number;
      api: number;
      render: number;
      cls: number;
      shifted: string[];
    }[] = [];
    for (let i = 0; i < 5; i++) {
      const page = await context.newPage();
      await page.goto(h.stage.demoUrl);
      await bannerShown(page);
      figures.push(
        await page.evaluate(
          () =>
            new Promise<{
              paint: number;
              api: number;
              render: number;
              cls: number;
              shifted: string[];
            }>((resolve) =>
              requestAnimationFrame(() =>
                setTimeout(() => {
                  const mark = (n: string) =>
                    performance.getEntriesByName(n)[0]?.startTime ?? Number.NaN;
                  const api = performance
                    .getEntriesByType('resource')
                    .find((e) => e.name.includes('/v1/experience')) as
                    | PerformanceResourceTiming
                    | undefined;
                  const w = window as unknown as { cls: number; shifted: string[] };
                  resolve({
                    paint: mark('assent:banner') - mark('assent:start'),
                    api: api ? api.responseEnd - api.startTime : Number.NaN,
                    render: mark('assent:banner') - (api?.responseEnd ?? Number.NaN),
                    cls: w.cls,
                    shifted: w.shifted,
                  });
                }),
              ),
            ),
        ),
      );
      await page.close();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const [first, ...repeats] = figures;
    console.log(
      `[perf] banner rendered after script start: first load ${first?.paint.toFixed(1)} ms (experience round trip ${first?.api.toFixed(1)} ms), repeat visits median ${median(repeats.map((f) => f.paint))?.toFixed(1)} ms (drawn from the stored copy); CLS max ${Math.max(...figures.map((f) => f.cls))} (shifted: ${[...new Set(figures.flatMap((f) => f.shifted))].join(', ') || 'nothing'})`,
    );
    expect(figures).toHaveLength(5);
    await context.close();
  });
});
