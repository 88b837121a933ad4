// Accessibility in real Chromium against the built bundle: axe-core on every layer, and a
// keyboard-only run (the banner never takes focus; dialogs trap Tab and Shift+Tab; Esc closes).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bannerShown, focusedHook, openPage, useHarness } from './widget-harness.ts';

const h = useHarness();
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResult {
  violations: { id: string; impact: string; nodes: { target: unknown[] }[] }[];
}

/** Runs axe-core (WCAG 2.0-2.2 A and AA rules) on the page, shadow root included. */
async function axe(page: Page): Promise<AxeResult['violations']> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<AxeResult> } }).axe.run(
      { include: [['#assent-root']] },
      {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      },
    ),
  );
  return result.violations.map((v) => ({ ...v, nodes: v.nodes.slice(0, 3) }));
}

describe('widget accessibility', () => {
  for (const theme of ['light', 'dark']) {
    it(`axe-core finds no WCAG 2.2 AA violation in the banner, preferences and separate dialog (${theme})`, async () => {
      const { context, page } = await openPage(h, `/test/widget?theme=${theme}`);
      await bannerShown(page);
      expect(await axe(page)).toEqual([]);
      await page.locator('[data-assent="customize"]').click();
      await page.locator('[data-assent="preferences"]').waitFor();
      expect(await axe(page)).toEqual([]);
      await page.locator('[data-assent="separate-open-face_login"]').click();
      await page.locator('[data-assent="separate-dialog"]').waitFor();
      expect(await axe(page)).toEqual([]);
      await context.close();
    });
  }

  it('axe-core finds no violation in the compact banner at 375 px, nor in the age and guardian steps (C12)', async () => {
    const { context, page } = await openPage(h, '/test/widget', {
      viewport: { width: 375, height: 667 },
      hasTouch: true,
    });
    await bannerShown(page);
    expect(await axe(page)).toEqual([]);
    await page.getByTestId('face').click();
    await page.locator('[data-assent="separate-grant"]').click();
    await page.locator('[data-assent="age-dialog"]').waitFor();
    expect(await focusedHook(page)).toBe('BUTTON'); // focus moved into the age dialog
    expect(await axe(page)).toEqual([]);
    await page.locator('[data-assent="age-no"]').click();
    await page.locator('[data-assent="guardian-confirm"]').waitFor();
    expect(await focusedHook(page)).not.toBeNull(); // focus stays in the dialog between steps
    expect(await axe(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-assent="age-dialog"]').count()).toBe(0);
    expect(await focusedHook(page)).toBe('separate-grant'); // back where it was
    await context.close();
  });

  it('the banner is announced politely and never takes focus from the page', async () => {
    const { context, page } = await openPage(h, '/test/widget');
    await page.getByTestId('page-input').focus();
    await bannerShown(page);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('page-input');
    const live = await page.evaluate(
      () =>
        document
          .getElementById('assent-root')
          ?.shadowRoot?.querySelector('[data-assent="banner"]')
          ?.parentElement?.getAttribute('aria-live') ?? null,
    );
    expect(live).toBe('polite');
    await context.close();
  });

  it('keyboard only: Tab reaches the banner, dialogs trap Tab and Shift+Tab, Esc closes and returns focus', async () => {
    const { context, page } = await openPage(h, '/test/widget');
    await bannerShown(page);
    await page.getByTestId('page-button').focus();
    // Tab from the page into the widget's buttons (the banner is in the tab order after the page).
    let hook: string | null = null;
    for (let i = 0; i < 20 && hook !== 'customize'; i++) {
      await page.keyboard.press('Tab');
      hook = await focusedHook(page);
    }
    expect(hook).toBe('customize');
    await page.keyboard.press('Enter');
    await page.locator('[data-assent="preferences"]').waitFor();
    // Focus moved into the dialog: its first control (close).
    expect(await focusedHook(page)).toBe('BUTTON');
    // Shift+Tab from the first control wraps to the last (Save).
    await page.keyboard.press('Shift+Tab');
    expect(await focusedHook(page)).toBe('save');
    // Tab from the last wraps to the first.
    await page.keyboard.press('Tab');
    expect(await focusedHook(page)).toBe('BUTTON');
    // Walk forward through the whole dialog: focus never leaves it.
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('Tab');
      expect(await focusedHook(page)).not.toBeNull();
    }
    // Space on a switch flips it.
    await page.locator('[data-assent-toggle="analytics"]').focus();
    await page.keyboard.press('Space');
    expect(
      await page.locator('[data-assent-toggle="analytics"]').getAttribute('aria-checked'),
    ).toBe('true');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-assent="preferences"]').count()).toBe(0);
    expect(await focusedHook(page)).toBe('customize');

    // The separate dialog traps Shift+Tab too, and Esc closes it without a decision.
    await page.keyboard.press('Enter');
    await page.locator('[data-assent="separate-open-face_login"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-assent="separate-dialog"]').waitFor();
    await page.keyboard.press('Shift+Tab');
    expect(await focusedHook(page)).toBe('separate-deny');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedHook(page)).toBe('separate-deny');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-assent="separate-dialog"]').count()).toBe(0);
    expect(await focusedHook(page)).toBe('separate-open-face_login');
    // Reject all by keyboard: focus lands on the re-open control, never on nothing.
    await page.keyboard.press('Escape');
    await page.locator('[data-assent="reject-all"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedHook(page)).toBe('reopen');
    await context.close();
  });
});
