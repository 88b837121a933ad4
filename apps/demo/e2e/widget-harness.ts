// Shared set-up for the widget's browser tests: the real stage (API serving the BUILT
// widget from packages/sdk/dist, demo shop with its /test pages) and Debian's Chromium.
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { type Stage, startStage } from '../src/stage.ts';
import { launchBrowser } from './browser.ts';

const BUNDLE = new URL('../../../packages/sdk/dist/assent.js', import.meta.url);

export interface Harness {
  stage: Stage;
  browser: Browser;
}

/**
 * Starts stage + browser for one test file (closed after it); the fields are set inside tests
 * and later hooks. @param env extra stage configuration (e.g. a 0-day cooling-off)
 */
export function useHarness(env: Record<string, string> = {}): Harness {
  const h = {} as Harness;
  let closeBrowser: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (!existsSync(BUNDLE))
      throw new Error('Build the widget first: pnpm --filter @assent/sdk build');
    h.stage = await startStage(
      {
        PORT: '0',
        DEMO_PORT: '0',
        ASSENT_DATA_DIR: 'memory://',
        DATABASE_URL: process.env.DATABASE_URL,
        NODE_ENV: 'test',
        ...env,
      },
      process.env.ASSENT_E2E_LOG ? console.log : () => {},
    );
    const b = await launchBrowser();
    h.browser = b.browser;
    closeBrowser = b.close;
  });
  afterAll(async () => {
    await closeBrowser?.();
    await h.stage?.close();
  });
  return h;
}

/** A fresh context (own cookies and storage) and page; English unless `options.locale`. */
export async function openPage(
  h: Harness,
  path: string,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({ locale: 'en-US', ...options });
  const page = await context.newPage();
  await page.goto(`${h.stage.demoUrl}${path}`);
  return { context, page };
}

export type States = Record<
  string,
  { status: string; effective: boolean; decidedAt: string | null }
>;

/** What the API holds for the page's device, read as the widget would. */
export async function apiStates(h: Harness, page: Page): Promise<States> {
  const device = await page.evaluate(() => localStorage.getItem('assent:device'));
  expect(device).toBeTruthy();
  const res = await fetch(`${h.stage.apiUrl}/v1/consents`, {
    headers: { 'x-assent-key': 'pk_demo_shop', 'x-assent-device': device ?? '' },
  });
  return ((await res.json()) as { consents: States }).consents;
}

/** Waits until the banner is shown (the experience has loaded). */
export async function bannerShown(page: Page): Promise<void> {
  await page.locator('[data-assent="banner"]').waitFor({ state: 'visible' });
}

/** The element focused inside the widget's shadow root, as its data-assent hook (or null). */
export function focusedHook(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const el = document.getElementById('assent-root')?.shadowRoot?.activeElement;
    return el
      ? (el.getAttribute('data-assent') ?? el.getAttribute('data-assent-toggle') ?? el.tagName)
      : null;
  });
}

/** Reads a number the page's scripts count on `window` (0 when unset). */
export function windowCount(page: Page, name: string): Promise<number> {
  return page.evaluate((n) => Number((window as unknown as Record<string, unknown>)[n] ?? 0), name);
}
