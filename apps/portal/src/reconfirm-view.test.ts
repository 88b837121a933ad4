// The "due for re-confirmation" rules: everything due across properties in one list, the
// separate-consent purposes apart (never in the one action, C5), the reason shown (C8, C10).
import type { PortalMe } from '@assent/contract/types';
import { describe, expect, it } from 'vitest';
import { createTranslator } from './i18n/i18n.ts';
import { dueItems, dueReason, dueReasonKey, reconfirmInput } from './reconfirm-view.ts';
import { NOTICE, portalPurpose } from './test-fixtures.ts';

const v2 = { ...NOTICE, id: 'ntc_2', version: 2 };
const me: PortalMe = {
  email: 'a@example.com',
  properties: [
    {
      property: { id: 'prop_shop', name: 'Shop' },
      purposes: [
        portalPurpose('essential', 'granted', { necessary: true }),
        portalPurpose('analytics', 'stale', { notice: v2 }),
        portalPurpose('face_login', 'expired', { separateConsent: 'sensitive' }),
        portalPurpose('ads', 'denied'),
      ],
      reconfirm: ['analytics', 'face_login'],
      restriction: null,
    },
    {
      property: { id: 'prop_app', name: 'App' },
      purposes: [portalPurpose('newsletter', 'granted')],
      reconfirm: ['newsletter'],
      restriction: null,
    },
  ],
};

describe('due for re-confirmation', () => {
  it('C10: lists what the API says is due across every property, in its order', () => {
    const { ordinary, separate } = dueItems(me);
    expect(ordinary.map((i) => [i.propertyName, i.purpose.key, i.reason])).toEqual([
      ['Shop', 'analytics', 'stale'],
      ['App', 'newsletter', 'expiring'],
    ]);
    expect(separate.map((i) => [i.purpose.key, i.reason])).toEqual([['face_login', 'expired']]);
  });

  it('C5: the one action never carries a separate-consent purpose, and sends the notice shown', () => {
    const { ordinary, separate } = dueItems(me);
    const body = reconfirmInput([...ordinary, ...separate], 'zh-CN');
    expect(body).toEqual({
      items: [
        { propertyId: 'prop_shop', purpose: 'analytics', noticeId: 'ntc_2' },
        { propertyId: 'prop_app', purpose: 'newsletter', noticeId: 'ntc_1' },
      ],
      locale: 'zh-CN',
    });
  });

  it('C8: a stale grant says which notice version changed, in both languages', () => {
    const analytics = dueItems(me).ordinary[0]?.purpose;
    if (!analytics) throw new Error('fixture');
    expect(dueReason(analytics)).toBe('stale');
    const vars = { from: 1, to: 2, date: '' };
    expect(createTranslator('en')(dueReasonKey('stale'), vars)).toBe(
      'Notice changed: version 1 → 2',
    );
    expect(createTranslator('zh-CN')(dueReasonKey('stale'), vars)).toBe(
      '告知文本已变更：第 1 版 → 第 2 版',
    );
  });
});
