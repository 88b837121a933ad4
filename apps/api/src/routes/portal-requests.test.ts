// Privacy requests through the portal: export (R1, R2), step-up (R7), due dates (R5),
// rejection with reason (R6), and that one customer never sees or acts on another's requests.
import { CreateRequestOutput, PortalRequests, Problem } from '@assent/contract';
import { schema } from '@assent/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertOverdue, completeReadyRequests } from '../domain/requests/progress.ts';
import { transition } from '../domain/requests/requests.ts';
import { createTestApp, type TestApp } from '../testing.ts';
import { decide, jobDeps, json, linkEmail, portal, signIn } from './portal-test-kit.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

async function requests(cookie: string) {
  const res = await portal(t, cookie, '/requests');
  expect(res.status).toBe(200);
  return PortalRequests.parse(await res.json());
}

describe('access and portability', () => {
  it('R1/R2: a self-service export in JSON (documented schema), CSV and HTML, every download audited', async () => {
    const device = await linkEmail(t, 'ann@example.com');
    await decide(t, device, 'analytics', 'granted');
    const cookie = await signIn(t, 'ann@example.com');
    const made = await portal(t, cookie, '/requests', { type: 'access' });
    expect(made.status).toBe(201);
    const [req] = CreateRequestOutput.parse(await made.json()).requests;
    expect(req?.status).toBe('in_progress');
    expect(req?.export).toBeNull();

    expect(await completeReadyRequests(jobDeps(t))).toBe(1);
    const [done] = (await requests(cookie)).requests;
    expect(done?.status).toBe('completed');
    expect(done?.timeline.map((e) => e.kind)).toEqual([
      'received',
      'verified',
      'in_progress',
      'export_ready',
      'completed',
    ]);
    const links = done?.export;
    if (!links) throw new Error('no export links');

    const j = await portal(t, cookie, links.json.replace('/portal/api', ''));
    expect(j.status).toBe(200);
    expect(j.headers.get('content-disposition')).toMatch(/attachment/);
    const doc = (await j.json()) as {
      schema: string;
      subject: { externalId: string };
      purposes: { key: string; recipients: unknown[]; retentionDays: number }[];
      consentEvents: {
        purpose: string;
        decision: string;
        receipt: string | null;
        notice: { hash: string; content: { title?: string } };
      }[];
    };
    expect(doc.schema).toBe('assent-export/1');
    expect(doc.subject.externalId).toBe('user_ann@example.com');
    expect(doc.purposes.find((p) => p.key === 'analytics')).toMatchObject({
      retentionDays: expect.any(Number),
      recipients: expect.any(Array),
    });
    const ev = doc.consentEvents.find((e) => e.purpose === 'analytics');
    expect(ev?.decision).toBe('granted');
    expect(ev?.notice.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(ev?.notice.content.title).toBeTruthy();
    expect(ev?.receipt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/); // a compact JWS (P4)

    const csv = await (await portal(t, cookie, links.csv.replace('/portal/api', ''))).text();
    expect(csv.split('\r\n')[0]).toBe(
      'event_id,collected_at,purpose,decision,source,surface,notice_version,notice_hash,locale,jurisdiction,expires_at,gpc',
    );
    expect(csv).toContain(',analytics,granted,preferences,');
    const html = await portal(t, cookie, links.html.replace('/portal/api', ''));
    expect(html.headers.get('content-disposition')).toMatch(/attachment/);
    const page = await html.text();
    expect(page).toContain(ev?.notice.content.title ?? '-');
    expect(page).not.toMatch(/<script/i);

    const audits = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.action, 'subject.export_download'),
          eq(schema.auditEvents.target, done?.id ?? ''),
        ),
      );
    expect(audits.map((a) => a.details.format).sort()).toEqual(['csv', 'html', 'json']);
  });

  it('R1: the download link expires (410)', async () => {
    await linkEmail(t, 'late@example.com');
    const cookie = await signIn(t, 'late@example.com');
    await portal(t, cookie, '/requests', { type: 'access' });
    await completeReadyRequests(jobDeps(t));
    const links = (await requests(cookie)).requests[0]?.export;
    if (!links) throw new Error('no export');
    t.clock.advanceDays(4);
    const again = await signIn(t, 'late@example.com');
    const res = await portal(t, again, links.json.replace('/portal/api', ''));
    expect(res.status).toBe(410);
    expect(Problem.parse(await res.json()).code).toBe('export_expired');
    expect((await requests(again)).requests[0]?.export).toBeNull();
  });

  it('one open request per type: a second access request is refused while the first runs', async () => {
    await linkEmail(t, 'twice@example.com');
    const cookie = await signIn(t, 'twice@example.com');
    await t.database.db.insert(schema.dataProviders).values({
      id: 'dpr_slow',
      propertyId: t.propertyId,
      name: 'never answers',
      url: 'http://127.0.0.1:9/none',
      secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0',
      handles: ['access'],
      createdAt: new Date(t.clock.now()),
    });
    try {
      expect((await portal(t, cookie, '/requests', { type: 'access' })).status).toBe(201);
      const second = await portal(t, cookie, '/requests', { type: 'access' });
      expect(second.status).toBe(409);
      expect(Problem.parse(await second.json()).code).toBe('request_pending');
      // Waiting for the provider: not completed by the job.
      await completeReadyRequests(jobDeps(t));
      expect((await requests(cookie)).requests[0]?.status).toBe('in_progress');
    } finally {
      await t.database.db
        .update(schema.dataProviders)
        .set({ disabledAt: new Date() })
        .where(eq(schema.dataProviders.id, 'dpr_slow'));
      await t.database.db
        .update(schema.providerCalls)
        .set({ status: 'failed' })
        .where(eq(schema.providerCalls.providerId, 'dpr_slow'));
    }
  });
});

describe('step-up', () => {
  it('R7: export and deletion need a fresh code within 10 minutes; the step-up code opens them again', async () => {
    await linkEmail(t, 'step@example.com');
    const cookie = await signIn(t, 'step@example.com');
    t.clock.advanceDays(11 / 1440);
    for (const type of ['access', 'erasure']) {
      const res = await portal(t, cookie, '/requests', { type });
      expect(res.status).toBe(403);
      expect(Problem.parse(await res.json()).code).toBe('step_up_required');
    }
    expect((await requests(cookie)).stepUpUntil).toBeNull();
    expect((await portal(t, cookie, '/step-up/start', {})).status).toBe(202);
    const wrong = await portal(t, cookie, '/step-up/verify', { code: '000000' });
    expect([400, 429]).toContain(wrong.status);
    const { lastCode } = await import('./portal-test-kit.ts');
    const ok = await portal(t, cookie, '/step-up/verify', {
      code: await lastCode(t, 'step@example.com'),
    });
    expect(ok.status).toBe(200);
    expect((await requests(cookie)).stepUpUntil).not.toBeNull();
    expect((await portal(t, cookie, '/requests', { type: 'access' })).status).toBe(201);
  });
});

describe('due dates, rejection and alerts', () => {
  it('R5: each request carries dueAt from its jurisdiction (CN erasure: 15 working days)', async () => {
    await linkEmail(t, 'due@example.com');
    const cookie = await signIn(t, 'due@example.com');
    const now = t.clock.now();
    const res = await portal(t, cookie, '/requests', { type: 'erasure' });
    const [r] = CreateRequestOutput.parse(await res.json()).requests;
    expect(r?.status).toBe('verified');
    const days = (Date.parse(r?.dueAt ?? '') - now) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(19);
    expect(days).toBeLessThanOrEqual(21);
    expect(Date.parse(r?.executeAfter ?? '') - now).toBe(7 * 86_400_000);
    // Cancel it: the cooling-off is the customer's to use.
    const cancelled = await portal(t, cookie, `/requests/${r?.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(CreateRequestOutput.parse(await cancelled.json()).requests[0]?.status).toBe('cancelled');
  });

  it('R5: an overdue request raises one alert: an audit event and a request.overdue webhook', async () => {
    await linkEmail(t, 'slowop@example.com');
    const cookie = await signIn(t, 'slowop@example.com');
    const res = await portal(t, cookie, '/requests', {
      type: 'restriction',
      note: 'stop marketing',
    });
    expect(res.status).toBe(201);
    const [r] = CreateRequestOutput.parse(await res.json()).requests;
    t.clock.advanceDays(31);
    const deps = jobDeps(t);
    expect(await alertOverdue(deps)).toBeGreaterThanOrEqual(1);
    expect(await alertOverdue(deps)).toBe(0);
    const outbox = await t.database.db
      .select()
      .from(schema.outbox)
      .where(eq(schema.outbox.topic, 'request.overdue'));
    expect(outbox.some((o) => (o.payload as { requestId: string }).requestId === r?.id)).toBe(true);
    const audit = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.action, 'request.overdue'),
          eq(schema.auditEvents.target, r?.id ?? ''),
        ),
      );
    expect(audit).toHaveLength(1);
  });

  it('R6: a rejection needs a reason; the portal shows it with the complaint route', async () => {
    await linkEmail(t, 'rej@example.com');
    const cookie = await signIn(t, 'rej@example.com');
    const [r] = CreateRequestOutput.parse(
      await (await portal(t, cookie, '/requests', { type: 'restriction' })).json(),
    ).requests;
    const id = r?.id ?? '';
    await expect(
      t.database.db.transaction((tx) =>
        transition(tx, id, 'rejected', { actor: { type: 'staff', id: 'stf_1' } }, t.clock.now()),
      ),
    ).rejects.toMatchObject({ code: 'reason_required' });
    await t.database.db.transaction((tx) =>
      transition(
        tx,
        id,
        'rejected',
        { actor: { type: 'staff', id: 'stf_1' }, reason: 'We hold no data for that purpose.' },
        t.clock.now(),
      ),
    );
    const shown = (await requests(cookie)).requests.find((x) => x.id === id);
    expect(shown?.status).toBe('rejected');
    expect(shown?.reason).toBe('We hold no data for that purpose.');
    expect(shown?.complaintRoute).toMatch(/complain/i);
    expect(shown?.timeline.at(-1)).toMatchObject({
      kind: 'rejected',
      note: 'We hold no data for that purpose.',
    });
  });
});

describe('security', () => {
  it("one customer can never see, cancel or download another customer's requests", async () => {
    await linkEmail(t, 'eve@example.com');
    await linkEmail(t, 'bob@example.com');
    const bob = await signIn(t, 'bob@example.com');
    const eve = await signIn(t, 'eve@example.com');
    const [access] = CreateRequestOutput.parse(
      await (await portal(t, bob, '/requests', { type: 'access' })).json(),
    ).requests;
    const [erasure] = CreateRequestOutput.parse(
      await (await portal(t, bob, '/requests', { type: 'erasure' })).json(),
    ).requests;
    await completeReadyRequests(jobDeps(t));
    expect((await requests(eve)).requests).toHaveLength(0);
    for (const format of ['json', 'csv', 'html']) {
      const res = await portal(t, eve, `/requests/${access?.id}/export/${format}`);
      expect(res.status).toBe(404);
    }
    const cancel = await portal(t, eve, `/requests/${erasure?.id}/cancel`, {});
    expect(cancel.status).toBe(404);
    const other = await portal(t, eve, '/requests', {
      type: 'access',
      propertyId: 'prop_not_mine',
    });
    expect(other.status).toBe(404);
    // Bob's erasure is untouched.
    expect((await requests(bob)).requests.find((r) => r.id === erasure?.id)?.status).toBe(
      'verified',
    );
  });

  it('CSRF: state-changing request calls without the header are refused; signed-out calls get 401', async () => {
    await linkEmail(t, 'csrfr@example.com');
    const cookie = await signIn(t, 'csrfr@example.com');
    const res = await t.app.request('/portal/api/requests', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ type: 'erasure' }),
    });
    expect(res.status).toBe(403);
    expect(Problem.parse(await res.json()).code).toBe('csrf_failed');
    expect((await t.app.request('/portal/api/requests')).status).toBe(401);
    expect(
      (
        await t.app.request('/portal/api/requests', {
          method: 'POST',
          headers: json,
          body: '{"type":"access"}',
        })
      ).status,
    ).toBe(401);
    expect((await t.app.request('/portal/api/profile')).status).toBe(401);
  });
});
