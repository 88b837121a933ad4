// Data providers: the product's systems that Assent calls for access and erasure requests.
import { z } from '@hono/zod-openapi';
import { IsoTime } from '../common.ts';

export const DataProviderHandles = z
  .array(z.enum(['access', 'erasure']))
  .min(1)
  .max(2);

export const CreateDataProviderInput = z
  .object({
    name: z.string().min(1).max(100),
    /** Where Assent POSTs signed calls; production accepts https to public hosts only. */
    url: z.string().url().max(2000),
    /** Which request types the system takes part in. */
    handles: DataProviderHandles,
    /** Bring your own Standard Webhooks secret (`whsec_` + base64 of 24-64 bytes); default a new one. */
    secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/)
      .optional(),
  })
  .openapi('CreateDataProviderInput');

export const DataProviderView = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string(),
    handles: DataProviderHandles,
    createdAt: IsoTime,
  })
  .openapi('DataProvider');

export const CreatedDataProvider = DataProviderView.extend({
  /** The signing secret, shown only in this answer. */
  secret: z.string(),
}).openapi('CreatedDataProvider');

export const DataProviderList = z
  .object({ providers: z.array(DataProviderView) })
  .openapi('DataProviderList');
