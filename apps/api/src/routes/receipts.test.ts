// Consent receipts and exact notice versions on the real app and a real database.
import {
  Experience,
  NoticeVersion,
  Problem,
  RecordConsentsOutput,
  SignedReceipt,
} from '@assent/contract';
import {
  calculateJwkThumbprint,
  compactVerify,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeHash } from '../domain/notices.ts';
import { applyPropertyConfig } from '../domain/property-config.ts';
import { buildReceipt } from '../domain/receipts/build-receipt.ts';
import { demoPropertyConfig } from '../seed/demo-property.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../testing.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

async function experience(device: string) {
  const res = await t.app.request('/v1/experience', { headers: t.widgetHeaders(device) });
  return Experience.parse(await res.json());
}

async function decide(
  device: string,
  purpose: string,
  decision: 'granted' | 'denied' | 'withdrawn',
) {
  const exp = await experience(device);
  const p = exp.purposes.find((x) => x.key === purpose);
  const separate = p?.separateConsent != null;
  const res = await t.app.request('/v1/consents', {
    method: 'POST',
    headers: t.widgetHeaders(device),
    body: JSON.stringify({
      decisions: [{ purpose, decision, noticeId: p?.notice.id, noticeHash: p?.notice.hash }],
      source: separate ? 'sensitive_dialog' : 'preferences',
      surface: separate ? 'separate_dialog' : 'preferences_save',
      locale: 'en',
    }),
  });
  expect(res.status).toBe(201);
  const id = RecordConsentsOutput.parse(await res.json()).events[0]?.id;
  if (!id) throw new Error('no event');
  return id;
}

async function receipt(device: string, eventId: string) {
  return t.app.request(`/v1/receipts/${eventId}`, { headers: t.widgetHeaders(device) });
}

async function jwks() {
  const res = await t.app.request('/.well-known/jwks.json');
  expect(res.status).toBe(200);
  return createLocalJWKSet((await res.json()) as Parameters<typeof createLocalJWKSet>[0]);
}

describe('GET /v1/receipts/{eventId}', () => {
  it('P3: a receipt carries the ISO/IEC TS 27560 record fields and a DPV status', async () => {
    const device = t.newDevice();
    const eventId = await decide(device, 'personalized_ads', 'granted');
    const res = await receipt(device, eventId);
    expect(res.status).toBe(200);
    const { receipt: r } = SignedReceipt.parse(await res.json());
    expect(r.header).toMatchObject({
      schemaVersion: 'assent-receipt/1',
      standard: 'ISO/IEC TS 27560:2023',
      recordId: eventId,
    });
    expect(r.principal.id).toMatch(/^sub_/);
    expect(r.principal.actor).toBe('subject');
    expect(r.parties.controller).toEqual({
      name: 'Demo Shop Ltd.',
      contact: 'privacy@demo-shop.example',
    });
    expect(r.parties.recipients).toEqual([]); // kept in the shop (no third party)
    expect(r.processing.purpose).toMatchObject({ key: 'personalized_ads', legalBasis: 'consent' });
    expect(r.processing.piiCategories).toEqual([
      { name: 'browsing profile', level: 'L2', retentionDays: 365 },
    ]);
    expect(r.processing.retention).toEqual({ days: 365, text: 'Browsing profile: 12 months.' });
    expect(r.processing.jurisdiction).toBe('CN');
    expect(r.processing.storage.location).toContain('Assent');
    expect(r.notice).toMatchObject({ version: 1, language: 'en' });
    expect(r.notice.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.event).toMatchObject({
      type: 'granted',
      state: 'dpv:ConsentGiven',
      time: new Date(t.clock.now()).toISOString(),
      validity: {
        from: new Date(t.clock.now()).toISOString(),
        until: new Date(t.clock.now() + 365 * 86_400_000).toISOString(),
      },
      source: 'preferences',
    });
    expect(r.current).toMatchObject({ state: 'dpv:ConsentGiven', effective: true });
    expect(r.withdrawal.method).toContain('withdraw');
    expect(r.withdrawal.url).toBe('http://localhost:4000/portal/');
  });

  it('P3: a receipt of a third-party provision names its recipients', async () => {
    const device = t.newDevice();
    const eventId = await decide(device, 'share_with_partners', 'granted');
    const { receipt: r } = SignedReceipt.parse(await (await receipt(device, eventId)).json());
    expect(r.parties.recipients).toEqual([{ name: 'Partner Loyalty Co.', country: 'CN' }]);
  });

  it('P3: refusal, withdrawal and a renewed grant map to their DPV statuses; current shows what holds now', async () => {
    const device = t.newDevice();
    const refused = await decide(device, 'analytics', 'denied');
    const given = await decide(device, 'analytics', 'granted');
    t.clock.advanceDays(1);
    const withdrawn = await decide(device, 'analytics', 'withdrawn');
    t.clock.advanceDays(1);
    const renewed = await decide(device, 'analytics', 'granted');
    const state = async (id: string) =>
      SignedReceipt.parse(await (await receipt(device, id)).json()).receipt;
    expect((await state(refused)).event.state).toBe('dpv:ConsentRefused');
    const first = await state(given);
    expect(first.event.state).toBe('dpv:ConsentGiven');
    expect((await state(withdrawn)).event.state).toBe('dpv:ConsentWithdrawn');
    expect((await state(renewed)).event.state).toBe('dpv:RenewedConsentGiven');
    expect(first.current).toMatchObject({ state: 'dpv:ConsentGiven', effective: true });
    t.clock.advanceDays(400); // past the 365-day term
    expect((await state(renewed)).current).toMatchObject({
      state: 'dpv:ConsentExpired',
      effective: false,
    });
    t.clock.advanceDays(-402);
  });

  it('P4: the receipt is a compact JWS (EdDSA) that verifies with the published JWKS', async () => {
    const device = t.newDevice();
    const eventId = await decide(device, 'face_login', 'granted');
    const signed = SignedReceipt.parse(await (await receipt(device, eventId)).json());
    const { payload, protectedHeader } = await compactVerify(signed.jws, await jwks());
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: signed.kid });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(signed.receipt);
    // Any change to the signed bytes is detected.
    const [h, p, s] = signed.jws.split('.');
    const forged = JSON.parse(Buffer.from(p ?? '', 'base64url').toString());
    forged.event.type = 'denied';
    const tampered = `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`;
    await expect(compactVerify(tampered, await jwks())).rejects.toThrow();
  });

  it('P4: only the deciding device gets the receipt; another device, a bad id or no key do not', async () => {
    const owner = t.newDevice();
    const eventId = await decide(owner, 'analytics', 'granted');
    const other = await receipt(t.newDevice(), eventId);
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect(Problem.parse(await other.json()).code).toBe('not_found');
    // A device that has decided something else still cannot read this one.
    const neighbour = t.newDevice();
    await decide(neighbour, 'analytics', 'denied');
    expect((await receipt(neighbour, eventId)).status).toBe(404);
    expect((await receipt(owner, 'evt_0000000000000000000000000z')).status).toBe(404);
    expect((await receipt(owner, 'not-an-id')).status).toBe(400);
    const noKey = await t.app.request(`/v1/receipts/${eventId}`, {
      headers: { 'x-assent-device': owner, origin: TEST_ORIGIN },
    });
    expect(noKey.status).toBe(401);
  });

  it('P4: a configured signing key takes over; receipts signed before still verify', async () => {
    const device = t.newDevice();
    const eventId = await decide(device, 'analytics', 'granted');
    const before = SignedReceipt.parse(await (await receipt(device, eventId)).json());
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(pair.privateKey);
    const signed = await buildReceipt(t.database.db, eventId, {
      signingKey: JSON.stringify(jwk),
      now: t.clock.now(),
      keyring: t.keyring,
    });
    const { d: _d, ...pub } = jwk;
    expect(signed?.kid).toBe(await calculateJwkThumbprint(pub));
    expect(signed?.kid).not.toBe(before.kid);
    const set = await jwks();
    await compactVerify(before.jws, set);
    await compactVerify(signed?.jws ?? '', set);
  });
});

describe('GET /v1/notices/{noticeId}', () => {
  it('C7: the exact notice version consented to is downloadable, with the hash in the event', async () => {
    const local = await createTestApp();
    try {
      const device = local.newDevice();
      const exp = Experience.parse(
        await (
          await local.app.request('/v1/experience', { headers: local.widgetHeaders(device) })
        ).json(),
      );
      const a = exp.purposes.find((p) => p.key === 'analytics');
      const rec = await local.app.request('/v1/consents', {
        method: 'POST',
        headers: local.widgetHeaders(device),
        body: JSON.stringify({
          decisions: [
            {
              purpose: 'analytics',
              decision: 'granted',
              noticeId: a?.notice.id,
              noticeHash: a?.notice.hash,
            },
          ],
          source: 'preferences',
          surface: 'preferences_save',
          locale: 'en',
        }),
      });
      const eventId = RecordConsentsOutput.parse(await rec.json()).events[0]?.id ?? '';
      // A new, material version is published afterwards; the old one stays readable.
      const cfg = demoPropertyConfig([TEST_ORIGIN]);
      const analytics = cfg.purposes.find((p) => p.key === 'analytics');
      if (!analytics?.notices.en) throw new Error('fixture');
      analytics.notices.en.methods = 'A first-party script and a session-replay tool.';
      await applyPropertyConfig(local.database.db, cfg);
      const signed = SignedReceipt.parse(
        await (
          await local.app.request(`/v1/receipts/${eventId}`, {
            headers: local.widgetHeaders(device),
          })
        ).json(),
      );
      const url = new URL(signed.receipt.notice.url);
      const res = await local.app.request(`${url.pathname}${url.search}`, {
        headers: { origin: TEST_ORIGIN },
      });
      expect(res.status).toBe(200);
      const notice = NoticeVersion.parse(await res.json());
      expect(notice).toMatchObject({
        id: a?.notice.id,
        version: 1,
        locale: 'en',
        purpose: 'analytics',
      });
      expect(notice.content.methods).toBe('A first-party analytics script; aggregated reports.');
      // The text names everything GDPR 13 / PIPL 17 asks for.
      for (const field of [
        'controller',
        'description',
        'methods',
        'categories',
        'retention',
        'rights',
      ])
        expect(notice.content[field]).toBeTruthy();
      expect(noticeHash(notice.content)).toBe(notice.sha256);
      expect(notice.sha256).toBe(signed.receipt.notice.sha256);
      // Another property's key cannot read it.
      const other = await local.app.request(`${url.pathname}?key=pk_nobody_here`);
      expect(other.status).toBe(401);
    } finally {
      await local.dispose();
    }
  }, 120_000);
});
