// Shared steps of the portal's browser tests: sign in with the code from the dev mailbox, and
// axe-core's WCAG 2.2 AA check of the page as it stands.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG A/AA violations axe-core finds on the page (first two nodes of each). */
export async function axe(page: Page) {
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

/** The newest sign-in code mailed to `email`, from the dev mailbox. */
export async function latestCode(apiUrl: string, email: string): Promise<string> {
  const res = await fetch(`${apiUrl}/dev/mailbox.json`);
  const { mails } = (await res.json()) as { mails: { to: string; body: string }[] };
  const code = mails.find((m) => m.to === email)?.body.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error('no sign-in code in the dev mailbox');
  return code;
}

/** Signs in to the portal with an emailed code, as a person would. */
export async function portalSignIn(
  portal: Page,
  stage: { apiUrl: string; portalUrl: string },
  email: string,
) {
  await portal.goto(stage.portalUrl);
  await portal.getByTestId('email').fill(email);
  await portal.getByTestId('send-code').click();
  await portal.getByTestId('code').waitFor();
  await expect
    .poll(() => latestCode(stage.apiUrl, email).catch(() => null), { timeout: 10_000 })
    .toMatch(/^\d{6}$/);
  await portal.getByTestId('code').fill(await latestCode(stage.apiUrl, email));
  await portal.getByTestId('sign-in').click();
}
