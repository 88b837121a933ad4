// The portal's consents page in real Chromium (issue 5): after a material notice change the
// grant shows under "Due for re-confirmation" with the notice that changed, and one action
// re-confirms it (C8, C10); the exact notice agreed to downloads as a file (C7); a restriction
// of processing shows on the page and can be lifted (GDPR 18). axe-core on each state.
// Its own stage on a throw-away PGlite folder, because publishing a new notice version means
// restarting on the same data with a changed configuration, as an operator would.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPropertyConfig, demoPropertyConfig } from '@assent/api';
import { createDb } from '@assent/db';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stage, startStage } from '../src/stage.ts';
import { launchBrowser } from './browser.ts';
import { axe, portalSignIn } from './portal-kit.ts';

let dir = '';
let stage: Stage | undefined;
let browser: Browser;
let closeBrowser: (() => Promise<void>) | undefined;
const email = `due-${Date.now()}@example.com`;

/** A stage on the folder; `seed: false` keeps the configuration as the test left it. */
const start = (seed = true) =>
  startStage(
    {
      PORT: '0',
      DEMO_PORT: '0',
      ASSENT_DATA_DIR: dir,
      NODE_ENV: 'test',
      ASSENT_SEED_DEMO: String(seed),
    },
    process.env.ASSENT_E2E_LOG ? console.log : () => {},
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assent-e2e-'));
  ({ browser, close: closeBrowser } = await launchBrowser());
  // 1. The customer accepts everything on the shop and signs in there (linking the email).
  stage = await start();
  const context = await browser.newContext({ locale: 'en-US' });
  const shop = await context.newPage();
  await shop.goto(stage.demoUrl);
  await shop.locator('[data-assent="accept-all"]').click();
  await shop.getByTestId('shop-email').fill(email);
  await shop.getByTestId('shop-sign-in').click();
  await shop.waitForSelector('[data-testid="signed-in-as"]');
  await context.close();
  await stage.close();
  stage = undefined;
  // 2. The shop changes what analytics does: a material new notice version.
  const database = await createDb({ dataDir: dir });
  const cfg = demoPropertyConfig([]);
  const analytics = cfg.purposes.find((p) => p.key === 'analytics');
  if (!analytics?.notices.en) throw new Error('fixture');
  analytics.notices.en.methods = 'A first-party script and a new session-replay tool.';
  await applyPropertyConfig(database.db, cfg);
  await database.close();
  // 3. Back up on the same data (without re-applying the demo file, which would undo step 2).
  stage = await start(false);
});
afterAll(async () => {
  await closeBrowser?.();
  await stage?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('consents page', () => {
  it('C7/C8/C10/GDPR 18: what is due is listed with the changed notice and re-confirmed in one action; the agreed notice downloads; a restriction shows and lifts', async () => {
    if (!stage) throw new Error('no stage');
    // bypassCSP only lets the test inject axe-core; the portal's CSP forbids inline scripts.
    const context = await browser.newContext({
      locale: 'en-US',
      viewport: { width: 375, height: 812 },
      bypassCSP: true,
      acceptDownloads: true,
    });
    const portal = await context.newPage();
    await portalSignIn(portal, stage, email);

    // Due: analytics, stale since the notice changed; nothing else (the rest is fresh).
    const due = portal.getByTestId('reconfirm-due');
    await due.waitFor({ timeout: 10_000 });
    const item = due.getByTestId('due-analytics');
    expect(await item.getAttribute('data-reason')).toBe('stale');
    expect(await item.textContent()).toMatch(/Notice changed: version 1 → \d/);
    expect(await due.locator('[data-reason]').count()).toBe(1);
    await item.locator('summary').click();
    expect(await item.textContent()).toContain('session-replay');
    expect(await axe(portal)).toEqual([]);

    // The notice agreed to (version 1) downloads as a file with its hash.
    const card = portal.getByTestId('purpose-analytics');
    await card.locator('details summary').click();
    const [download] = await Promise.all([
      portal.waitForEvent('download'),
      card.getByTestId('notice-txt-analytics').click(),
    ]);
    expect(download.suggestedFilename()).toBe('notice-analytics-v1-en.txt');
    const stream = await download.createReadStream();
    let text = '';
    for await (const chunk of stream) text += chunk;
    expect(text).toMatch(/SHA-256: [0-9a-f]{64}/);
    expect(text).not.toContain('session-replay');

    // One action re-confirms it under the new notice.
    await portal.getByTestId('reconfirm-all').click();
    await expect
      .poll(() => portal.getByRole('status').first().textContent(), { timeout: 10_000 })
      .toContain('Re-confirmed (1)');
    expect(await portal.getByTestId('reconfirm-due').count()).toBe(0);
    expect(await card.getByTestId('status').getAttribute('data-status')).toBe('granted');

    // Restrict processing from "My data"; the consents page says so; lifting ends it.
    await portal.getByTestId('nav-data').click();
    await portal.getByTestId('restrict-processing').click();
    await portal.getByTestId('request-restriction').waitFor({ timeout: 10_000 });
    await portal.getByTestId('nav-consents').click();
    const restricted = portal.getByTestId('restricted');
    await restricted.waitFor({ timeout: 10_000 });
    expect(await axe(portal)).toEqual([]);
    await portal.getByTestId('lift-restriction').click();
    await restricted.waitFor({ state: 'detached', timeout: 10_000 });
    await context.close();
  });
});
