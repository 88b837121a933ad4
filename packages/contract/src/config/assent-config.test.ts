// The configuration schema: required notice fields, clear errors, and the committed JSON Schema.
import { describe, expect, it } from 'vitest';
import committed from '../../schema/assent.config.schema.json';
import { AssentConfig, assentConfigJsonSchema, formatConfigIssues } from './assent-config.ts';

const notice = {
  title: 'Analytics',
  description: 'Counts visits.',
  methods: 'A first-party script.',
  categories: 'Usage events.',
  retention: 'Usage events: 13 months.',
  rights: 'Withdraw at any time from Privacy choices.',
};

function config(purpose: Record<string, unknown>) {
  return {
    name: 'Shop',
    publishableKey: 'pk_test_shop',
    allowedOrigins: ['https://shop.example'],
    defaultLocale: 'en',
    locales: ['en'],
    controller: { name: 'Shop Ltd.', contact: 'privacy@shop.example' },
    purposes: [
      {
        key: 'analytics',
        legalBasis: 'consent',
        category: 'analytics',
        retentionDays: 395,
        dataCategories: [{ name: 'usage events', level: 'L3' }],
        notices: { en: notice },
        ...purpose,
      },
    ],
  };
}

function problems(input: unknown): string[] {
  const r = AssentConfig.safeParse(input);
  return r.success ? [] : formatConfigIssues('assent.config.json', r.error);
}

describe('assent.config', () => {
  it('C5: in China a purpose with recipients needs separate consent (PIPL 23), abroad cross_border (PIPL 39)', () => {
    const local = [{ name: 'Partner Co.', country: 'CN' }];
    const abroad = [{ name: 'AdNetwork Inc.', country: 'US' }];
    expect(problems(config({ recipients: local })).join('\n')).toContain('third_party');
    expect(
      problems(config({ recipients: abroad, separateConsent: 'third_party' })).join('\n'),
    ).toContain('cross_border');
    expect(problems(config({ recipients: local, separateConsent: 'third_party' }))).toEqual([]);
    expect(problems(config({ recipients: abroad, separateConsent: 'cross_border' }))).toEqual([]);
    // Outside China recipients are named, not separately consented.
    expect(problems({ ...config({ recipients: abroad }), jurisdiction: 'EU' })).toEqual([]);
  });

  it('accepts a complete property and fills defaults', () => {
    const parsed = AssentConfig.parse(config({}));
    expect(parsed.purposes[0]).toMatchObject({ necessary: false, material: true, recipients: [] });
  });

  it('C7: the notice schema requires controller, purpose, methods, categories, retention and rights', () => {
    expect(problems({ ...config({}), controller: undefined })).toContain(
      'assent.config.json: controller: Invalid input: expected object, received undefined',
    );
    for (const field of ['description', 'methods', 'categories', 'retention', 'rights']) {
      const { [field as keyof typeof notice]: _gone, ...rest } = notice;
      const lines = problems(config({ notices: { en: rest } }));
      expect(
        lines.some((l) => l.startsWith(`assent.config.json: purposes[0].notices.en.${field}:`)),
      ).toBe(true);
    }
  });

  it('C6: a sensitive purpose without necessity or impact is an error naming the path', () => {
    const lines = problems(
      config({ sensitive: true, sensitiveCategory: 'biometric', separateConsent: 'sensitive' }),
    );
    expect(lines).toEqual([
      "assent.config.json: purposes[0].notices.en.necessity: a sensitive purpose's notice must state its necessity (PIPL 30)",
      "assent.config.json: purposes[0].notices.en.impact: a sensitive purpose's notice must state the impact on rights (PIPL 30)",
    ]);
  });

  it('C5: separate-consent kinds carry what the law asks (category, recipients, jurisdiction)', () => {
    expect(problems(config({ sensitive: true }))).toEqual(
      expect.arrayContaining([
        expect.stringContaining('purposes[0].separateConsent: a sensitive purpose needs'),
        expect.stringContaining('purposes[0].sensitiveCategory:'),
      ]),
    );
    expect(problems(config({ separateConsent: 'third_party' }))).toEqual([
      expect.stringContaining('purposes[0].recipients: third-party provision'),
    ]);
    expect(
      problems(config({ separateConsent: 'cross_border', recipients: [{ name: 'Cloud Inc.' }] })),
    ).toEqual([expect.stringContaining('purposes[0].recipients[0].country:')]);
  });

  it('names unknown keys, missing locales and duplicate purposes', () => {
    expect(problems(config({ retentionDay: 3 }))).toEqual([
      expect.stringContaining('assent.config.json: purposes[0]: Unrecognized key: "retentionDay"'),
    ]);
    expect(problems({ ...config({}), locales: ['en', 'zh-CN'] })).toEqual([
      expect.stringContaining('purposes[0].notices.zh-CN: a notice in zh-CN is required'),
    ]);
  });

  it('the committed JSON Schema is generated from the zod schema (pnpm --filter @assent/contract schema)', () => {
    const schema = assentConfigJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(committed).toEqual(schema);
  });
});
