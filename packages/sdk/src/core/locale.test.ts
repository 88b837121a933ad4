import { describe, expect, it } from 'vitest';
import { SUPPORTED_LOCALES } from '../ui/strings.ts';
import { normalizeLocale, resolveLocale } from './locale.ts';

describe('resolveLocale', () => {
  const cases: [string, (string | null | undefined)[], string][] = [
    ['data-locale wins over <html lang> and the browser', ['zh-CN', 'en', 'en-US'], 'zh-CN'],
    ['case and underscores are normalised', ['zh_cn'], 'zh-CN'],
    ['xx-YY falls back to xx', ['en-GB'], 'en'],
    ['a bare language finds its supported region', ['zh'], 'zh-CN'],
    ['another region of a supported language still gets that language', ['zh-TW'], 'zh-CN'],
    ['missing and empty candidates are skipped', [undefined, '', null, 'zh-Hans-CN'], 'zh-CN'],
    ['an unsupported candidate gives way to the next', ['fr-FR', 'zh-CN'], 'zh-CN'],
    ['nothing supported falls back to en', ['fr-FR', 'de'], 'en'],
    ['no candidates at all falls back to en', [], 'en'],
  ];
  for (const [title, candidates, expected] of cases) {
    it(title, () => {
      expect(resolveLocale(candidates, SUPPORTED_LOCALES)).toBe(expected);
    });
  }

  it('normalises tags to BCP 47 case', () => {
    expect(normalizeLocale('EN-us')).toBe('en-US');
    expect(normalizeLocale('zh-hans-cn')).toBe('zh-hans-CN');
  });
});
