// Minors (C12) on the real app and a real database: the experience's age gate, a declared
// minor's grant refused without the guardian, the guardian's grant stored with actor=guardian.
import { Experience, Problem, RecordConsentsOutput } from '@assent/contract';
import { schema } from '@assent/db';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

async function experience(device: string) {
  const res = await t.app.request('/v1/experience?locale=en', { headers: t.widgetHeaders(device) });
  expect(res.status).toBe(200);
  return Experience.parse(await res.json());
}

/** Posts one batch for `device`; `extra` carries actor / ageBand. */
async function record(
  device: string,
  decisions: [string, 'granted' | 'denied' | 'withdrawn'][],
  extra: Record<string, unknown>,
  surface = 'preferences_save',
) {
  const exp = await experience(device);
  return t.app.request('/v1/consents', {
    method: 'POST',
    headers: t.widgetHeaders(device),
    body: JSON.stringify({
      decisions: decisions.map(([purpose, decision]) => {
        const p = exp.purposes.find((x) => x.key === purpose);
        if (!p) throw new Error(`no purpose ${purpose}`);
        return { purpose, decision, noticeId: p.notice.id, noticeHash: p.notice.hash };
      }),
      source: surface === 'separate_dialog' ? 'sensitive_dialog' : 'preferences',
      surface,
      locale: 'en',
      ...extra,
    }),
  });
}

async function actors(eventIds: string[]) {
  const rows = await t.database.db
    .select({ actor: schema.consentEvents.actor })
    .from(schema.consentEvents)
    .where(inArray(schema.consentEvents.id, eventIds));
  return rows.map((r) => r.actor);
}

describe('C12: minors need their guardian', () => {
  it('C12: the experience says the demo (CN) asks the age, at 14, before face sign-in', async () => {
    const exp = await experience(t.newDevice());
    expect(exp.age).toEqual({
      gate: true,
      threshold: 14,
      ask: ['face_login'],
      guardian: [
        'analytics',
        'marketing_email',
        'personalized_ads',
        'face_login',
        'share_with_partners',
      ],
    });
  });

  it('C12: a declared under-14 granting alone → 422 guardian_consent_required, nothing stored', async () => {
    const device = t.newDevice();
    const res = await record(
      device,
      [
        ['analytics', 'granted'],
        ['marketing_email', 'denied'],
      ],
      {
        ageBand: 'under_14',
      },
    );
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = Problem.parse(await res.json());
    expect(problem.code).toBe('guardian_consent_required');
    expect(problem.errors?.map((e) => e.message)).toEqual(['analytics']);
    const exp = await experience(device);
    expect(exp.purposes.find((p) => p.key === 'analytics')?.state.status).toBe('unset');
    expect(exp.purposes.find((p) => p.key === 'marketing_email')?.state.status).toBe('unset');
  });

  it('C12: the same grant by the guardian is recorded with actor=guardian', async () => {
    const device = t.newDevice();
    const res = await record(
      device,
      [['face_login', 'granted']],
      {
        ageBand: 'under_14',
        actor: 'guardian',
      },
      'separate_dialog',
    );
    expect(res.status).toBe(201);
    const out = RecordConsentsOutput.parse(await res.json());
    expect(out.consents.face_login?.status).toBe('granted');
    expect(await actors(out.events.map((e) => e.id))).toEqual(['guardian']);
  });

  it('C12: a minor may always refuse or withdraw alone; 14 or older decides alone', async () => {
    const minor = t.newDevice();
    const refused = await record(
      minor,
      [
        ['analytics', 'denied'],
        ['personalized_ads', 'denied'],
      ],
      {
        ageBand: 'under_14',
      },
    );
    expect(refused.status).toBe(201);
    const events = RecordConsentsOutput.parse(await refused.json()).events;
    expect(await actors(events.map((e) => e.id))).toEqual(['subject', 'subject']);

    const adult = t.newDevice();
    const granted = await record(adult, [['analytics', 'granted']], { ageBand: '14_plus' });
    expect(granted.status).toBe(201);
  });

  it('C12: a malformed age band or actor → 400 invalid_request', async () => {
    for (const extra of [{ ageBand: 'fourteen' }, { actor: 'parent' }]) {
      const res = await record(t.newDevice(), [['analytics', 'granted']], extra);
      expect(res.status).toBe(400);
      expect(Problem.parse(await res.json()).code).toBe('invalid_request');
    }
  });

  it('C12: in US-CA only sale/share needs the guardian under 16 (Cal. Civ. 1798.120(c))', async () => {
    await t.database.db
      .update(schema.properties)
      .set({ jurisdiction: 'US-CA' })
      .where(eq(schema.properties.id, t.propertyId));
    const device = t.newDevice();
    const exp = await experience(device);
    expect(exp.age.guardian).toEqual(['personalized_ads']);
    expect(exp.age.gate).toBe(false);
    const ads = await record(device, [['personalized_ads', 'granted']], { ageBand: 'under_16' });
    expect(ads.status).toBe(422);
    const analytics = await record(device, [['analytics', 'granted']], { ageBand: 'under_16' });
    expect(analytics.status).toBe(201);
  });
});
