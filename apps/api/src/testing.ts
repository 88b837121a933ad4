// Test harness: the real app on a real, isolated database (PGlite, or Postgres when
// DATABASE_URL is set), with a clock the test moves.
import { createTestDb } from '@assent/db/testing';
import { SignJWT } from 'jose';
import { createApp } from './app.ts';
import { loadConfig } from './env.ts';
import { devMailer } from './mailer.ts';
import { keyringFromConfig } from './security/keyring.ts';
import { DEMO_IDENTITY_SECRET, DEMO_PUBLISHABLE_KEY } from './seed/demo-property.ts';
import { seedDemo } from './seed/seed-demo.ts';

export const TEST_ORIGIN = 'https://shop.example';

/**
 * Builds the app with the demo property seeded and a movable clock starting at 2026-01-01.
 * @param env extra configuration variables (e.g. `ASSENT_ALERT_WEBHOOK_URL`)
 */
export async function createTestApp(env: Record<string, string> = {}) {
  const database = await createTestDb();
  let now = Date.parse('2026-01-01T00:00:00Z');
  const config = loadConfig({
    NODE_ENV: 'test',
    ASSENT_PUBLIC_URL: 'http://localhost:4000',
    ...env,
  });
  const keyring = await keyringFromConfig(database.db, config.security, now);
  const propertyId = await seedDemo(database, [TEST_ORIGIN], keyring);
  const app = createApp(
    { database, config, clock: () => now, mailer: devMailer(database, () => {}), keyring },
    process.env.ASSENT_TEST_LOG ? console.log : () => {},
  );
  let deviceCounter = 0;
  return {
    app,
    database,
    keyring,
    propertyId,
    clock: {
      now: () => now,
      advanceDays(days: number) {
        now += days * 86_400_000;
      },
    },
    /** A fresh random-looking device id. */
    newDevice: () =>
      `device_${(++deviceCounter).toString().padStart(4, '0')}_${crypto.randomUUID().replaceAll('-', '')}`,
    /** Headers the widget sends. */
    widgetHeaders(device: string, extra: Record<string, string> = {}) {
      return {
        'x-assent-key': DEMO_PUBLISHABLE_KEY,
        'x-assent-device': device,
        origin: TEST_ORIGIN,
        'content-type': 'application/json',
        'user-agent': 'vitest',
        ...extra,
      };
    },
    /**
     * The body the widget posts for one decision: reads the experience for the notice shown.
     * `via` overrides `source`/`surface` (default a preferences save) or adds fields.
     * @throws when the experience call does not succeed or has no such purpose.
     */
    async decisionBody(
      device: string,
      purpose: string,
      decision: 'granted' | 'denied' | 'withdrawn' = 'granted',
      via: Record<string, unknown> = {},
    ) {
      const exp = await app.request('/v1/experience', { headers: this.widgetHeaders(device) });
      if (exp.status !== 200) throw new Error(`experience: ${exp.status} ${await exp.text()}`);
      const { purposes } = (await exp.json()) as {
        purposes: { key: string; notice: { id: string; hash: string } }[];
      };
      const p = purposes.find((x) => x.key === purpose);
      if (!p) throw new Error(`no purpose ${purpose}`);
      return {
        decisions: [{ purpose, decision, noticeId: p.notice.id, noticeHash: p.notice.hash }],
        source: 'preferences',
        surface: 'preferences_save',
        locale: 'en',
        ...via,
      };
    },
    /**
     * Records one decision as the widget does (`decisionBody`, then the post).
     * @returns the device. @throws when either call does not succeed.
     */
    async recordDecision(
      device: string,
      purpose: string,
      decision: 'granted' | 'denied' | 'withdrawn' = 'granted',
      via: { source?: string; surface?: string } = {},
    ) {
      const res = await app.request('/v1/consents', {
        method: 'POST',
        headers: this.widgetHeaders(device),
        body: JSON.stringify(await this.decisionBody(device, purpose, decision, via)),
      });
      if (res.status !== 201) throw new Error(`record: ${res.status} ${await res.text()}`);
      return device;
    },
    /**
     * Identifies `device` as the product user `userId` as the widget does: an HS256 identity
     * token signed with the demo property's secret (5 minutes of life), posted to /v1/identify.
     * @returns the answer (200 with `{subjectId, merged}` when accepted).
     */
    async identify(device: string, userId: string): Promise<Response> {
      const at = Math.floor(now / 1000);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuedAt(at)
        .setExpirationTime(at + 300)
        .sign(new TextEncoder().encode(DEMO_IDENTITY_SECRET));
      return app.request('/v1/identify', {
        method: 'POST',
        headers: this.widgetHeaders(device),
        body: JSON.stringify({ token }),
      });
    },
    dispose: () => database.dispose(),
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/**
 * Polls `check` every 20 ms until it holds, for at most `ms` (default 5,000 ms): for what reaches
 * a process asynchronously, such as the database's notification of a change made behind the
 * API (state-cache.ts). @returns whether it held in time.
 */
export async function eventually(check: () => Promise<boolean>, ms = 5_000): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}
