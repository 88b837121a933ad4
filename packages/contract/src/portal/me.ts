// Portal: everything the signed-in customer's email is linked to, and one-click changes.
import { z } from '@hono/zod-openapi';
import { ConsentSource, Decision, IsoTime } from '../common.ts';
import { NoticeView, PurposeView } from '../consents/experience.ts';

export const PortalPurpose = PurposeView.extend({
  /** The exact notice version the current decision was made under (null when unset). */
  agreedNotice: NoticeView.nullable(),
  source: ConsentSource.nullable(),
}).openapi('PortalPurpose');

export const PortalProperty = z.object({
  property: z.object({ id: z.string(), name: z.string() }),
  purposes: z.array(PortalPurpose),
});

export const PortalMe = z
  .object({ email: z.string(), properties: z.array(PortalProperty) })
  .openapi('PortalMe');

export const PortalDecisionInput = z
  .object({
    propertyId: z.string(),
    purpose: z.string(),
    decision: Decision,
    /** `separate_dialog` when the customer confirmed a separate-consent purpose in its own dialog. */
    surface: z.string().max(64).optional(),
    locale: z.string().max(35).optional(),
  })
  .openapi('PortalDecisionInput');

export const PortalDecisionOutput = z
  .object({ eventId: z.string(), purpose: z.string(), decision: Decision, collectedAt: IsoTime })
  .openapi('PortalDecisionOutput');

export type PortalMeBody = z.infer<typeof PortalMe>;
export type PortalPurposeBody = z.infer<typeof PortalPurpose>;
export type PortalDecisionInputBody = z.infer<typeof PortalDecisionInput>;
