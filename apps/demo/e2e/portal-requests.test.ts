// The portal's rights in real Chromium (issue 5): sign in with a code → change a purpose → the
// widget on the demo shop reflects it on reload → request a copy → the download holds the
// change and the notice text → request deletion → once the cooling-off is over (0 days on this
// stage; the API tests move the clock over the default 7) the data is gone, the shop's data
// provider received the signed call → signing in again shows nothing. axe-core on each page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DEMO_SECRET_KEY } from '@assent/api';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROVIDER_SECRET } from '../src/data-provider.ts';
import { useHarness } from './widget-harness.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const h = useHarness({ ASSENT_ERASURE_COOLING_OFF_DAYS: '0' });

beforeAll(async () => {
  // The shop's backend registers its data provider, as the README shows.
  const res = await fetch(`${h.stage.apiUrl}/v1/server/data-providers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_SECRET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'demo shop orders',
      url: `${h.stage.demoUrl}/assent/data-provider`,
      handles: ['access', 'erasure'],
      secret: DEMO_PROVIDER_SECRET,
    }),
  });
  expect(res.status).toBe(201);
});

async function axe(page: Page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() =>
    (
      window as unknown as {
        axe: {
          run(
            ctx: unknown,
            o: unknown,
          ): Promise<{ violations: { id: string; nodes: unknown[] }[] }>;
        };
      }
    ).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    }),
  );
  return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 2) }));
}

async function latestCode(email: string): Promise<string> {
  const res = await fetch(`${h.stage.apiUrl}/dev/mailbox.json`);
  const { mails } = (await res.json()) as { mails: { to: string; body: string }[] };
  const code = mails.find((m) => m.to === email)?.body.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error('no sign-in code in the dev mailbox');
  return code;
}

async function portalSignIn(portal: Page, email: string) {
  await portal.goto(h.stage.portalUrl);
  await portal.getByTestId('email').fill(email);
  await portal.getByTestId('send-code').click();
  await portal.getByTestId('code').waitFor();
  await expect
    .poll(() => latestCode(email).catch(() => null), { timeout: 10_000 })
    .toMatch(/^\d{6}$/);
  await portal.getByTestId('code').fill(await latestCode(email));
  await portal.getByTestId('sign-in').click();
}

async function apiStates(page: Page) {
  const device = await page.evaluate(() => localStorage.getItem('assent:device'));
  const res = await fetch(`${h.stage.apiUrl}/v1/consents`, {
    headers: { 'x-assent-key': 'pk_demo_shop', 'x-assent-device': device ?? '' },
  });
  return ((await res.json()) as { consents: Record<string, { status: string }> }).consents;
}

describe('portal rights', () => {
  it('R1/R2/R4/R7: change → widget reflects it → export holds it → deletion erases it everywhere', async () => {
    // bypassCSP only lets the test inject axe-core; the portal's CSP forbids inline scripts.
    const context = await h.browser.newContext({
      locale: 'en-US',
      viewport: { width: 375, height: 812 },
      bypassCSP: true,
    });
    const shop = await context.newPage();
    await shop.goto(h.stage.demoUrl);
    await shop.locator('[data-assent="reject-all"]').click();
    const email = `rights-${Date.now()}@example.com`;
    await shop.getByTestId('shop-email').fill(email);
    await shop.getByTestId('shop-sign-in').click();
    await shop.waitForSelector('[data-testid="signed-in-as"]');
    await expect
      .poll(async () => (await apiStates(shop)).analytics?.status, { timeout: 10_000 })
      .toBe('denied');

    // Sign in to the portal and grant analytics there.
    const portal = await context.newPage();
    await portalSignIn(portal, email);
    const status = portal.locator('[data-testid="purpose-analytics"] [data-testid="status"]');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 10_000 }).toBe('denied');
    await portal.getByTestId('toggle-analytics').click();
    await expect
      .poll(() => status.getAttribute('data-status'), { timeout: 10_000 })
      .toBe('granted');

    // History: the decision is there, with its receipt (P4).
    await portal.getByTestId('nav-history').click();
    await portal.getByTestId('history-analytics').first().waitFor();
    expect(await axe(portal)).toEqual([]);

    // The widget on the shop reflects it on reload.
    await shop.reload();
    await expect
      .poll(() => shop.getByTestId('analytics-status').textContent(), { timeout: 10_000 })
      .toBe('running');

    // Request a copy (the sign-in code counts as step-up for 10 minutes).
    await portal.getByTestId('nav-data').click();
    await portal.getByTestId('request-export').waitFor();
    expect(await axe(portal)).toEqual([]);
    await portal.getByTestId('request-export').click();
    await portal.getByTestId('requests').waitFor();
    const json = portal.getByTestId('download-json');
    await json.waitFor({ timeout: 30_000 });
    expect(await axe(portal)).toEqual([]);
    const href = await json.getAttribute('href');
    const doc = (await portal.evaluate(async (url) => (await fetch(url ?? '')).json(), href)) as {
      consentEvents: {
        purpose: string;
        decision: string;
        source: string;
        notice: { content: { title?: string } };
      }[];
      productSystems: { provider: string; status: string; data: unknown }[];
    };
    const granted = doc.consentEvents.find(
      (e) => e.purpose === 'analytics' && e.decision === 'granted',
    );
    expect(granted?.source).toBe('portal');
    expect(granted?.notice.content.title).toBeTruthy();
    expect(doc.productSystems[0]).toMatchObject({
      provider: 'demo shop orders',
      status: 'answered',
    });

    // Request deletion: what goes and what stays is said first; confirm, then it runs.
    await portal.getByTestId('nav-data').click();
    await portal.getByTestId('confirm-delete').check();
    await portal.getByTestId('request-delete').click();
    await expect
      .poll(
        async () => {
          const r = await fetch(`${h.stage.demoUrl}/assent/data-provider/received`);
          const { received } = (await r.json()) as {
            received: { type: string; subject: { email: string } }[];
          };
          return received.some((c) => c.type === 'erasure' && c.subject.email === email);
        },
        { timeout: 30_000 },
      )
      .toBe(true);

    // Gone: the device starts afresh, the session has ended, and signing in shows nothing.
    await expect
      .poll(async () => (await apiStates(shop)).analytics?.status, { timeout: 10_000 })
      .toBe('unset');
    await portal.reload();
    await portal.getByTestId('email').waitFor();
    await portalSignIn(portal, email);
    await expect
      .poll(() => portal.locator('main').textContent(), { timeout: 10_000 })
      .toContain('We hold no consent records');
    expect(await axe(portal)).toEqual([]);
    await context.close();
  });
});
