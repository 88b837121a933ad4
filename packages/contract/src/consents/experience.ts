// GET /v1/experience: the property's purposes with their notices for a locale, the device's
// current state per purpose, and what to ask now, in one round trip.
import { z } from '@hono/zod-openapi';
import {
  ConsentStatus,
  IsoTime,
  LegalBasis,
  Locale,
  optionalQueryParam,
  SeparateConsentKind,
} from '../common.ts';

export const DataCategory = z.object({ name: z.string(), level: z.enum(['L1', 'L2', 'L3']) });
export const Recipient = z.object({ name: z.string(), country: z.string().optional() });

/** The notice text shown for one purpose (PIPL 17, 30; GDPR 13). */
export const NoticeView = z
  .object({
    id: z.string(),
    version: z.number().int(),
    locale: z.string(),
    /** SHA-256 hex of the canonical notice content. */
    hash: z.string(),
    title: z.string(),
    description: z.string(),
    /** Sensitive purposes: why the data is necessary (PIPL 30). */
    necessity: z.string().optional(),
    /** Sensitive purposes: the impact on the person's rights (PIPL 30). */
    impact: z.string().optional(),
    retention: z.string(),
    methods: z.string().optional(),
  })
  .openapi('Notice');

export const StateView = z
  .object({
    status: ConsentStatus,
    effective: z.boolean(),
    decidedAt: IsoTime.nullable(),
    expiresAt: IsoTime.nullable(),
  })
  .openapi('ConsentState');

export const PurposeView = z
  .object({
    key: z.string(),
    legalBasis: LegalBasis,
    category: z.string(),
    necessary: z.boolean(),
    /**
     * Sensitive personal information (PIPL 28; GDPR 9): always asked separately
     * (`separateConsent: sensitive`). Optional only for copies stored by older widgets.
     */
    sensitive: z.boolean().optional(),
    /** Its PIPL 28 kind when `sensitive` (`biometric`, `health`, `financial_account`…), else null. */
    sensitiveCategory: z.string().nullable().optional(),
    separateConsent: SeparateConsentKind.nullable(),
    gpcOptOut: z.boolean(),
    reconfirmAfterDays: z.number().int(),
    /** Days a refusal is not re-asked (C11); lets the widget plan from a stored copy offline. */
    refusalQuietDays: z.number().int().optional(),
    retentionDays: z.number().int(),
    dataCategories: z.array(DataCategory),
    recipients: z.array(Recipient),
    notice: NoticeView,
    state: StateView,
  })
  .openapi('Purpose');

export const ExperienceQuery = z.object({
  /** The publishable key, in place of `X-Assent-Key` (so the widget's request needs no preflight). */
  key: z
    .string()
    .max(128)
    .optional()
    .openapi({ param: { name: 'key', in: 'query' }, example: 'pk_demo_shop' }),
  /** The device id, in place of `X-Assent-Device`; a device cookie, when sent, wins over both. */
  device: z
    .string()
    .max(128)
    .optional()
    .openapi({ param: { name: 'device', in: 'query' } }),
  /** The notice locale; absent or empty (`?locale=`) → the property's default locale. */
  locale: optionalQueryParam(Locale).openapi({ param: { name: 'locale', in: 'query' } }),
  /**
   * The widget's Global Privacy Control signal (`navigator.globalPrivacyControl`); same effect
   * as `Sec-GPC: 1`. Empty (`?gpc=`) is the same as absent.
   */
  gpc: optionalQueryParam(z.enum(['0', '1'])).openapi({ param: { name: 'gpc', in: 'query' } }),
});

/** The age gate (C12; PIPL 31, GDPR 8, Cal. Civ. 1798.120(c)); see @assent/policy `ageGate`. */
export const AgeGateView = z
  .object({
    /** The widget asks the age before a grant of one of `ask`. */
    gate: z.boolean(),
    /** The age asked about ("Are you {threshold} or older?"); null without a gate. */
    threshold: z.number().int().nullable(),
    /** Purposes whose grant the age question precedes (their config names `minimumAge`). */
    ask: z.array(z.string()),
    /** Purposes a parent or guardian must grant for a person under the threshold. */
    guardian: z.array(z.string()),
  })
  .openapi('AgeGate');

export const Experience = z
  .object({
    property: z.object({
      id: z.string(),
      name: z.string(),
      locale: z.string(),
      locales: z.array(z.string()),
      controller: z.object({ name: z.string(), contact: z.string() }),
    }),
    purposes: z.array(PurposeView),
    ask: z.object({
      banner: z.boolean(),
      reconfirm: z.array(z.string()),
      separatePending: z.array(z.string()),
    }),
    /** Set when the request carried Global Privacy Control and it was honoured (C13). */
    gpc: z.object({ honoured: z.boolean(), optedOut: z.array(z.string()) }),
    age: AgeGateView,
  })
  .openapi('Experience');

export type ExperienceBody = z.infer<typeof Experience>;
export type PurposeViewBody = z.infer<typeof PurposeView>;
export type NoticeViewBody = z.infer<typeof NoticeView>;
export type StateViewBody = z.infer<typeof StateView>;
