// `serverCookie: true` in real Chromium against the real API with ASSENT_DEVICE_COOKIE=true: the
// widget sends credentials, the API sets the device cookie itself (so Safari's 7-day cap on
// script-written cookies does not apply) and answers with credentials for the exact origin; the
// device survives wiped script storage.
import { describe, expect, it } from 'vitest';
import { bannerShown, useHarness } from './widget-harness.ts';

const h = useHarness({ ASSENT_DEVICE_COOKIE: 'true' });

describe('server-set device cookie', () => {
  it('the API sets assent_device (400 days, Lax), the widget never writes it, and it outlives wiped storage', async () => {
    const context = await h.browser.newContext({ locale: 'en-US' });
    await context.addInitScript(() => {
      const w = window as unknown as { assent: unknown[]; scriptCookies: string[] };
      w.assent = [{ serverCookie: true }];
      // Record what page scripts write to document.cookie.
      w.scriptCookies = [];
      const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
      Object.defineProperty(document, 'cookie', {
        get: () => desc?.get?.call(document),
        set: (v: string) => {
          w.scriptCookies.push(v.split('=')[0] ?? '');
          desc?.set?.call(document, v);
        },
      });
    });
    const page = await context.newPage();
    const answer = page.waitForResponse((r) => r.url().includes('/v1/experience'));
    await page.goto(`${h.stage.demoUrl}/test/widget`);
    const res = await answer;
    const headers = await res.allHeaders();
    expect(headers['access-control-allow-credentials']).toBe('true');
    expect(headers['access-control-allow-origin']).toBe(h.stage.demoUrl);
    expect(headers['set-cookie']).toMatch(
      /^assent_device=[A-Za-z0-9_-]{22,}; Path=\/; Max-Age=34560000; SameSite=Lax$/,
    );
    expect(res.request().headers()['x-assent-device']).toBeUndefined(); // no custom header: no preflight
    await bannerShown(page);
    const device = await page.evaluate(() => localStorage.getItem('assent:device'));
    const cookie = (await context.cookies(h.stage.apiUrl)).find((c) => c.name === 'assent_device');
    expect(cookie?.value).toBe(device);
    expect(cookie?.sameSite).toBe('Lax');
    expect((cookie?.expires ?? 0) * 1000 - Date.now()).toBeGreaterThan(399 * 86_400_000);
    const written = await page.evaluate(
      () => (window as unknown as { scriptCookies: string[] }).scriptCookies,
    );
    expect(written).toContain('assent_consent'); // the state copy is still written by the widget
    expect(written).not.toContain('assent_device');

    await page.locator('[data-assent="reject-all"]').click();
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('assent:queue') ?? '[]'))
      .toBe('[]');
    // Script storage wiped (as Safari does after 7 days without a visit): the cookie brings the
    // same device back, so the refusal holds and nothing is asked.
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.locator('[data-assent="reopen"]').waitFor();
    expect(await page.locator('[data-assent="banner"]').count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('assent:device'))).toBe(device);
    await context.close();
  });
});
