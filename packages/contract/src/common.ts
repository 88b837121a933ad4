// Shared schema pieces: timestamps, enums, the problem+json error body.
import { z } from '@hono/zod-openapi';

export const IsoTime = z
  .string()
  .datetime({ offset: true })
  .openapi({ example: '2026-11-29T08:00:00.000Z' });

/**
 * A time bound given as a full ISO timestamp with offset, or as a plain date `YYYY-MM-DD`,
 * which means 00:00:00 UTC of that day (ECMAScript reads a date-only ISO string as UTC, so
 * `new Date(value)` gives that instant for both forms).
 */
export const IsoTimeOrDate = z.union([IsoTime, z.iso.date()]).openapi({ example: '2026-01-01' });

/**
 * An optional query parameter for which an empty value (`?locale=`, as a form or
 * `URLSearchParams` sends an empty string) means the parameter is absent; any other value
 * must match `schema`.
 */
export function optionalQueryParam<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
}

export const Decision = z.enum(['granted', 'denied', 'withdrawn']).openapi('Decision');
export const ConsentStatus = z
  .enum(['unset', 'granted', 'denied', 'withdrawn', 'expired', 'stale'])
  .openapi('ConsentStatus');
export const ConsentSource = z
  .enum(['banner', 'preferences', 'sensitive_dialog', 'portal', 'api', 'gpc', 'import'])
  .openapi('ConsentSource');
export const SeparateConsentKind = z
  .enum(['sensitive', 'third_party', 'cross_border', 'public_disclosure'])
  .openapi('SeparateConsentKind');
export const LegalBasis = z
  .enum(['consent', 'contract', 'legal_obligation', 'legitimate_interest'])
  .openapi('LegalBasis');

/** BCP 47 locale tag such as `en` or `zh-CN`. */
export const Locale = z
  .string()
  .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'a BCP 47 locale such as en or zh-CN')
  .openapi({ example: 'zh-CN' });

/** RFC 9457 problem details, with a stable machine `code`. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ example: 'separate_consent_required' }),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() }))
      .optional(),
  })
  .openapi('Problem');
