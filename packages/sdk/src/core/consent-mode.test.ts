import { describe, expect, it } from 'vitest';
import { type ConsentModeMap, consentTypes, createConsentMode } from './consent-mode.ts';

const map: ConsentModeMap = {
  analytics: ['analytics_storage'],
  personalized_ads: ['ad_storage', 'ad_user_data', 'ad_personalization'],
  marketing_email: ['ad_user_data'],
};

describe('Consent Mode v2', () => {
  it('defaults every mapped type to denied, as an Arguments object gtag.js can read', () => {
    const host: { dataLayer?: unknown[] } = {};
    createConsentMode(host, map).setDefault();
    const entry = host.dataLayer?.[0] as IArguments;
    expect(Object.prototype.toString.call(entry)).toBe('[object Arguments]');
    expect(Array.from(entry)).toEqual([
      'consent',
      'default',
      {
        analytics_storage: 'denied',
        ad_storage: 'denied',
        ad_user_data: 'denied',
        ad_personalization: 'denied',
        wait_for_update: 500,
      },
    ]);
  });

  it('grants a type when any purpose mapped to it is granted', () => {
    expect(
      consentTypes(map, { analytics: false, personalized_ads: false, marketing_email: true }),
    ).toEqual({
      analytics_storage: 'denied',
      ad_storage: 'denied',
      ad_user_data: 'granted',
      ad_personalization: 'denied',
    });
  });

  it('keeps the existing dataLayer and appends updates after the default', () => {
    const host = { dataLayer: ['earlier'] as unknown[] };
    const cm = createConsentMode(host, map);
    cm.setDefault();
    cm.update({ analytics: true });
    expect(host.dataLayer).toHaveLength(3);
    expect(Array.from(host.dataLayer[2] as IArguments).slice(0, 2)).toEqual(['consent', 'update']);
    expect(
      (Array.from(host.dataLayer[2] as IArguments)[2] as Record<string, string>).analytics_storage,
    ).toBe('granted');
  });
});
