import { describe, expect, it } from 'vitest';
import { createTranslator, formatDate, interpolate, negotiateLocale } from './i18n.ts';
import { en, zhCN } from './messages.ts';

describe('negotiateLocale', () => {
  it.each([
    [null, ['zh-CN', 'en'], 'zh-CN'],
    [null, ['zh'], 'zh-CN'],
    [null, ['zh-Hans-CN'], 'zh-CN'],
    [null, ['en-GB'], 'en'],
    [null, ['fr-FR', 'zh-TW'], 'zh-CN'],
    [null, ['fr-FR', 'de'], 'en'],
    [null, [], 'en'],
    ['en', ['zh-CN'], 'en'],
    ['zh-CN', ['en-US'], 'zh-CN'],
    ['klingon', ['zh-CN'], 'zh-CN'],
  ] as const)('stored %s, browser %j → %s', (stored, langs, expected) => {
    expect(negotiateLocale(stored, langs)).toBe(expected);
  });
});

describe('createTranslator', () => {
  it('uses the locale’s own message', () => {
    expect(createTranslator('zh-CN')('consents.withdraw')).toBe('撤回');
    expect(createTranslator('en')('consents.withdraw')).toBe('Withdraw');
  });

  it('falls back to English for a key the locale lacks, then to the key itself', () => {
    const t = createTranslator('zh-CN', {
      en: { 'consents.grant': 'Grant' },
      'zh-CN': { 'consents.withdraw': '撤回' },
    });
    expect(t('consents.withdraw')).toBe('撤回');
    expect(t('consents.grant')).toBe('Grant');
    expect(t('consents.reconfirm')).toBe('consents.reconfirm');
  });

  it('fills placeholders in the fallback text too', () => {
    const t = createTranslator('zh-CN', { en: { 'consents.since': 'Since {date}' }, 'zh-CN': {} });
    expect(t('consents.since', { date: '1 May 2026' })).toBe('Since 1 May 2026');
  });
});

describe('dictionaries', () => {
  it('zh-CN translates every English key, with no empty or untranslated-looking text', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zhCN[key], key).toBeTruthy();
    }
    const identical = (Object.keys(en) as (keyof typeof en)[]).filter((k) => zhCN[k] === en[k]);
    expect(identical).toEqual([]);
  });

  it('keeps the same placeholders in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(names(zhCN[key]), key).toEqual(names(en[key]));
    }
  });
});

describe('interpolate', () => {
  it('replaces known placeholders and leaves unknown ones visible', () => {
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});

describe('formatDate', () => {
  const iso = '2026-11-29T08:00:00.000Z';
  it('formats in the reader’s locale', () => {
    expect(formatDate(iso, 'zh-CN')).toBe('2026年11月29日');
    expect(formatDate(iso, 'en')).toBe('Nov 29, 2026');
  });
  it('returns null for a missing or unparsable time', () => {
    expect(formatDate(null, 'en')).toBeNull();
    expect(formatDate('not a date', 'en')).toBeNull();
  });
});
