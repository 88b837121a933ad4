// Portal: everything the signed-in customer's email is linked to, and one-click changes.
import { z } from '@hono/zod-openapi';
import { ConsentSource, Decision, IsoTime } from '../common.ts';
import { NoticeView, PurposeView } from '../consents/experience.ts';

/** Where the exact notice text of one decision is downloaded (C7): plain text or HTML. */
export const NoticeFileLinks = z.object({ text: z.string(), html: z.string() });

/**
 * One purpose as the portal shows it: the widget's purpose view plus what the current decision
 * was made under. Written as one flat object, and its nullable fields as unnamed copies
 * (`type: [..., "null"]`), not as `.extend()` and `Named.nullable()`: those render as `allOf`
 * with a `$ref`, which forbids the `null` the API returns (a `$ref` to a non-null schema) and
 * which /docs (Scalar) reports as document validation errors.
 */
export const PortalPurpose = z
  .object({
    ...PurposeView.shape,
    /** The exact notice version the current decision was made under (null when unset). */
    agreedNotice: z.object(NoticeView.shape).nullable(),
    /** The downloads of that notice as stored with the decision (null when unset; C7). */
    agreedNoticeFile: NoticeFileLinks.nullable(),
    /** How the current decision was collected (null when unset). */
    source: z.enum(ConsentSource.options).nullable(),
  })
  .openapi('PortalPurpose');

/** A restriction of processing in force (GDPR 18; PIPL 44): only necessary purposes run. */
export const PortalRestriction = z
  .object({ requestId: z.string(), status: z.string(), since: IsoTime })
  .openapi('PortalRestriction');

export const PortalProperty = z.object({
  property: z.object({ id: z.string(), name: z.string() }),
  purposes: z.array(PortalPurpose),
  /**
   * Keys of the grants due for re-confirmation now: ending within the reminder window,
   * expired, or stale after a material notice change (C8, C10), in the purposes' order.
   */
  reconfirm: z.array(z.string()),
  /** Set while the customer's restriction request for this property is in force. */
  restriction: PortalRestriction.nullable(),
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

/** Re-confirm every ordinary purpose that is due, as listed on the page (one action, C10). */
export const ReconfirmInput = z
  .object({
    items: z
      .array(
        z.object({
          propertyId: z.string().max(64),
          purpose: z.string().max(64),
          /** The notice version the page showed; a newer one answers 409 `notice_outdated`. */
          noticeId: z.string().max(64),
        }),
      )
      .min(1)
      .max(100),
    locale: z.string().max(35).optional(),
  })
  .openapi('ReconfirmInput');

export const ReconfirmOutput = z
  .object({
    /** One fresh grant per re-confirmed purpose. */
    recorded: z.array(PortalDecisionOutput.extend({ propertyId: z.string() })),
    /** Items that were no longer due (e.g. re-confirmed meanwhile in another tab). */
    skipped: z.array(z.object({ propertyId: z.string(), purpose: z.string() })),
  })
  .openapi('ReconfirmOutput');

export type PortalMeBody = z.infer<typeof PortalMe>;
export type PortalPurposeBody = z.infer<typeof PortalPurpose>;
export type PortalDecisionInputBody = z.infer<typeof PortalDecisionInput>;
export type ReconfirmInputBody = z.infer<typeof ReconfirmInput>;
export type ReconfirmOutputBody = z.infer<typeof ReconfirmOutput>;
