// Portal history: every decision of the signed-in customer, newest first, each with its receipt.
import { z } from '@hono/zod-openapi';
import { ConsentSource, Decision, IsoTime } from '../common.ts';

export const PortalHistory = z
  .object({
    events: z.array(
      z.object({
        id: z.string(),
        propertyId: z.string(),
        propertyName: z.string(),
        purpose: z.string(),
        /** The notice title in the language of the decision. */
        title: z.string(),
        decision: Decision,
        source: ConsentSource,
        collectedAt: IsoTime,
        noticeVersion: z.number().int(),
        /** Where the signed receipt of this decision is downloaded (P4). */
        receipt: z.string(),
      }),
    ),
  })
  .openapi('PortalHistory');

export type PortalHistoryBody = z.infer<typeof PortalHistory>;
