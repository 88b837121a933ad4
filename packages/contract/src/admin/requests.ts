// Staff routes for privacy requests (/admin/api/requests, /admin/api/legal-holds): list and
// read requests with their timeline, move them forward, reject with a reason, lift a
// restriction, and read evidence under legal hold (REQUIREMENTS R4-R6).
import { z } from '@hono/zod-openapi';
import { IsoTime } from '../common.ts';
import { RequestStatus, RequestType } from '../portal/requests.ts';

export const StaffRequestQuery = z.object({
  status: RequestStatus.optional(),
  type: RequestType.optional(),
  propertyId: z.string().max(64).optional(),
  subjectId: z.string().max(64).optional(),
  /** `true`: only open requests past their due date. */
  overdue: z.enum(['true', 'false']).optional(),
  /** Page size (1-100, default 50); ordered by due date, earliest first. */
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const StaffRequestSummary = z
  .object({
    id: z.string(),
    subjectId: z.string(),
    propertyId: z.string(),
    type: RequestType,
    status: RequestStatus,
    jurisdiction: z.string(),
    receivedAt: IsoTime,
    dueAt: IsoTime,
    ackDueAt: IsoTime.nullable(),
    executeAfter: IsoTime.nullable(),
    closedAt: IsoTime.nullable(),
    /** Open and past `dueAt` (R5). */
    overdue: z.boolean(),
    reason: z.string().nullable(),
  })
  .openapi('StaffRequestSummary');

export const StaffRequestList = z
  .object({ requests: z.array(StaffRequestSummary) })
  .openapi('StaffRequestList');

export const StaffRequest = StaffRequestSummary.extend({
  /** What the customer asked (restriction note, corrected field names…). */
  details: z.record(z.string(), z.unknown()),
  /** Shown to the customer with a rejection (R6). */
  complaintRoute: z.string().nullable(),
  timeline: z.array(z.object({ at: IsoTime, kind: z.string(), note: z.string().nullable() })),
  /** Each data provider's part (access and erasure). */
  providerCalls: z.array(
    z.object({
      providerId: z.string(),
      name: z.string(),
      status: z.enum(['pending', 'answered', 'failed']),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      answeredAt: IsoTime.nullable(),
    }),
  ),
  /** The subject was erased and its consent evidence is under legal hold (legal role reads it). */
  legalHold: z.boolean(),
}).openapi('StaffRequest');

export const StaffAdvanceInput = z
  .object({
    /** The next state: `verified` (identity checked), `in_progress`, `completed`. */
    to: z.enum(['verified', 'in_progress', 'completed']),
    note: z.string().trim().max(500).optional(),
  })
  .openapi('StaffAdvanceInput');

export const StaffRejectInput = z
  .object({
    /** Shown to the customer with the complaint route (PIPL 50; GDPR 12(4)). */
    reason: z.string().trim().min(10).max(2000),
  })
  .openapi('StaffRejectInput');

export const StaffLiftInput = z
  .object({
    /** Why the restriction ends; shown to the customer (GDPR 18(3)). */
    note: z.string().trim().min(3).max(500),
  })
  .openapi('StaffLiftInput');

export const LegalHoldList = z
  .object({
    holds: z.array(
      z.object({
        subjectId: z.string(),
        requestId: z.string(),
        propertyId: z.string(),
        heldAt: IsoTime,
        basis: z.string(),
      }),
    ),
  })
  .openapi('LegalHoldList');

export const LegalHoldEvidence = z
  .object({
    subjectId: z.string(),
    events: z.array(
      z.object({
        id: z.string(),
        purposeId: z.string(),
        noticeId: z.string(),
        noticeHash: z.string(),
        decision: z.string(),
        source: z.string(),
        surface: z.string().nullable(),
        locale: z.string(),
        jurisdiction: z.string(),
        collectedAt: IsoTime,
        expiresAt: IsoTime.nullable(),
        gpc: z.boolean(),
      }),
    ),
  })
  .openapi('LegalHoldEvidence');

export type StaffRequestBody = z.infer<typeof StaffRequest>;
export type StaffRequestSummaryBody = z.infer<typeof StaffRequestSummary>;
