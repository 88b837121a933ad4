// The one list of error codes Assent returns, with their HTTP status and a title for people.
export const errorCodes = {
  invalid_request: { status: 400, title: 'The request is not valid' },
  unauthorized: { status: 401, title: 'Missing or invalid credentials' },
  forbidden: { status: 403, title: 'Not allowed' },
  origin_not_allowed: { status: 403, title: 'This origin is not allowed for the property' },
  csrf_failed: { status: 403, title: 'Cross-site request refused' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'This method is not allowed on this resource' },
  idempotency_conflict: { status: 409, title: 'Idempotency-Key was used with a different request' },
  unknown_purpose: { status: 422, title: 'Unknown purpose' },
  necessary_purpose: { status: 422, title: 'A necessary purpose takes no consent decision' },
  separate_consent_required: {
    status: 422,
    title: 'This purpose needs its own, separate consent (PIPL art. 23, 25, 29, 39)',
  },
  guardian_consent_required: {
    status: 422,
    title:
      'A parent or guardian must give this consent for a person under the age threshold (PIPL art. 31; GDPR art. 8; Cal. Civ. 1798.120(c))',
  },
  duplicate_purpose: { status: 422, title: 'A purpose appears twice in one batch' },
  notice_mismatch: {
    status: 422,
    title: 'The notice shown is not a published version of this purpose',
  },
  invalid_token: { status: 401, title: 'The identity token is not valid' },
  invalid_code: { status: 400, title: 'The code is wrong or has expired' },
  too_many_attempts: { status: 429, title: 'Too many attempts' },
  step_up_required: {
    status: 403,
    title: 'Confirm with a fresh code first (needed within 10 minutes before this action)',
  },
  invalid_transition: { status: 409, title: 'The request cannot move to that state' },
  request_pending: { status: 409, title: 'A request of this type is already open' },
  notice_outdated: {
    status: 409,
    title: 'A newer notice was published since the page was shown; read it and confirm again',
  },
  reason_required: { status: 422, title: 'A rejected request needs a reason' },
  export_not_ready: { status: 409, title: 'The export is not ready yet' },
  export_expired: { status: 410, title: 'The download link has expired; request a new copy' },
  rate_limited: { status: 429, title: 'Too many requests; retry after the time in Retry-After' },
  import_conflict: {
    status: 409,
    title: 'An imported record id was used before with different content',
  },
  webhook_url_not_allowed: {
    status: 422,
    title: 'Webhook URLs must be https and reach a public host (plain http only in development)',
  },
  webhook_limit_reached: {
    status: 422,
    title: 'This property has the most webhook endpoints allowed',
  },
  tls_required: { status: 403, title: 'HTTPS is required' },
  access_suspended: {
    status: 403,
    title: 'Customer data access is suspended until a second person reviews a behaviour alert',
  },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  internal_error: { status: 500, title: 'Something went wrong on our side' },
} as const;

export type ErrorCode = keyof typeof errorCodes;
