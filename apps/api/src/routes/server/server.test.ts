// The server API (secret key) on the real app and a real database: may(), a subject's state
// and history, bulk import, the NDJSON export; happy, error and security cases.
import {
  Experience,
  ExportedEvent,
  IdentifyOutput,
  ImportOutput,
  MayOutput,
  Problem,
  SubjectConsents,
} from '@assent/contract';
import { schema } from '@assent/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSecretKey } from '../../cli/keys.ts';
import { applyPropertyConfig } from '../../domain/property-config.ts';
import { buildReceipt } from '../../domain/receipts/build-receipt.ts';
import { secretKeyHash } from '../../middleware/secret-key.ts';
import { DEMO_SECRET_KEY, demoPropertyConfig } from '../../seed/demo-property.ts';
import { createTestApp, type TestApp } from '../../testing.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

const auth = (key = DEMO_SECRET_KEY) => ({
  authorization: `Bearer ${key}`,
  'content-type': 'application/json',
});
const post = (path: string, body: unknown, headers: Record<string, string> = auth()) =>
  t.app.request(`/v1/server${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
const get = (path: string, headers: Record<string, string> = auth()) =>
  t.app.request(`/v1/server${path}`, { headers });

async function may(body: Record<string, string>) {
  const res = await post('/may', body);
  expect(res.status).toBe(200);
  return MayOutput.parse(await res.json());
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
  const res = await t.app.request('/v1/consents', {
    method: 'POST',
    headers: t.widgetHeaders(device),
    body: JSON.stringify({
      decisions: [{ purpose, decision, noticeId: p?.notice.id, noticeHash: p?.notice.hash }],
      source: 'preferences',
      surface: 'preferences_save',
      locale: 'en',
    }),
  });
  expect(res.status).toBe(201);
}

async function identify(device: string, userId: string) {
  const res = await t.identify(device, userId);
  expect(res.status).toBe(200);
  return IdentifyOutput.parse(await res.json()).subjectId;
}

const record = (over: Record<string, unknown> = {}) => ({
  id: `crm-${Math.random().toString(36).slice(2)}`,
  externalId: 'user_import_1',
  purpose: 'marketing_email',
  decision: 'granted',
  collectedAt: new Date(t.clock.now() - 10 * 86_400_000).toISOString(),
  provenance: { system: 'crm', reference: 'newsletter-form-2025', method: 'web form' },
  ...over,
});

async function auditActions(subjectId: string | null, action: string) {
  return t.database.db
    .select()
    .from(schema.auditEvents)
    .where(
      subjectId
        ? and(eq(schema.auditEvents.action, action), eq(schema.auditEvents.subjectId, subjectId))
        : eq(schema.auditEvents.action, action),
    );
}

describe('POST /v1/server/may', () => {
  it('S3: processing is allowed only under an effective grant, for the user and its merged devices', async () => {
    const device = t.newDevice();
    const user = `user_${t.newDevice()}`;
    expect(await may({ externalId: user, purpose: 'analytics' })).toMatchObject({
      allowed: false,
      status: 'unset',
      reason: 'unknown_subject',
      subjectId: null,
    });
    await decide(device, 'analytics', 'granted');
    const subjectId = await identify(device, user);
    const granted = await may({ externalId: user, purpose: 'analytics' });
    expect(granted).toMatchObject({
      allowed: true,
      status: 'granted',
      reason: 'granted',
      subjectId,
    });
    expect(granted.expiresAt).toBe(new Date(t.clock.now() + 365 * 86_400_000).toISOString());
    expect(await may({ subjectId, purpose: 'marketing_email' })).toMatchObject({
      allowed: false,
      reason: 'no_decision',
    });
    expect(await may({ externalId: user, purpose: 'essential' })).toMatchObject({
      allowed: true,
      reason: 'necessary',
    });
    await decide(device, 'analytics', 'withdrawn');
    expect(await may({ externalId: user, purpose: 'analytics' })).toMatchObject({
      allowed: false,
      status: 'withdrawn',
      reason: 'withdrawn',
    });
  });

  it('C14: personalisation and direct marketing can be refused with the service intact, and an objection to marketing is not overridden by an older grant', async () => {
    const device = t.newDevice();
    const user = `user_${t.newDevice()}`;
    await decide(device, 'personalized_ads', 'denied');
    await decide(device, 'marketing_email', 'denied');
    await identify(device, user);
    // The non-personalised service stays: necessary processing is allowed, the rest is not.
    expect(await may({ externalId: user, purpose: 'essential' })).toMatchObject({ allowed: true });
    for (const purpose of ['personalized_ads', 'marketing_email'])
      expect(await may({ externalId: user, purpose })).toMatchObject({
        allowed: false,
        status: 'denied',
      });
    // A grant collected elsewhere before the objection (e.g. a CRM export) cannot revive it.
    const imported = await post('/import', {
      records: [record({ externalId: user, purpose: 'marketing_email', decision: 'granted' })],
    });
    expect(imported.status).toBe(200);
    expect(await may({ externalId: user, purpose: 'marketing_email' })).toMatchObject({
      allowed: false,
      status: 'denied',
    });
  });

  it('S3: an expired grant is not allowed', async () => {
    const device = t.newDevice();
    await decide(device, 'analytics', 'granted');
    const subjectId = await identify(device, `user_${t.newDevice()}`);
    t.clock.advanceDays(366);
    try {
      expect(await may({ subjectId, purpose: 'analytics' })).toMatchObject({
        allowed: false,
        status: 'expired',
        reason: 'expired',
      });
    } finally {
      t.clock.advanceDays(-366);
    }
  });

  it('answers an unknown purpose with 422 and malformed input with 400, as problem+json', async () => {
    const unknown = await post('/may', { externalId: 'u1', purpose: 'mind_reading' });
    expect(unknown.status).toBe(422);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(Problem.parse(await unknown.json()).code).toBe('unknown_purpose');
    const both = await post('/may', { externalId: 'u1', subjectId: 'sub_x', purpose: 'analytics' });
    expect(both.status).toBe(400);
    const neither = await post('/may', { purpose: 'analytics' });
    expect(Problem.parse(await neither.json()).code).toBe('invalid_request');
  });

  it('security: no key, a publishable key, an unknown or revoked secret key are refused with 401', async () => {
    const body = { externalId: 'u1', purpose: 'analytics' };
    const attempts: Record<string, string>[] = [
      { 'content-type': 'application/json' },
      { 'content-type': 'application/json', 'x-assent-key': 'pk_demo_shop' },
      auth('pk_demo_shop'),
      auth('sk_guessed_000000000000000000000000000000000'),
    ];
    for (const headers of attempts) {
      const res = await post('/may', body, headers);
      expect(res.status).toBe(401);
      expect(Problem.parse(await res.json()).code).toBe('unauthorized');
    }
    // A key that existed and was revoked stops working at once.
    const key = newSecretKey();
    await t.database.db.insert(schema.apiKeys).values({
      id: 'key_revoked_test',
      propertyId: t.propertyId,
      keyHash: secretKeyHash(key),
      prefix: key.slice(0, 10),
      name: 'revoked',
      revokedAt: new Date(t.clock.now()),
    });
    expect((await post('/may', body, auth(key))).status).toBe(401);
    // The scheme name is case-insensitive (RFC 9110 §11.1).
    const lower = { ...auth(), authorization: `bearer ${DEMO_SECRET_KEY}` };
    expect((await post('/may', body, lower)).status).toBe(200);
  });
});

describe('security: one property never reaches another', () => {
  it("another property's secret key neither reads nor checks this property's subjects", async () => {
    const device = t.newDevice();
    const user = `user_${t.newDevice()}`;
    await decide(device, 'analytics', 'granted');
    const subjectId = await identify(device, user);
    const cfg = demoPropertyConfig(['https://other.example']);
    const otherId = await applyPropertyConfig(t.database.db, {
      ...cfg,
      name: 'Other shop',
      publishableKey: 'pk_other_shop',
    });
    const key = newSecretKey();
    await t.database.db.insert(schema.apiKeys).values({
      id: 'key_other_shop',
      propertyId: otherId,
      keyHash: secretKeyHash(key),
      prefix: key.slice(0, 10),
      name: 'other',
    });
    expect((await get(`/subjects/${user}/consents`, auth(key))).status).toBe(404);
    for (const body of [
      { externalId: user, purpose: 'analytics' },
      { subjectId, purpose: 'analytics' },
    ]) {
      const res = await post('/may', body, auth(key));
      expect(MayOutput.parse(await res.json())).toMatchObject({
        allowed: false,
        reason: 'unknown_subject',
      });
    }
  });
});

describe('GET /v1/server/subjects/{externalId}/consents', () => {
  it("P3: reads the state (DPV terms) and the full history, including the merged device's, and audits the read", async () => {
    const device = t.newDevice();
    const user = `user_${t.newDevice()}`;
    await decide(device, 'analytics', 'granted');
    await decide(device, 'marketing_email', 'denied');
    const subjectId = await identify(device, user);
    t.clock.advanceDays(1);
    await decide(device, 'analytics', 'withdrawn');
    t.clock.advanceDays(-1);
    const res = await get(`/subjects/${user}/consents`);
    expect(res.status).toBe(200);
    const body = SubjectConsents.parse(await res.json());
    expect(body.subjectId).toBe(subjectId);
    expect(body.mergedSubjects).toHaveLength(1);
    expect(body.history.map((e) => [e.purpose, e.decision])).toEqual([
      ['analytics', 'granted'],
      ['marketing_email', 'denied'],
      ['analytics', 'withdrawn'],
    ]);
    expect(body.history[0]?.subjectId).toBe(body.mergedSubjects[0]);
    expect(body.history[2]?.subjectId).toBe(subjectId);
    expect(body.consents.analytics).toMatchObject({
      status: 'withdrawn',
      dpv: 'dpv:ConsentWithdrawn',
    });
    expect(body.consents.marketing_email).toMatchObject({
      status: 'denied',
      dpv: 'dpv:ConsentRefused',
    });
    // P3: a necessary purpose (legal basis: contract) claims no consent, it names its basis.
    expect(body.consents.essential).toMatchObject({ effective: true, dpv: 'dpv:Contract' });
    const audit = await auditActions(subjectId, 'subject.read');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorType: 'api_key',
      target: 'consent_states,consent_events',
    });
    expect(audit[0]?.actorId).toMatch(/^key_/);
  });

  it('answers 404 for a user id never seen, and 401 without the secret key', async () => {
    const res = await get('/subjects/nobody_here/consents');
    expect(res.status).toBe(404);
    expect(Problem.parse(await res.json()).code).toBe('not_found');
    const widget = await t.app.request('/v1/server/subjects/nobody_here/consents', {
      headers: t.widgetHeaders(t.newDevice()),
    });
    expect(widget.status).toBe(401);
  });
});

describe('POST /v1/server/import', () => {
  it('imports consents with provenance as source=import events; a re-import writes nothing new', async () => {
    const user = `user_${t.newDevice()}`;
    const records = [
      record({ externalId: user }),
      record({ externalId: user, purpose: 'analytics', decision: 'denied' }),
    ];
    const first = await post('/import', { records });
    expect(first.status).toBe(200);
    const out = ImportOutput.parse(await first.json());
    expect(out).toMatchObject({ imported: 2, duplicates: 0 });
    const [evt] = await t.database.db
      .select()
      .from(schema.consentEvents)
      .where(eq(schema.consentEvents.id, out.results[0]?.eventId ?? ''));
    expect(evt).toMatchObject({ source: 'import', decision: 'granted', actor: 'subject' });
    expect(evt?.collectedAt.toISOString()).toBe(records[0]?.collectedAt);
    const [prov] = await t.database.db
      .select()
      .from(schema.consentImports)
      .where(eq(schema.consentImports.eventId, evt?.id ?? ''));
    expect(prov?.provenance).toEqual(records[0]?.provenance);
    expect(await may({ externalId: user, purpose: 'marketing_email' })).toMatchObject({
      allowed: true,
    });
    const again = ImportOutput.parse(await (await post('/import', { records })).json());
    expect(again).toMatchObject({ imported: 0, duplicates: 2 });
    expect(again.results.map((r) => r.eventId)).toEqual(out.results.map((r) => r.eventId));
    const events = await t.database.db
      .select()
      .from(schema.consentEvents)
      .where(eq(schema.consentEvents.subjectId, evt?.subjectId ?? ''));
    expect(events).toHaveLength(2);
    const conflict = await post('/import', {
      records: [{ ...records[0], decision: 'withdrawn' }],
    });
    expect(conflict.status).toBe(409);
    expect(Problem.parse(await conflict.json()).code).toBe('import_conflict');
    expect(await auditActions(null, 'consent.import')).not.toHaveLength(0);
  });

  it('takes the documented 200 records a request with realistic ids (over the 64 KiB of other routes)', async () => {
    const records = Array.from({ length: 200 }, (_, i) =>
      record({
        id: crypto.randomUUID(),
        externalId: `user_${crypto.randomUUID()}`,
        purpose: i % 2 ? 'marketing_email' : 'analytics',
        provenance: {
          system: 'crm',
          reference: `https://crm.example/forms/newsletter-2025/submissions/${crypto.randomUUID()}`,
          method: 'web form',
        },
      }),
    );
    const body = JSON.stringify({ records });
    expect(body.length).toBeGreaterThan(64 * 1024);
    const res = await post('/import', { records });
    expect(res.status).toBe(200);
    expect(ImportOutput.parse(await res.json())).toMatchObject({ imported: 200, duplicates: 0 });
    const tooMany = await post('/import', { records: [...records, record()] });
    expect(tooMany.status).toBe(400);
  });

  it('C5: a separate-consent grant is imported only when the record attests its own dialog; a bad record rejects the batch', async () => {
    const user = `user_${t.newDevice()}`;
    const bad = await post('/import', {
      records: [
        record({ externalId: user, purpose: 'analytics' }),
        record({ externalId: user, purpose: 'face_login' }),
      ],
    });
    expect(bad.status).toBe(422);
    expect(Problem.parse(await bad.json()).code).toBe('separate_consent_required');
    expect(await may({ externalId: user, purpose: 'analytics' })).toMatchObject({
      reason: 'unknown_subject',
    });
    const ok = await post('/import', {
      records: [record({ externalId: user, purpose: 'face_login', surface: 'separate_dialog' })],
    });
    expect(ok.status).toBe(200);
    expect(await may({ externalId: user, purpose: 'face_login' })).toMatchObject({ allowed: true });
  });

  it("C12: a guardian's consent for a minor is recorded with actor=guardian", async () => {
    const user = `minor_${t.newDevice()}`;
    const res = await post('/import', {
      records: [record({ externalId: user, purpose: 'analytics', actor: 'guardian' })],
    });
    const out = ImportOutput.parse(await res.json());
    const [evt] = await t.database.db
      .select()
      .from(schema.consentEvents)
      .where(eq(schema.consentEvents.id, out.results[0]?.eventId ?? ''));
    expect(evt?.actor).toBe('guardian');
    // The receipt names who decided, and the purpose carries its age gate per jurisdiction.
    const signed = await buildReceipt(t.database.db, evt?.id ?? '', {
      now: t.clock.now(),
      keyring: t.keyring,
    });
    expect(signed?.receipt.principal).toEqual({ id: evt?.subjectId, actor: 'guardian' });
    const [face] = await t.database.db
      .select()
      .from(schema.purposes)
      .where(eq(schema.purposes.key, 'face_login'));
    expect(face?.minimumAge).toEqual({ CN: 14, EU: 16, 'US-CA': 13 });
  });

  it('refuses unknown purposes, necessary purposes, unknown notice versions, future times and duplicate ids', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [record({ purpose: 'mind_reading' }), 422, 'unknown_purpose'],
      [record({ purpose: 'essential' }), 422, 'necessary_purpose'],
      [record({ noticeVersion: 99 }), 422, 'notice_mismatch'],
      [
        record({ collectedAt: new Date(t.clock.now() + 86_400_000).toISOString() }),
        400,
        'invalid_request',
      ],
      [record({ provenance: undefined }), 400, 'invalid_request'],
    ];
    for (const [r, status, code] of cases) {
      const res = await post('/import', { records: [r] });
      expect(res.status).toBe(status);
      expect(Problem.parse(await res.json()).code).toBe(code);
    }
    const twice = record();
    expect((await post('/import', { records: [twice, twice] })).status).toBe(400);
  });
});

describe('GET /v1/server/events', () => {
  it('streams the events of a time range as NDJSON, oldest first, across pages, and audits the export', async () => {
    const local = await createTestApp();
    try {
      const base = Date.parse('2025-06-01T00:00:00Z');
      const records = Array.from({ length: 1203 }, (_, i) => ({
        id: `bulk-${i}`,
        externalId: `bulk_user_${i % 37}`,
        purpose: i % 2 ? 'analytics' : 'marketing_email',
        decision: i % 3 ? 'granted' : 'denied',
        collectedAt: new Date(base + i * 60_000).toISOString(),
        provenance: { system: 'legacy' },
      }));
      for (let i = 0; i < records.length; i += 200) {
        const res = await local.app.request('/v1/server/import', {
          method: 'POST',
          headers: auth(),
          body: JSON.stringify({ records: records.slice(i, i + 200) }),
        });
        expect(res.status).toBe(200);
      }
      const from = new Date(base + 2 * 60_000).toISOString();
      const to = new Date(base + 1202 * 60_000).toISOString();
      const res = await local.app.request(`/v1/server/events?from=${from}&to=${to}`, {
        headers: auth(),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/x-ndjson');
      const lines = (await res.text())
        .trimEnd()
        .split('\n')
        .map((l) => ExportedEvent.parse(JSON.parse(l)));
      expect(lines).toHaveLength(1200); // minutes 2..1201
      expect(lines[0]?.collectedAt).toBe(from);
      expect(lines.at(-1)?.collectedAt).toBe(new Date(base + 1201 * 60_000).toISOString());
      expect(new Set(lines.map((l) => l.id)).size).toBe(1200);
      expect(lines.every((l) => l.source === 'import' && l.subjectId.startsWith('sub_'))).toBe(
        true,
      );
      const audit = await local.database.db
        .select()
        .from(schema.auditEvents)
        .where(eq(schema.auditEvents.action, 'consent.export'));
      expect(audit[0]).toMatchObject({ actorType: 'api_key', details: { from, to } });
      const backwards = await local.app.request(`/v1/server/events?from=${to}&to=${from}`, {
        headers: auth(),
      });
      expect(backwards.status).toBe(400);
      const missing = await local.app.request('/v1/server/events', { headers: auth() });
      expect(Problem.parse(await missing.json()).code).toBe('invalid_request');
    } finally {
      await local.dispose();
    }
  }, 240_000);

  it('takes plain dates YYYY-MM-DD for from/to, meaning 00:00:00 UTC of that day', async () => {
    const times = [
      '2021-03-14T23:59:59.999Z', // the day before
      '2021-03-15T00:00:00.000Z', // first instant of the day
      '2021-03-15T23:59:59.999Z', // last instant of the day
      '2021-03-16T00:00:00.000Z', // `to` is exclusive
    ];
    const res = await post('/import', {
      records: times.map((collectedAt, i) =>
        record({ id: `plain-date-${i}`, externalId: `plain_date_user_${i}`, collectedAt }),
      ),
    });
    expect(res.status).toBe(200);
    const exported = async (query: string) => {
      const r = await get(`/events?${query}`);
      expect(r.status, query).toBe(200);
      return (await r.text())
        .trimEnd()
        .split('\n')
        .filter(Boolean)
        .map((l) => ExportedEvent.parse(JSON.parse(l)).collectedAt);
    };
    const day = await exported('from=2021-03-15&to=2021-03-16');
    expect(day).toEqual([times[1], times[2]]);
    // The same range as full timestamps, and the two forms mixed.
    expect(await exported('from=2021-03-15T00:00:00Z&to=2021-03-16T00:00:00Z')).toEqual(day);
    expect(await exported('from=2021-03-15&to=2021-03-16T08:00:00%2B08:00')).toEqual(day);
    const audit = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'consent.export'));
    expect(audit.map((a) => a.details)).toContainEqual({
      from: '2021-03-15T00:00:00.000Z',
      to: '2021-03-16T00:00:00.000Z',
    });
    // Not a date: 400 naming the parameter.
    for (const bad of [
      'from=2021-02-30&to=2021-03-16',
      'from=2021-3-15&to=2021-03-16',
      'from=15.03.2021&to=2021-03-16',
    ]) {
      const r = await get(`/events?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(Problem.parse(await r.json()).errors?.[0]?.path).toBe('query.from');
    }
    expect((await get('/events?from=2021-03-15&to=2021-03-15')).status).toBe(400);
  });
});
