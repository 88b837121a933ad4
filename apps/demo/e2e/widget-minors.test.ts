// Minors (C12) in real Chromium against the built bundle: the demo asks the age before face
// sign-in (its `minimumAge`); a person under 14 needs a parent or guardian, whose confirmation
// is sent as `actor: 'guardian'` with the declared band; refusing stays one click.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiStates, bannerShown, openPage, useHarness } from './widget-harness.ts';

const h = useHarness();

type Batch = {
  decisions: { purpose: string; decision: string }[];
  actor?: string;
  ageBand?: string;
};

/** The consent batches the page sends, with the API's status for each. */
function batches(page: Page) {
  const sent: (Batch & { status: number })[] = [];
  page.on('response', (res) => {
    const req = res.request();
    if (req.method() === 'POST' && res.url().endsWith('/v1/consents'))
      sent.push({ ...(req.postDataJSON() as Batch), status: res.status() });
  });
  return sent;
}

describe('C12: minors', () => {
  it('C12: under 14 → the guardian confirms face sign-in; sent as actor=guardian and recorded', async () => {
    const { context, page } = await openPage(h, '/test/widget');
    const sent = batches(page);
    await bannerShown(page);
    await page.getByTestId('face').click();
    await page.locator('[data-assent="separate-grant"]').click();
    const age = page.locator('[data-assent="age-dialog"]');
    expect(await age.textContent()).toContain('Are you 14 or older?');
    await page.locator('[data-assent="age-no"]').click();
    expect(await age.textContent()).toContain('a parent or guardian has to give this consent');
    expect(sent).toEqual([]); // nothing recorded before the guardian confirms
    await page.locator('[data-assent="guardian-confirm"]').click();
    await expect.poll(() => page.getByTestId('face-result').textContent()).toBe('true');
    await expect.poll(() => sent.length, { timeout: 15_000 }).toBe(1);
    expect(sent[0]).toMatchObject({
      actor: 'guardian',
      ageBand: 'under_14',
      status: 201,
      decisions: [{ purpose: 'face_login', decision: 'granted' }],
    });
    expect((await apiStates(h, page)).face_login?.status).toBe('granted');
    await context.close();
  });

  it('C12: a declared minor: accept all needs the guardian, cancel records nothing, reject all is one click', async () => {
    const { context, page } = await openPage(h, '/test/widget');
    const sent = batches(page);
    await bannerShown(page);
    await page.getByTestId('face').click();
    await page.locator('[data-assent="separate-grant"]').click();
    await page.locator('[data-assent="age-no"]').click();
    await page.locator('[data-assent="age-cancel"]').click();
    await page.locator('[data-assent="separate-dialog"] .x').click();
    await expect.poll(() => page.getByTestId('face-result').textContent()).toBe('false');
    await page.locator('[data-assent="accept-all"]').click();
    await page.locator('[data-assent="guardian-confirm"]').waitFor();
    await page.locator('[data-assent="age-cancel"]').click();
    expect(await page.locator('[data-assent="banner"]').isVisible()).toBe(true);
    await page.waitForTimeout(300);
    expect(sent).toEqual([]);
    await page.locator('[data-assent="reject-all"]').click();
    await expect.poll(() => sent.length, { timeout: 15_000 }).toBe(1);
    expect(sent[0]).toMatchObject({ ageBand: 'under_14', status: 201 });
    expect(sent[0]?.actor).toBeUndefined();
    expect(sent[0]?.decisions.every((d) => d.decision === 'denied')).toBe(true);
    await context.close();
  });

  it('C12: 14 or older decides alone, and the question is not asked again', async () => {
    const { context, page } = await openPage(h, '/test/widget');
    const sent = batches(page);
    await bannerShown(page);
    await page.getByTestId('face').click();
    await page.locator('[data-assent="separate-grant"]').click();
    await page.locator('[data-assent="age-yes"]').click();
    await expect.poll(() => sent.length, { timeout: 15_000 }).toBe(1);
    expect(sent[0]).toMatchObject({ ageBand: '14_plus', status: 201 });
    await page.evaluate(() =>
      (window as unknown as { assent: { withdraw(p: string): Promise<void> } }).assent.withdraw(
        'face_login',
      ),
    );
    await page.getByTestId('face').click();
    await page.locator('[data-assent="separate-grant"]').click();
    await expect.poll(() => sent.length, { timeout: 15_000 }).toBe(3);
    expect(await page.locator('[data-assent="age-dialog"]').count()).toBe(0);
    await context.close();
  });

  it('C12: the age question and the guardian step in zh-CN', async () => {
    const { context, page } = await openPage(h, '/test/widget?locale=zh-CN', { locale: 'zh-CN' });
    await bannerShown(page);
    await page.getByTestId('face').click();
    await page.locator('[data-assent="separate-grant"]').click();
    const age = page.locator('[data-assent="age-dialog"]');
    expect(await age.textContent()).toContain('您是否已满 14 周岁');
    await page.locator('[data-assent="age-no"]').click();
    expect(await age.textContent()).toContain('父母或其他监护人');
    expect(await page.locator('[data-assent="guardian-confirm"]').textContent()).toBe(
      '我是其父母或监护人，我同意',
    );
    await context.close();
  });
});
