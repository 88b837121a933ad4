// A property described as configuration, and its idempotent application to the database:
// unchanged notice text keeps its version; changed text publishes a new version.
import { type Db, newId, schema } from '@assent/db';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { noticeHash } from './notices.ts';

const NoticeText = z.object({
  title: z.string().min(1),
  description: z.string().min(1),
  methods: z.string().min(1),
  retention: z.string().min(1),
  necessity: z.string().min(1).optional(),
  impact: z.string().min(1).optional(),
});

const PurposeConfig = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/),
    legalBasis: z.enum(['consent', 'contract', 'legal_obligation', 'legitimate_interest']),
    category: z.string().min(1),
    necessary: z.boolean().default(false),
    sensitive: z.boolean().default(false),
    separateConsent: z
      .enum(['sensitive', 'third_party', 'cross_border', 'public_disclosure'])
      .nullable()
      .default(null),
    gpcOptOut: z.boolean().default(false),
    /** Days a grant lasts (REQUIREMENTS C10; config: sensitive 180, other 365). */
    reconfirmAfterDays: z.number().int().positive().optional(),
    /** Days a refusal is not re-asked (C11; config 180, 365 for sale/share). */
    refusalQuietDays: z.number().int().positive().optional(),
    retentionDays: z.number().int().positive(),
    dataCategories: z.array(z.object({ name: z.string(), level: z.enum(['L1', 'L2', 'L3']) })),
    recipients: z.array(z.object({ name: z.string(), country: z.string().optional() })).default([]),
    /** Mark a text change as material: earlier grants become stale (C8). Default true. */
    material: z.boolean().default(true),
    notices: z.record(z.string(), NoticeText),
  })
  .superRefine((p, ctx) => {
    if (p.sensitive && p.separateConsent !== 'sensitive') {
      ctx.addIssue({
        code: 'custom',
        message: 'a sensitive purpose needs separateConsent: "sensitive" (PIPL 29)',
        path: ['separateConsent'],
      });
    }
    if (p.separateConsent) {
      for (const [locale, n] of Object.entries(p.notices)) {
        if (p.separateConsent === 'sensitive' && (!n.necessity || !n.impact)) {
          ctx.addIssue({
            code: 'custom',
            message: "a sensitive purpose's notice must state necessity and impact (PIPL 30)",
            path: ['notices', locale],
          });
        }
      }
    }
    if (p.separateConsent === 'third_party' && p.recipients.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'third-party provision must name its recipients (PIPL 23)',
        path: ['recipients'],
      });
    }
  });

export const PropertyConfig = z.object({
  name: z.string().min(1),
  publishableKey: z.string().regex(/^pk_[A-Za-z0-9_]{6,64}$/),
  identitySecret: z.string().min(32),
  allowedOrigins: z.array(z.string().url()),
  defaultLocale: z.string(),
  locales: z.array(z.string()).min(1),
  jurisdiction: z.enum(['CN', 'EU', 'US-CA']).default('CN'),
  controller: z.object({ name: z.string().min(1), contact: z.string().min(1) }),
  purposes: z.array(PurposeConfig).min(1),
});

export type PropertyConfigInput = z.input<typeof PropertyConfig>;

/**
 * Creates or updates a property from configuration, in one transaction.
 * Notices: when any locale's text hash changed, a new version is published in every locale (old versions stay).
 * @returns the property id.
 * @throws ZodError when the configuration is invalid.
 */
export async function applyPropertyConfig(db: Db, input: PropertyConfigInput): Promise<string> {
  const cfg = PropertyConfig.parse(input);
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(schema.properties)
      .where(eq(schema.properties.publishableKey, cfg.publishableKey));
    const propertyId = existing?.id ?? newId('prop');
    const propertyValues = {
      name: cfg.name,
      identitySecret: cfg.identitySecret,
      allowedOrigins: cfg.allowedOrigins,
      defaultLocale: cfg.defaultLocale,
      locales: cfg.locales,
      jurisdiction: cfg.jurisdiction,
      controller: cfg.controller,
    };
    if (existing) {
      await tx
        .update(schema.properties)
        .set(propertyValues)
        .where(eq(schema.properties.id, propertyId));
    } else {
      await tx
        .insert(schema.properties)
        .values({ id: propertyId, publishableKey: cfg.publishableKey, ...propertyValues });
    }
    for (const [position, p] of cfg.purposes.entries()) {
      const sensitiveDefault = p.separateConsent === 'sensitive' ? 180 : 365;
      const values = {
        legalBasis: p.legalBasis,
        category: p.category,
        necessary: p.necessary,
        sensitive: p.sensitive,
        separateConsent: p.separateConsent,
        gpcOptOut: p.gpcOptOut,
        reconfirmAfterDays: p.reconfirmAfterDays ?? sensitiveDefault,
        refusalQuietDays: p.refusalQuietDays ?? (p.gpcOptOut ? 365 : 180),
        retentionDays: p.retentionDays,
        dataCategories: p.dataCategories,
        recipients: p.recipients,
        position,
      };
      const [found] = await tx
        .select()
        .from(schema.purposes)
        .where(and(eq(schema.purposes.propertyId, propertyId), eq(schema.purposes.key, p.key)));
      const purposeId = found?.id ?? newId('pur');
      if (found)
        await tx.update(schema.purposes).set(values).where(eq(schema.purposes.id, purposeId));
      else
        await tx
          .insert(schema.purposes)
          .values({ id: purposeId, propertyId, key: p.key, ...values });

      const published = await tx
        .select()
        .from(schema.notices)
        .where(eq(schema.notices.purposeId, purposeId));
      const latest = Math.max(0, ...published.map((n) => n.version));
      const changed = Object.entries(p.notices).filter(([locale, text]) => {
        const current = published
          .filter((n) => n.locale === locale)
          .sort((a, b) => b.version - a.version)[0];
        return current?.contentHash !== noticeHash(text);
      });
      if (changed.length === 0) continue;
      // A new version is published in every locale at once, so a version number means the
      // same notice everywhere and a grant in one locale is never stale against another.
      const version = latest + 1;
      for (const [locale, text] of Object.entries(p.notices)) {
        await tx.insert(schema.notices).values({
          id: newId('ntc'),
          purposeId,
          locale,
          version,
          material: latest === 0 ? true : p.material,
          content: text,
          contentHash: noticeHash(text),
        });
      }
    }
    return propertyId;
  });
}
