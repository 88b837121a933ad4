// The request log names routes, never the concrete path: a path can carry the product's user
// id (REQUIREMENTS S1: personal data stays out of logs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { loadConfig } from './env.ts';
import { DEMO_SECRET_KEY } from './seed/demo-property.ts';
import { createTestApp, type TestApp } from './testing.ts';

let t: TestApp;
const lines: string[] = [];
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  t = await createTestApp();
  app = createApp(
    {
      database: t.database,
      config: loadConfig({ NODE_ENV: 'test' }),
      clock: t.clock.now,
      mailer: { send: async () => {} },
      keyring: t.keyring,
    },
    (line) => lines.push(line),
  );
});
afterAll(() => t.dispose());

describe('request log', () => {
  it('S1: logs the route pattern, not a path carrying a user id', async () => {
    const userId = 'user_4bfc1f64619e4925';
    const res = await app.request(`/v1/server/subjects/${userId}/consents`, {
      headers: { authorization: `Bearer ${DEMO_SECRET_KEY}` },
    });
    expect(res.status).toBeLessThan(500);
    const line = lines.find((l) => l.includes('/v1/server/subjects/'));
    expect(line).toBeDefined();
    expect(line).toContain('/v1/server/subjects/:');
    expect(lines.join('\n')).not.toContain(userId);
    await app.request('/v1/nowhere/user_4bfc1f64619e4925');
    expect(lines.join('\n')).not.toContain(userId);
  });
});
