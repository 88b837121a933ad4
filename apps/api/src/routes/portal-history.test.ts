// The portal history: every decision with its signed receipt (P4), the exact notice text of a
// decision as a file (C7), and only one's own.
import { createHash } from 'node:crypto';
import { PortalHistory, PortalMe, SignedReceipt } from '@assent/contract';
import { schema } from '@assent/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing.ts';
import { decide, linkEmail, portal, signIn } from './portal-test-kit.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

describe('history', () => {
  it('P4: a timeline of every decision, newest first, each with a signed receipt', async () => {
    const device = await linkEmail(t, 'hist@example.com');
    await decide(t, device, 'analytics', 'granted');
    t.clock.advanceDays(1);
    await decide(t, device, 'analytics', 'denied');
    const cookie = await signIn(t, 'hist@example.com');
    const list = PortalHistory.parse(await (await portal(t, cookie, '/history')).json());
    const analytics = list.events.filter((e) => e.purpose === 'analytics');
    expect(analytics.map((e) => e.decision)).toEqual(['denied', 'granted']);
    expect(analytics[0]?.title).toBeTruthy();
    const res = await portal(t, cookie, (analytics[0]?.receipt ?? '').replace('/portal/api', ''));
    expect(res.status).toBe(200);
    expect(SignedReceipt.parse(await res.json()).jws).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("security: another customer's history is empty and their receipts answer 404", async () => {
    const device = await linkEmail(t, 'owner@example.com');
    await decide(t, device, 'analytics', 'granted');
    await linkEmail(t, 'snoop@example.com');
    const owner = await signIn(t, 'owner@example.com');
    const snoop = await signIn(t, 'snoop@example.com');
    const [event] = PortalHistory.parse(await (await portal(t, owner, '/history')).json()).events;
    expect(
      PortalHistory.parse(await (await portal(t, snoop, '/history')).json()).events,
    ).toHaveLength(0);
    expect((await portal(t, snoop, `/receipts/${event?.id}`)).status).toBe(404);
    expect((await t.app.request(`/portal/api/receipts/${event?.id}`)).status).toBe(401);
  });

  it('C7: the exact notice a decision was made under downloads as text and HTML, with version, hash, locale and date, as stored with the event', async () => {
    const device = await linkEmail(t, 'notice@example.com');
    await decide(t, device, 'analytics', 'granted');
    const cookie = await signIn(t, 'notice@example.com');
    const me = PortalMe.parse(await (await portal(t, cookie, '/me')).json());
    const analytics = me.properties[0]?.purposes.find((p) => p.key === 'analytics');
    const links = analytics?.agreedNoticeFile;
    if (!links) throw new Error('no notice download');
    const eventId = links.text.split('/')[4] ?? '';
    const [event] = await t.database.db
      .select()
      .from(schema.consentEvents)
      .where(eq(schema.consentEvents.id, eventId));
    const [notice] = await t.database.db
      .select()
      .from(schema.notices)
      .where(eq(schema.notices.id, event?.noticeId ?? ''));
    if (!event || !notice) throw new Error('no stored event');

    const txt = await portal(t, cookie, links.text.replace('/portal/api', ''));
    expect(txt.status).toBe(200);
    expect(txt.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(txt.headers.get('content-disposition')).toMatch(
      new RegExp(`attachment; filename="notice-analytics-v${notice.version}-${notice.locale}.txt"`),
    );
    const text = await txt.text();
    expect(text).toContain(`SHA-256: ${event.noticeHash}`);
    expect(text).toContain(`version ${notice.version}`);
    expect(text).toContain(`Locale: ${notice.locale}`);
    expect(text).toContain(`granted on ${event.collectedAt.toISOString()}`);
    const content = notice.content as Record<string, string>;
    for (const field of ['title', 'description', 'retention'])
      expect(text).toContain(content[field]);
    // The canonical JSON in the file hashes to the SHA-256 stored with the event (P1).
    const canonical = text.trimEnd().split('\n').at(-1) ?? '';
    expect(createHash('sha256').update(canonical).digest('hex')).toBe(event.noticeHash);

    const html = await portal(t, cookie, links.html.replace('/portal/api', ''));
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).not.toMatch(/script-src[^;]*unsafe-inline/);
    const page = await html.text();
    expect(page).toContain(`<html lang="${notice.locale}">`);
    expect(page).toContain(event.noticeHash);
    expect(page).not.toMatch(/<script/i);

    const audits = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.action, 'subject.notice_download'),
          eq(schema.auditEvents.target, eventId),
        ),
      );
    expect(audits.map((a) => a.details.format).sort()).toEqual(['html', 'txt']);

    // Someone else's decision is not there for another customer, nor signed out.
    await linkEmail(t, 'peek@example.com');
    const peek = await signIn(t, 'peek@example.com');
    expect((await portal(t, peek, links.text.replace('/portal/api', ''))).status).toBe(404);
    expect((await t.app.request(links.html)).status).toBe(401);
  });
});
