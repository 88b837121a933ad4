// The property configuration file (`assent.config.json` / `.yaml` / `.ts`): purposes, their
// data categories and notices per locale. Its JSON Schema (schema/assent.config.schema.json)
// is generated from this zod schema for editor completion.
import { z } from 'zod';

const Text = z.string().trim().min(1);

export const Jurisdiction = z
  .enum(['CN', 'EU', 'US-CA'])
  .describe('Legal regime of the property: CN (PIPL), EU (GDPR), US-CA (CCPA/CPRA).');

/** PIPL art. 28 kinds of sensitive personal information (plus minors' data). */
export const SensitiveCategory = z
  .enum([
    'biometric',
    'religious_belief',
    'specific_identity',
    'health',
    'financial_account',
    'whereabouts',
    'minor',
    'other',
  ])
  .describe('Kind of sensitive personal information (PIPL art. 28).');

const Controller = z
  .object({
    name: Text.describe('Legal name of the personal information handler / controller.'),
    contact: Text.describe('How to reach the controller or its privacy officer.'),
  })
  .strict();

/** The notice text for one purpose and locale (PIPL 17, 30; GDPR 13; REQUIREMENTS C6, C7). */
const Notice = z
  .object({
    title: Text.describe('Short name of the purpose as shown.'),
    description: Text.describe('The purpose, in plain words.'),
    methods: Text.describe('How the data is processed.'),
    categories: Text.describe('The personal data categories processed, in words.'),
    retention: Text.describe('How long each data category is kept, in words.'),
    rights: Text.describe(
      'How to withdraw and exercise the rights of access, correction, deletion.',
    ),
    controller: Controller.optional().describe(
      "Overrides the property's controller for this text.",
    ),
    necessity: Text.optional().describe('Sensitive purposes: why the data is necessary (PIPL 30).'),
    impact: Text.optional().describe(
      "Sensitive purposes: the impact on the person's rights (PIPL 30).",
    ),
  })
  .strict();

const DataCategory = z
  .object({
    name: Text,
    names: z
      .record(z.string(), Text)
      .optional()
      .describe('The name in other locales, e.g. {"zh-CN": "浏览画像"}; `name` is the default.'),
    level: z.enum(['L1', 'L2', 'L3']).describe('L1 restricted/encrypted, L2 masked, L3 anonymous.'),
    retentionDays: z.number().int().positive().optional().describe('Retention of this category.'),
  })
  .strict();

const Recipient = z
  .object({
    name: Text,
    country: z
      .string()
      .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'an ISO 3166 code such as CN, US or US-CA')
      .optional()
      .describe('Jurisdiction of the recipient (required for cross-border transfer).'),
  })
  .strict();

const Purpose = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'lower_snake_case, 2-64 characters'),
    legalBasis: z.enum(['consent', 'contract', 'legal_obligation', 'legitimate_interest']),
    category: Text.describe('Free grouping such as analytics, marketing, advertising.'),
    necessary: z.boolean().default(false).describe('Needed for the service: never asked (C4).'),
    sensitive: z.boolean().default(false).describe('Sensitive personal information (PIPL 28).'),
    sensitiveCategory: SensitiveCategory.optional(),
    separateConsent: z
      .enum(['sensitive', 'third_party', 'cross_border', 'public_disclosure'])
      .nullable()
      .default(null)
      .describe('Needs its own, separate consent (PIPL 23, 25, 29, 39; C5).'),
    gpcOptOut: z.boolean().default(false).describe('Global Privacy Control opts it out (C13).'),
    reconfirmAfterDays: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Days a grant lasts (C10; default 180 sensitive, 365 other).'),
    refusalQuietDays: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Days a refusal is not re-asked (C11; default 180, 365 with gpcOptOut).'),
    retentionDays: z.number().int().positive(),
    minimumAge: z
      .partialRecord(Jurisdiction, z.number().int().min(1).max(21))
      .optional()
      .describe('Age below which a guardian consents, per jurisdiction (C12).'),
    dataCategories: z.array(DataCategory).min(1),
    recipients: z.array(Recipient).default([]),
    material: z
      .boolean()
      .default(true)
      .describe('A text change is material: earlier grants become stale (C8).'),
    notices: z.record(z.string(), Notice).describe('Notice text per locale.'),
  })
  .strict()
  .superRefine((p, ctx) => {
    const issue = (message: string, path: (string | number)[]) =>
      ctx.addIssue({ code: 'custom', message, path });
    if (p.sensitive && p.separateConsent !== 'sensitive')
      issue('a sensitive purpose needs separateConsent: "sensitive" (PIPL 29)', [
        'separateConsent',
      ]);
    if (p.separateConsent === 'sensitive' && !p.sensitive)
      issue('separateConsent "sensitive" needs sensitive: true', ['sensitive']);
    if (p.sensitive && !p.sensitiveCategory)
      issue('a sensitive purpose names its sensitiveCategory (PIPL 28)', ['sensitiveCategory']);
    if (p.necessary && p.separateConsent)
      issue('a necessary purpose cannot need separate consent', ['separateConsent']);
    for (const [locale, n] of Object.entries(p.notices)) {
      if (p.separateConsent === 'sensitive' && !n.necessity)
        issue("a sensitive purpose's notice must state its necessity (PIPL 30)", [
          'notices',
          locale,
          'necessity',
        ]);
      if (p.separateConsent === 'sensitive' && !n.impact)
        issue("a sensitive purpose's notice must state the impact on rights (PIPL 30)", [
          'notices',
          locale,
          'impact',
        ]);
    }
    if (
      (p.separateConsent === 'third_party' || p.separateConsent === 'cross_border') &&
      p.recipients.length === 0
    )
      issue('third-party provision and cross-border transfer name their recipients (PIPL 23, 39)', [
        'recipients',
      ]);
    if (p.separateConsent === 'cross_border') {
      for (const [i, r] of p.recipients.entries())
        if (!r.country)
          issue('a cross-border recipient names its jurisdiction (PIPL 39)', [
            'recipients',
            i,
            'country',
          ]);
    }
  });

export const AssentConfig = z
  .object({
    $schema: z.string().optional(),
    name: Text,
    publishableKey: z.string().regex(/^pk_[A-Za-z0-9_]{6,64}$/, 'pk_ followed by 6-64 characters'),
    identitySecret: z
      .string()
      .min(32)
      .optional()
      .describe(
        'HS256 secret for identity tokens; omit to have one generated (kept out of files).',
      ),
    allowedOrigins: z.array(z.url()).describe('Origins the widget may call from.'),
    defaultLocale: z.string().min(2),
    locales: z.array(z.string().min(2)).min(1),
    jurisdiction: Jurisdiction.default('CN'),
    controller: Controller,
    purposes: z.array(Purpose).min(1),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (!cfg.locales.includes(cfg.defaultLocale))
      ctx.addIssue({
        code: 'custom',
        message: 'defaultLocale must be one of locales',
        path: ['defaultLocale'],
      });
    const seen = new Set<string>();
    for (const [i, p] of cfg.purposes.entries()) {
      // In China, providing personal information to another handler needs the person's separate
      // consent (PIPL 23), and so does providing it abroad (PIPL 39).
      if (cfg.jurisdiction === 'CN' && !p.necessary && p.recipients.length > 0) {
        const abroad = p.recipients.some((r) => r.country && r.country !== 'CN');
        const needed = abroad ? ['cross_border'] : ['third_party', 'cross_border'];
        if (!needed.includes(p.separateConsent ?? ''))
          ctx.addIssue({
            code: 'custom',
            message: abroad
              ? 'a recipient outside China needs separateConsent: "cross_border" (PIPL 39)'
              : 'a recipient (another handler) needs separateConsent: "third_party" (PIPL 23)',
            path: ['purposes', i, 'separateConsent'],
          });
      }
      if (seen.has(p.key))
        ctx.addIssue({ code: 'custom', message: `duplicate key ${p.key}`, path: ['purposes', i] });
      seen.add(p.key);
      for (const locale of cfg.locales)
        if (!p.notices[locale])
          ctx.addIssue({
            code: 'custom',
            message: `a notice in ${locale} is required (every locale of the property)`,
            path: ['purposes', i, 'notices', locale],
          });
    }
  });

/** The configuration as written (defaults optional). */
export type AssentConfigInput = z.input<typeof AssentConfig>;
/** The configuration after validation (defaults filled). */
export type AssentConfigParsed = z.output<typeof AssentConfig>;
export type ConfigNotice = z.output<typeof Notice>;

/** JSON Schema (draft 2020-12) of the configuration file, for editors (`$schema`). */
export function assentConfigJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(AssentConfig, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://assent.dev/schema/assent.config.schema.json',
    title: 'Assent property configuration',
  };
}

/**
 * One line per problem: `file: purposes[4].notices.en.impact: message`.
 * @param file the file name to name in each line
 */
export function formatConfigIssues(file: string, error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const path = i.path
      .map((p, n) => (typeof p === 'number' ? `[${p}]` : n === 0 ? String(p) : `.${String(p)}`))
      .join('');
    return `${file}: ${path || '(root)'}: ${i.message}`;
  });
}
