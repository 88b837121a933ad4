// POST /v1/identify: link this device to the product's own user, vouched for by a signed token.
import { z } from '@hono/zod-openapi';

export const IdentifyInput = z
  .object({
    /** HS256 JWT signed by the product's backend: `sub` = its user id, optional `email`, `exp` ≤ 10 min. */
    token: z.string().min(10).max(4096),
  })
  .openapi('IdentifyInput');

export const IdentifyOutput = z
  .object({ subjectId: z.string(), merged: z.boolean() })
  .openapi('IdentifyOutput');

export type IdentifyInputBody = z.infer<typeof IdentifyInput>;
export type IdentifyOutputBody = z.infer<typeof IdentifyOutput>;
