// Types only, for the widget and the portal: `import type` from here never ships zod.

export type {
  ExperienceBody as Experience,
  NoticeViewBody as Notice,
  PurposeViewBody as Purpose,
  StateViewBody as ConsentStateView,
} from './consents/experience.ts';
export type { IdentifyInputBody, IdentifyOutputBody } from './consents/identify.ts';
export type {
  ConsentsOutputBody as Consents,
  RecordConsentsInputBody as RecordConsentsInput,
  RecordConsentsOutputBody as RecordConsentsOutput,
} from './consents/record.ts';
export type { ErrorCode } from './errors.ts';
export type { PortalHistoryBody as PortalHistory } from './portal/history.ts';
export type {
  PortalDecisionInputBody as PortalDecisionInput,
  PortalMeBody as PortalMe,
  PortalPurposeBody as PortalPurpose,
  ReconfirmInputBody as ReconfirmInput,
  ReconfirmOutputBody as ReconfirmOutput,
} from './portal/me.ts';
export type {
  CreateRequestInputBody as CreateRequestInput,
  PortalRequestsBody as PortalRequests,
  PrivacyRequestBody as PrivacyRequest,
  ProfileBody as Profile,
  ProfileInputBody as ProfileInput,
} from './portal/requests.ts';
export type { SignInStartBody, SignInVerifyBody } from './portal/session.ts';

/** RFC 9457 problem body every Assent error uses. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: { path: string; message: string; code?: string }[];
}
