// The erasure cooling-off per jurisdiction (R4, config): 7 days everywhere by default, a JSON
// override per jurisdiction keyed like the due-date table, checked at start-up; the portal
// stamps each erasure with the cooling-off of its property's jurisdiction.
import { CreateRequestOutput, PortalRequests } from '@assent/contract';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../env.ts';
import { linkEmail, portal, signIn } from '../../routes/portal-test-kit.ts';
import { createTestApp } from '../../testing.ts';
import { coolingOffDays, coolingOffTable } from './cooling-off.ts';

const DAY = 86_400_000;

describe('R4: cooling-off per jurisdiction', () => {
  const table = coolingOffTable(7, JSON.stringify({ CN: 3, EU: 14, 'US-CA': 0 }));
  it.each([
    ['CN', 3],
    ['EU', 14],
    ['DE', 14], // an EU member state uses the EU entry
    ['US-CA', 0],
    ['CA', 0], // California, as a property may spell it
    ['BR', 7], // no entry: the default
  ] as const)('%s → %i days', (jurisdiction, days) => {
    expect(coolingOffDays(table, jurisdiction)).toBe(days);
  });

  it('R4: the default is 7 days in every jurisdiction', () => {
    const { coolingOff } = loadConfig({ NODE_ENV: 'test' }).requests;
    for (const j of ['CN', 'EU', 'DE', 'US-CA', 'BR'])
      expect(coolingOffDays(coolingOff, j)).toBe(7);
    const tighter = loadConfig({ NODE_ENV: 'test', ASSENT_ERASURE_COOLING_OFF_DAYS: '2' });
    expect(coolingOffDays(tighter.requests.coolingOff, 'EU')).toBe(2);
  });

  it.each([
    ['not json', /ASSENT_ERASURE_COOLING_OFF_BY_JURISDICTION/],
    ['{"CN":-1}', /ASSENT_ERASURE_COOLING_OFF_BY_JURISDICTION/],
    ['{"CN":91}', /ASSENT_ERASURE_COOLING_OFF_BY_JURISDICTION/],
    ['{"CN":"7"}', /ASSENT_ERASURE_COOLING_OFF_BY_JURISDICTION/],
  ])('an invalid override (%s) stops start-up', (value, message) => {
    expect(() =>
      loadConfig({ NODE_ENV: 'test', ASSENT_ERASURE_COOLING_OFF_BY_JURISDICTION: value }),
    ).toThrow(message);
  });

  it('R5: an invalid deadline override now stops start-up too, not the first request', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', ASSENT_REQUEST_DEADLINES: '{"CN":1}' })).toThrow(
      /ASSENT_REQUEST_DEADLINES/,
    );
  });

  it("R4: an erasure requested in the portal waits out its property's jurisdiction's cooling-off", async () => {
    // The demo property's jurisdiction is CN.
    const t = await createTestApp({ ASSENT_ERASURE_COOLING_OFF_BY_JURISDICTION: '{"CN":3}' });
    try {
      await linkEmail(t, 'cool@example.com');
      const cookie = await signIn(t, 'cool@example.com');
      const list = PortalRequests.parse(await (await portal(t, cookie, '/requests')).json());
      expect(list.coolingOff).toEqual([
        { propertyId: t.propertyId, propertyName: 'Demo Shop', days: 3 },
      ]);
      const now = t.clock.now();
      const res = await portal(t, cookie, '/requests', { type: 'erasure' });
      expect(res.status).toBe(201);
      const [r] = CreateRequestOutput.parse(await res.json()).requests;
      expect(Date.parse(r?.executeAfter ?? '') - now).toBe(3 * DAY);
    } finally {
      await t.dispose();
    }
  }, 60_000);
});
