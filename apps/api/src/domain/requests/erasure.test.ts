// Erasure end to end (R4): cooling-off, then personal data removed from every Assent table,
// a signed call to the product's data provider (retried with backoff), the session ended, the
// evidence kept under legal hold for the legal role only, and the device starting afresh.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateRequestOutput } from '@assent/contract';
import { schema } from '@assent/db';
import { and, eq, inArray } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, jobDeps, linkEmail, portal, signIn } from '../../routes/portal-test-kit.ts';
import { createTestApp, type TestApp } from '../../testing.ts';
import { emailIndexOf } from '../portal-auth.ts';
import { readLegalHold } from './erasure.ts';
import { completeReadyRequests, executeDueErasures, requestWorkDue } from './progress.ts';
import { backoffMs, markCallFailed, registerProvider, runDueCalls } from './providers.ts';

let t: TestApp;
let server: Server;
let url = '';
let secret = '';
let failNext = 1;
const received: { payload: Record<string, unknown>; verified: boolean }[] = [];

beforeAll(async () => {
  t = await createTestApp();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      // The test clock is far from wall time, so check the signature itself, not its freshness.
      const id = String(req.headers['webhook-id']);
      const at = new Date(Number(req.headers['webhook-timestamp']) * 1000);
      const verified = new Webhook(secret).sign(id, at, body) === req.headers['webhook-signature'];
      received.push({ payload: JSON.parse(body), verified });
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ deleted: true, orders: 2 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/assent`;
  ({ secret } = await registerProvider(
    t.database.db,
    t.keyring,
    { propertyId: t.propertyId, name: 'orders', url, handles: ['access', 'erasure'] },
    t.clock.now(),
  ));
  const [stored] = await t.database.db.select().from(schema.dataProviders);
  expect(stored?.secret).not.toContain(secret.slice(6)); // kept encrypted (S1)
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t.dispose();
});

describe('erasure', () => {
  it('R4: after the cooling-off, personal data is gone from Assent, the provider got a signed call, the session ended, and the device starts as a new subject', async () => {
    const email = 'gone@example.com';
    const device = await linkEmail(t, email);
    await decide(t, device, 'analytics', 'granted');
    const cookie = await signIn(t, email);
    const profile = await portal(t, cookie, '/profile', {
      propertyId: t.propertyId,
      name: 'Gone Person',
      phone: '+86 10 1234 5678',
    });
    expect(profile.status).toBe(200);
    const res = await portal(t, cookie, '/requests', { type: 'erasure' });
    expect(res.status).toBe(201);
    const [req] = CreateRequestOutput.parse(await res.json()).requests;
    const deps = jobDeps(t);
    const [before] = await t.database.db
      .select()
      .from(schema.privacyRequests)
      .where(eq(schema.privacyRequests.id, req?.id ?? ''));
    const subjectId = before?.subjectId ?? '';

    // Still cooling off: nothing happens.
    t.clock.advanceDays(6);
    expect(await requestWorkDue(deps)).toBe(false);
    expect(await executeDueErasures(deps)).toBe(0);
    t.clock.advanceDays(1);
    expect(await requestWorkDue(deps)).toBe(true);
    expect(await executeDueErasures(deps)).toBe(1);
    expect(await executeDueErasures(deps)).toBe(0);

    // Identifiers gone from every Assent table.
    const [subject] = await t.database.db
      .select()
      .from(schema.subjects)
      .where(eq(schema.subjects.id, subjectId));
    expect(subject).toMatchObject({
      email: null,
      externalId: null,
      emailIndex: null,
      externalIdIndex: null,
    });
    expect(
      await t.database.db
        .select()
        .from(schema.devices)
        .where(eq(schema.devices.subjectId, subjectId)),
    ).toHaveLength(0);
    expect(
      await t.database.db
        .select()
        .from(schema.consentStates)
        .where(eq(schema.consentStates.subjectId, subjectId)),
    ).toHaveLength(0);
    expect(
      await t.database.db
        .select()
        .from(schema.subjectProfiles)
        .where(eq(schema.subjectProfiles.subjectId, subjectId)),
    ).toHaveLength(0);
    expect(
      await t.database.db
        .select()
        .from(schema.portalSessions)
        .where(eq(schema.portalSessions.emailIndex, emailIndexOf(t.keyring, email))),
    ).toHaveLength(0);
    expect(
      await t.database.db
        .select()
        .from(schema.portalCodes)
        .where(eq(schema.portalCodes.emailIndex, emailIndexOf(t.keyring, email))),
    ).toHaveLength(0);
    expect((await portal(t, cookie, '/me')).status).toBe(401);

    // Fan-out: first attempt fails (503), retried after backoff, signed each time.
    expect(await runDueCalls(t.database.db, t.keyring, t.clock.now())).toEqual([]);
    expect(await completeReadyRequests(deps)).toBe(0);
    t.clock.advanceDays(backoffMs(1) / 86_400_000);
    expect(await runDueCalls(t.database.db, t.keyring, t.clock.now())).toEqual([req?.id]);
    const calls = received.filter((r) => r.payload.requestId === req?.id);
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.verified)).toBe(true);
    expect(calls[0]?.payload).toMatchObject({
      type: 'erasure',
      subject: { externalId: `user_${email}`, email },
    });
    const [call] = await t.database.db
      .select()
      .from(schema.providerCalls)
      .where(eq(schema.providerCalls.requestId, req?.id ?? ''));
    expect(call).toMatchObject({ status: 'answered', attempts: 2, payload: null });
    expect(await completeReadyRequests(deps)).toBe(1);
    const [after] = await t.database.db
      .select()
      .from(schema.privacyRequests)
      .where(eq(schema.privacyRequests.id, req?.id ?? ''));
    expect(after?.status).toBe('completed');

    // The same device, later: a new, empty subject.
    const state = await t.app.request('/v1/consents', { headers: t.widgetHeaders(device) });
    const body = (await state.json()) as { consents: Record<string, { status: string }> };
    expect(body.consents.analytics?.status).toBe('unset');
    await decide(t, device, 'analytics', 'denied');
    const devices = await t.database.db
      .select()
      .from(schema.devices)
      .where(eq(schema.devices.propertyId, t.propertyId));
    const fresh = devices.filter((d) => d.subjectId !== subjectId);
    expect(devices.some((d) => d.subjectId === subjectId)).toBe(false);
    expect(fresh.length).toBeGreaterThan(0);
    const again = await signIn(t, email);
    const me = (await (await portal(t, again, '/me')).json()) as { properties: unknown[] };
    expect(me.properties).toHaveLength(0);

    // Audited.
    const audit = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.action, 'subject.erase'),
          eq(schema.auditEvents.subjectId, subjectId),
        ),
      );
    expect(audit).toHaveLength(1);
  });

  it('R4: consent evidence stays append-only under legal hold, readable only by the legal role', async () => {
    const [hold] = await t.database.db.select().from(schema.legalHolds).limit(1);
    if (!hold) throw new Error('no legal hold');
    await expect(
      readLegalHold(
        t.database.db,
        { id: 'stf_support', role: 'support' },
        hold.subjectId,
        t.clock.now(),
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const events = await readLegalHold(
      t.database.db,
      { id: 'stf_legal', role: 'legal' },
      hold.subjectId,
      t.clock.now(),
    );
    expect(events.length).toBeGreaterThan(0);
    // The refused attempt is on record too, although the call failed.
    const denied = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.action, 'legal_hold.read_denied'),
          eq(schema.auditEvents.subjectId, hold.subjectId),
        ),
      );
    expect(denied.map((d) => d.actorId)).toEqual(['stf_support']);
    const reads = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.action, 'legal_hold.read'),
          eq(schema.auditEvents.subjectId, hold.subjectId),
        ),
      );
    expect(reads).toHaveLength(1);
  });

  it('R4: a request completes only when every provider answered or an operator marked it failed', async () => {
    const email = 'stuck@example.com';
    await linkEmail(t, email);
    const cookie = await signIn(t, email);
    failNext = 100;
    const [req] = CreateRequestOutput.parse(
      await (await portal(t, cookie, '/requests', { type: 'access' })).json(),
    ).requests;
    const deps = jobDeps(t);
    for (let i = 0; i < 3; i++) {
      await runDueCalls(t.database.db, t.keyring, t.clock.now());
      t.clock.advanceDays(1);
    }
    const [call] = await t.database.db
      .select()
      .from(schema.providerCalls)
      .where(eq(schema.providerCalls.requestId, req?.id ?? ''));
    expect(await completeReadyRequests(deps)).toBe(0);
    expect(call?.attempts).toBe(3);
    expect(call?.lastError).toBe('HTTP 503');
    await markCallFailed(
      t.database.db,
      req?.id ?? '',
      call?.providerId ?? '',
      'stf_ops',
      t.clock.now(),
    );
    expect(await completeReadyRequests(deps)).toBe(1);
    failNext = 0;
    const rows = await t.database.db
      .select()
      .from(schema.privacyRequests)
      .where(inArray(schema.privacyRequests.id, [req?.id ?? '']));
    expect(rows[0]?.status).toBe('completed');
  });

  it('S4: in production a provider whose name now resolves to a private address is not called', async () => {
    const port = (server.address() as AddressInfo).port;
    let answer = '93.184.215.14';
    const resolve = async () => [{ address: answer, family: 4 }];
    const { row } = await registerProvider(
      t.database.db,
      t.keyring,
      {
        propertyId: t.propertyId,
        name: 'billing',
        url: `https://billing.shop.example:${port}/assent`,
        handles: ['access'],
        production: true,
      },
      t.clock.now(),
      undefined,
      resolve,
    );
    answer = '127.0.0.1'; // rebound into Assent's own network after registration
    const email = 'rebound@example.com';
    await linkEmail(t, email);
    const cookie = await signIn(t, email);
    const [req] = CreateRequestOutput.parse(
      await (await portal(t, cookie, '/requests', { type: 'access' })).json(),
    ).requests;
    const before = received.length;
    const options = { production: true, resolve };
    expect(await runDueCalls(t.database.db, t.keyring, t.clock.now(), 20, options)).toEqual([]);
    expect(received).toHaveLength(before); // neither the rebound name nor the http URL was called
    const calls = await t.database.db
      .select()
      .from(schema.providerCalls)
      .where(eq(schema.providerCalls.requestId, req?.id ?? ''));
    expect(calls.map((c) => [c.providerId === row.id, c.lastError]).sort()).toEqual([
      [false, 'address_not_allowed'],
      [true, 'address_not_allowed'],
    ]);
    for (const c of calls)
      await markCallFailed(t.database.db, req?.id ?? '', c.providerId, 'stf_ops', t.clock.now());
  });
});
