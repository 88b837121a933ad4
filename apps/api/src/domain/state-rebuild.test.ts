// The state projection rebuilt from the append-only events (REQUIREMENTS P2), through the
// `pnpm assent rebuild-state` command.
import { Experience, IdentifyOutput } from '@assent/contract';
import { schema } from '@assent/db';
import { and, eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../cli/rebuild-state.ts';
import type { CliContext } from '../cli.ts';
import { DEMO_IDENTITY_SECRET, DEMO_SECRET_KEY } from '../seed/demo-property.ts';
import { createTestApp, type TestApp } from '../testing.ts';
import { diffStates } from './state-rebuild.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

function cli(): CliContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    config: {} as CliContext['config'],
    database: async () => t.database,
    out: (l) => lines.push(l),
    now: () => t.clock.now(),
  };
}

async function decide(
  device: string,
  purpose: string,
  decision: 'granted' | 'denied' | 'withdrawn',
) {
  const exp = Experience.parse(
    await (await t.app.request('/v1/experience', { headers: t.widgetHeaders(device) })).json(),
  );
  const p = exp.purposes.find((x) => x.key === purpose);
  await t.app.request('/v1/consents', {
    method: 'POST',
    headers: t.widgetHeaders(device),
    body: JSON.stringify({
      decisions: [{ purpose, decision, noticeId: p?.notice.id, noticeHash: p?.notice.hash }],
      source: 'preferences',
      surface: 'preferences_save',
      locale: 'en',
    }),
  });
}

describe('pnpm assent rebuild-state', () => {
  it('P2: a corrupted projection row is reported, then repaired from the events', async () => {
    const device = t.newDevice();
    await decide(device, 'analytics', 'granted');
    t.clock.advanceDays(1);
    await decide(device, 'analytics', 'withdrawn');
    await decide(device, 'marketing_email', 'denied');
    const now = Math.floor(t.clock.now() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(`user_${device}`)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(new TextEncoder().encode(DEMO_IDENTITY_SECRET));
    const user = IdentifyOutput.parse(
      await (
        await t.app.request('/v1/identify', {
          method: 'POST',
          headers: t.widgetHeaders(device),
          body: JSON.stringify({ token }),
        })
      ).json(),
    ).subjectId;
    t.clock.advanceDays(-1);
    const clean = cli();
    expect(await run([], clean)).toBe(0);
    expect(clean.lines).toEqual(['The consent state projection matches the events.']);

    // Someone edits the projection behind the app's back: a withdrawal becomes a grant, and a
    // row is deleted.
    const [analytics] = await t.database.db
      .select()
      .from(schema.purposes)
      .where(eq(schema.purposes.key, 'analytics'));
    const [marketing] = await t.database.db
      .select()
      .from(schema.purposes)
      .where(eq(schema.purposes.key, 'marketing_email'));
    await t.database.db
      .update(schema.consentStates)
      .set({ decision: 'granted' })
      .where(
        and(
          eq(schema.consentStates.subjectId, user),
          eq(schema.consentStates.purposeId, analytics?.id ?? ''),
        ),
      );
    await t.database.db
      .delete(schema.consentStates)
      .where(
        and(
          eq(schema.consentStates.subjectId, user),
          eq(schema.consentStates.purposeId, marketing?.id ?? ''),
        ),
      );
    const report = cli();
    expect(await run([], report)).toBe(1);
    expect(report.lines).toEqual([
      `different ${user} ${analytics?.id} (decision)`,
      `missing   ${user} ${marketing?.id}`,
      '2 difference(s); run with --apply to repair.',
    ]);

    const repair = cli();
    expect(await run(['--apply'], repair)).toBe(0);
    expect(repair.lines.at(-1)).toBe('Repaired 2 row(s).');
    expect(await diffStates(t.database.db)).toEqual([]);
    const [fixed] = await t.database.db
      .select()
      .from(schema.consentStates)
      .where(
        and(
          eq(schema.consentStates.subjectId, user),
          eq(schema.consentStates.purposeId, analytics?.id ?? ''),
        ),
      );
    expect(fixed?.decision).toBe('withdrawn');
    const [audit] = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'consent_state.rebuild'));
    expect(audit?.details).toEqual({ missing: 1, extra: 0, different: 1 });
  });

  it('P2: a projection row with no event behind it is reported as extra and removed', async () => {
    const device = t.newDevice();
    await decide(device, 'analytics', 'denied');
    const [row] = await t.database.db.select().from(schema.consentStates).limit(1);
    const [marketing] = await t.database.db
      .select()
      .from(schema.purposes)
      .where(eq(schema.purposes.key, 'personalized_ads'));
    if (!row || !marketing) throw new Error('fixture');
    await t.database.db
      .insert(schema.consentStates)
      .values({ ...row, purposeId: marketing.id, decision: 'granted' })
      .onConflictDoNothing();
    const diff = await diffStates(t.database.db);
    expect(diff).toContainEqual({
      subjectId: row.subjectId,
      purposeId: marketing.id,
      kind: 'extra',
      columns: [],
    });
    expect(await run(['--apply'], cli())).toBe(0);
    expect(await diffStates(t.database.db)).toEqual([]);
  });

  it('P2: decisions racing at the same instant, and a merge of the same instant, leave what the rebuild gives', async () => {
    const device = t.newDevice();
    const exp = Experience.parse(
      await (await t.app.request('/v1/experience', { headers: t.widgetHeaders(device) })).json(),
    );
    const notice = exp.purposes.find((x) => x.key === 'analytics')?.notice;
    // The same collectedAt in every request: only the tie-break decides which one holds.
    const at = new Date(t.clock.now()).toISOString();
    const decisions = ['granted', 'denied', 'withdrawn'] as const;
    const post = (device: string, i: number) =>
      t.app.request('/v1/consents', {
        method: 'POST',
        headers: t.widgetHeaders(device),
        body: JSON.stringify({
          decisions: [
            {
              purpose: 'analytics',
              decision: decisions[i % 3],
              noticeId: notice?.id,
              noticeHash: notice?.hash,
            },
          ],
          source: 'preferences',
          surface: 'preferences_save',
          locale: 'en',
          collectedAt: at,
        }),
      });
    await post(device, 0); // the device exists before the race
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => post(device, i)));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 201));
    expect(await diffStates(t.database.db)).toEqual([]);

    // A second device of the same instant, identified as a user whose device decided too.
    const other = t.newDevice();
    await post(other, 1);
    for (const d of [other, device])
      expect((await t.identify(d, `user_race_${device}`)).status).toBe(200);
    expect(await diffStates(t.database.db)).toEqual([]);
  });

  it('P2: an import holding several decisions of one instant per user keeps what the rebuild gives', async () => {
    // One transaction, so every event has the same recorded_at: the order of decisions at one
    // instant must not depend on which record came first.
    const at = new Date(t.clock.now() - 86_400_000).toISOString();
    const records = Array.from({ length: 12 }, (_, u) =>
      (['granted', 'withdrawn', 'denied'] as const).map((decision, i) => ({
        id: `tie-${u}-${i}`,
        externalId: `user_tie_${u}`,
        purpose: 'marketing_email',
        decision,
        collectedAt: at,
        provenance: { system: 'crm' },
      })),
    ).flat();
    // Event ids carry their millisecond: frozen, their order is random, as it is for writes
    // that land in the same millisecond.
    const frozen = vi.spyOn(Date, 'now').mockReturnValue(Date.now());
    let res: Response;
    try {
      res = await t.app.request('/v1/server/import', {
        method: 'POST',
        headers: { authorization: `Bearer ${DEMO_SECRET_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ records }),
      });
    } finally {
      frozen.mockRestore();
    }
    expect(res.status).toBe(200);
    expect(await diffStates(t.database.db)).toEqual([]);
  });
});
