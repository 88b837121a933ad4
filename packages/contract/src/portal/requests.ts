// Portal privacy requests (REQUIREMENTS R1-R8): list, create, cancel, step-up and profile.
import { z } from '@hono/zod-openapi';
import { IsoTime, Locale } from '../common.ts';

export const RequestType = z
  .enum(['access', 'erasure', 'rectification', 'restriction'])
  .openapi('RequestType');
export const RequestStatus = z
  .enum(['received', 'verified', 'in_progress', 'completed', 'rejected', 'cancelled', 'lifted'])
  .openapi('RequestStatus');

export const PrivacyRequestView = z
  .object({
    id: z.string(),
    propertyId: z.string(),
    type: RequestType,
    status: RequestStatus,
    receivedAt: IsoTime,
    /** Answer deadline from the jurisdiction (R5). */
    dueAt: IsoTime,
    /** Acknowledgement deadline where the law has one (US-CA). */
    ackDueAt: IsoTime.nullable(),
    /** Erasure: when the cooling-off ends; cancellable until then. */
    executeAfter: IsoTime.nullable(),
    closedAt: IsoTime.nullable(),
    /** Why it was rejected (R6), with the complaint route. */
    reason: z.string().nullable(),
    complaintRoute: z.string().nullable(),
    timeline: z.array(z.object({ at: IsoTime, kind: z.string(), note: z.string().nullable() })),
    /** Access requests: the export's downloads while the link is valid. */
    export: z
      .object({ expiresAt: IsoTime, json: z.string(), csv: z.string(), html: z.string() })
      .nullable(),
  })
  .openapi('PrivacyRequest');

export const PortalRequests = z
  .object({
    requests: z.array(PrivacyRequestView),
    /** Days between an erasure request and the erasure (cancellable meanwhile): the longest of `coolingOff`. */
    coolingOffDays: z.number().int(),
    /** The cooling-off of each property linked to the email, from its jurisdiction (config). */
    coolingOff: z.array(
      z.object({ propertyId: z.string(), propertyName: z.string(), days: z.number().int() }),
    ),
    /** When this session's step-up ends (null: a fresh code is needed first; R7). */
    stepUpUntil: IsoTime.nullable(),
  })
  .openapi('PortalRequests');

export const CreateRequestInput = z
  .object({
    type: z.enum(['access', 'erasure', 'restriction']),
    /** One property; omitted = every property linked to the signed-in email. */
    propertyId: z.string().max(64).optional(),
    /** Restriction: what the customer wants restricted (no personal data needed). */
    note: z.string().max(1000).optional(),
  })
  .openapi('CreateRequestInput');

export const CreateRequestOutput = z
  .object({ requests: z.array(PrivacyRequestView) })
  .openapi('CreateRequestOutput');

/**
 * Ask for a step-up code (R7). The body is optional: none, an empty one or `{}` means no
 * `locale`. `locale` is the portal's UI locale (BCP 47): the code email is written in Simplified
 * Chinese for any `zh` tag and in English otherwise or when absent, as for `SignInStartInput`.
 */
export const StepUpStartInput = z
  .object({
    locale: Locale.optional().describe(
      'The portal UI locale; any `zh` tag → the email in zh-CN, anything else or absent → en.',
    ),
  })
  .openapi('StepUpStartInput');
export const StepUpVerifyInput = z
  .object({ code: z.string().regex(/^\d{6}$/) })
  .openapi('StepUpVerifyInput');
export const StepUpOutput = z.object({ stepUpUntil: IsoTime }).openapi('StepUp');

export const ProfileView = z
  .object({
    profiles: z.array(
      z.object({
        propertyId: z.string(),
        propertyName: z.string(),
        name: z.string().nullable(),
        phone: z.string().nullable(),
      }),
    ),
  })
  .openapi('Profile');

export const ProfileInput = z
  .object({
    propertyId: z.string().max(64),
    name: z.string().trim().max(200).nullable().optional(),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{3,32}$/, 'a phone number')
      .nullable()
      .optional(),
  })
  .openapi('ProfileInput');

export type PrivacyRequestBody = z.infer<typeof PrivacyRequestView>;
export type PortalRequestsBody = z.infer<typeof PortalRequests>;
export type CreateRequestInputBody = z.infer<typeof CreateRequestInput>;
export type ProfileBody = z.infer<typeof ProfileView>;
export type ProfileInputBody = z.infer<typeof ProfileInput>;
export type StepUpStartInputBody = z.infer<typeof StepUpStartInput>;
