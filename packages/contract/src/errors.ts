// The one list of error codes Assent returns, with their HTTP status and a title for people.
export const errorCodes = {
  invalid_request: { status: 400, title: 'The request is not valid' },
  unauthorized: { status: 401, title: 'Missing or invalid credentials' },
  forbidden: { status: 403, title: 'Not allowed' },
  origin_not_allowed: { status: 403, title: 'This origin is not allowed for the property' },
  csrf_failed: { status: 403, title: 'Cross-site request refused' },
  not_found: { status: 404, title: 'Not found' },
  idempotency_conflict: { status: 409, title: 'Idempotency-Key was used with a different request' },
  unknown_purpose: { status: 422, title: 'Unknown purpose' },
  necessary_purpose: { status: 422, title: 'A necessary purpose takes no consent decision' },
  separate_consent_required: {
    status: 422,
    title: 'This purpose needs its own, separate consent (PIPL art. 23, 25, 29, 39)',
  },
  duplicate_purpose: { status: 422, title: 'A purpose appears twice in one batch' },
  notice_mismatch: {
    status: 422,
    title: 'The notice shown is not a published version of this purpose',
  },
  invalid_token: { status: 401, title: 'The identity token is not valid' },
  invalid_code: { status: 400, title: 'The code is wrong or has expired' },
  too_many_attempts: { status: 429, title: 'Too many attempts' },
  internal_error: { status: 500, title: 'Something went wrong on our side' },
} as const;

export type ErrorCode = keyof typeof errorCodes;
