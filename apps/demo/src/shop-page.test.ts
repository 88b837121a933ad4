import { describe, expect, it } from 'vitest';
import { shopLocale, shopPage } from './shop-page.ts';

describe('demo shop page', () => {
  it.each([
    [undefined, 'zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    [undefined, 'zh-TW', 'zh-CN'],
    [undefined, 'en-US,en;q=0.9', 'en'],
    [undefined, undefined, 'en'],
    ['zh', 'en-US', 'zh-CN'],
    ['en', 'zh-CN', 'en'],
  ])('lang=%s, Accept-Language %s → %s', (query, header, expected) => {
    expect(shopLocale(query, header)).toBe(expected);
  });

  it('declares its language so the widget follows it, and embeds the widget with the property key', async () => {
    const page = String(
      await shopPage({
        locale: 'zh-CN',
        apiUrl: 'http://api.test',
        publishableKey: 'pk_demo_shop',
        user: null,
        identityToken: null,
      }),
    );
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('src="http://api.test/sdk/assent.js" data-property="pk_demo_shop"');
    expect(page).toContain('data-purpose="analytics"');
  });
});
