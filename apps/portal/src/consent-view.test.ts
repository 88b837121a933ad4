import { describe, expect, it } from 'vitest';
import {
  errorKey,
  purposeAction,
  requiredSurface,
  splitPurposes,
  statusLabel,
} from './consent-view.ts';
import { createTranslator } from './i18n/i18n.ts';
import { portalPurpose as purpose } from './test-fixtures.ts';

describe('statusLabel', () => {
  it.each([
    ['granted', 'Granted', '已同意'],
    ['denied', 'Refused', '已拒绝'],
    ['withdrawn', 'Withdrawn', '已撤回'],
    ['expired', 'Expired – needs re-confirmation', '已过期，需要重新确认'],
    ['stale', 'Changed since you agreed', '内容已在您同意后变更'],
    ['unset', 'Not decided yet', '尚未决定'],
  ] as const)('%s → “%s” / “%s”', (status, english, chinese) => {
    expect(statusLabel(status, createTranslator('en'))).toBe(english);
    expect(statusLabel(status, createTranslator('zh-CN'))).toBe(chinese);
  });
});

describe('purposeAction', () => {
  it.each([
    ['granted', 'withdraw'],
    ['denied', 'grant'],
    ['withdrawn', 'grant'],
    ['unset', 'grant'],
    ['expired', 'reconfirm'],
    ['stale', 'reconfirm'],
  ] as const)('%s → %s', (status, action) => {
    expect(purposeAction(purpose('p', status))).toBe(action);
  });

  it('offers no control for a necessary purpose', () => {
    expect(purposeAction(purpose('p', 'granted', { necessary: true }))).toBeNull();
  });
});

describe('requiredSurface', () => {
  const sensitive = purpose('face_login', 'unset', { separateConsent: 'sensitive' });
  it('sends a separate-consent grant from the separate dialog surface', () => {
    expect(requiredSurface(sensitive, 'granted')).toBe('separate_dialog');
  });
  it('lets withdrawals and ordinary grants go without the dialog', () => {
    expect(requiredSurface(sensitive, 'withdrawn')).toBeUndefined();
    expect(requiredSurface(purpose('analytics', 'unset'), 'granted')).toBeUndefined();
  });
});

describe('splitPurposes', () => {
  it('puts separate-consent purposes in their own section, keeping order', () => {
    const list = [
      purpose('essential', 'granted', { necessary: true }),
      purpose('face_login', 'unset', { separateConsent: 'sensitive' }),
      purpose('analytics', 'unset'),
      purpose('partner_share', 'unset', { separateConsent: 'third_party' }),
    ];
    const { ordinary, separate } = splitPurposes(list);
    expect(ordinary.map((p) => p.key)).toEqual(['essential', 'analytics']);
    expect(separate.map((p) => p.key)).toEqual(['face_login', 'partner_share']);
  });
});

describe('errorKey', () => {
  it('words known problem codes and falls back for others', () => {
    expect(createTranslator('en')(errorKey('invalid_code'))).toMatch(/wrong or has expired/);
    expect(errorKey('too_many_attempts')).toBe('error.too_many_attempts');
    // The API's 429 (e.g. the step-up code cap) says to wait, in both languages.
    expect(createTranslator('en')(errorKey('rate_limited'))).toMatch(/Wait a few minutes/);
    expect(createTranslator('zh-CN')(errorKey('rate_limited'))).toMatch(/请等待几分钟/);
    expect(errorKey('constructor')).toBe('error.unknown');
    expect(errorKey('internal_error')).toBe('error.unknown');
  });
});
