// The portal's HTTP client for /portal/api: same-origin cookie session, the CSRF header on every
// POST, and one error type carrying the problem+json `code` the UI words.
import type {
  CreateRequestInput,
  PortalDecisionInput,
  PortalHistory,
  PortalMe,
  PortalRequests,
  PrivacyRequest,
  Problem,
  Profile,
  ProfileInput,
  ReconfirmInput,
  ReconfirmOutput,
} from '@assent/contract/types';

/** An API failure: the HTTP status (0 when the network failed) and the problem's stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly problem?: Problem,
  ) {
    super(problem?.title ?? code);
    this.name = 'ApiError';
  }
}

/** True when a parsed JSON body has the shape of an RFC 9457 problem with a `code`. */
export function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.code === 'string' && typeof b.status === 'number' && typeof b.title === 'string';
}

/**
 * The error for a non-2xx answer: the problem's own `code` when the body is one, otherwise a
 * code derived from the status (401 → `unauthorized`, 429 → `too_many_attempts`, else
 * `internal_error`), so a proxy's HTML error page still gets a sensible message.
 */
export function errorFromResponse(status: number, body: unknown): ApiError {
  if (isProblem(body)) return new ApiError(status, body.code, body);
  const code =
    status === 401 ? 'unauthorized' : status === 429 ? 'too_many_attempts' : 'internal_error';
  return new ApiError(status, code);
}

const base = `${import.meta.env.BASE_URL}api`;

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json';
    headers['X-Requested-With'] = 'assent-portal';
  }
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: method === 'POST' ? JSON.stringify(body ?? {}) : null,
    });
  } catch {
    throw new ApiError(0, 'network_error');
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) throw errorFromResponse(res.status, parsed);
  return parsed as T;
}

/** Portal settings: `devMailbox` is true only on the embedded development setup. */
export function getConfig(): Promise<{ devMailbox: boolean }> {
  return call('GET', '/config');
}

/**
 * Asks for a one-time code by email; the answer is the same whether or not the address is known.
 * @param locale the UI locale (BCP 47, e.g. `zh-CN`): the email is written in it (zh → Simplified
 *   Chinese, else English); empty or absent → not sent, so the API writes English.
 */
export function startSignIn(email: string, locale?: string): Promise<{ ok: true }> {
  return call('POST', '/sign-in/start', locale ? { email, locale } : { email });
}

/** Exchanges the 6-digit code for the session cookie. Errors: `invalid_code`, `too_many_attempts`. */
export function verifySignIn(email: string, code: string): Promise<{ email: string }> {
  return call('POST', '/sign-in/verify', { email, code });
}

/**
 * Everything linked to the signed-in email. Throws `ApiError` with status 401 when signed out.
 * @param locale the UI locale, a hint for which notice translation to return.
 */
export function getMe(locale: string): Promise<PortalMe> {
  return call('GET', `/me?locale=${encodeURIComponent(locale)}`);
}

/** Records one decision; separate-consent grants must carry `surface: 'separate_dialog'`. */
export function recordDecision(
  input: PortalDecisionInput,
): Promise<{ eventId: string; purpose: string; decision: string; collectedAt: string }> {
  return call('POST', '/consents', input);
}

/**
 * Re-confirms, in one action, the ordinary purposes the page listed as due, under the notices
 * it showed. Errors: `notice_outdated` (a newer notice: reload and read it),
 * `separate_consent_required` (a separate-consent purpose slipped in; it has its own dialog).
 */
export function reconfirmAll(input: ReconfirmInput): Promise<ReconfirmOutput> {
  return call('POST', '/reconfirm', input);
}

/** Ends the session (204). */
export function signOut(): Promise<null> {
  return call('POST', '/sign-out');
}

/** The signed-in customer's privacy requests, the cooling-off days and the step-up window. */
export function getRequests(): Promise<PortalRequests> {
  return call('GET', '/requests');
}

/**
 * Asks for a copy of one's data (`access`), erasure or a restriction. Errors:
 * `step_up_required` (a fresh code is needed first), `request_pending`.
 */
export function createRequest(input: CreateRequestInput): Promise<{ requests: PrivacyRequest[] }> {
  return call('POST', '/requests', input);
}

/** Cancels an erasure during its cooling-off. */
export function cancelRequest(id: string): Promise<{ requests: PrivacyRequest[] }> {
  return call('POST', `/requests/${encodeURIComponent(id)}/cancel`);
}

/** Lifts one's restriction of processing (GDPR 18): normal processing answers return. */
export function liftRestriction(id: string): Promise<{ requests: PrivacyRequest[] }> {
  return call('POST', `/requests/${encodeURIComponent(id)}/lift`);
}

/**
 * Emails a fresh code to the signed-in address (step-up, R7).
 * @param locale the UI locale (BCP 47, e.g. `zh-CN`): the email is written in it (zh → Simplified
 *   Chinese, else English); empty or absent → not sent (body `{}`), so the API writes English.
 */
export function startStepUp(locale?: string): Promise<{ ok: true }> {
  return call('POST', '/step-up/start', locale ? { locale } : {});
}

/** Confirms the fresh code; export, deletion and correction are open for 10 minutes. */
export function verifyStepUp(code: string): Promise<{ stepUpUntil: string }> {
  return call('POST', '/step-up/verify', { code });
}

/** The profile fields held per property. */
export function getProfile(): Promise<Profile> {
  return call('GET', '/profile');
}

/** Corrects profile fields (needs step-up). */
export function saveProfile(input: ProfileInput): Promise<Profile> {
  return call('POST', '/profile', input);
}

/** Ends every session of this address. */
export function signOutEverywhere(): Promise<null> {
  return call('POST', '/sign-out-everywhere');
}

/** Signs in with a link from the product (`?pk=&token=`); errors: `invalid_token`. */
export function signInWithLink(publishableKey: string, token: string): Promise<{ email: string }> {
  return call('POST', '/sign-in/link', { publishableKey, token });
}

/** Every decision of the signed-in customer, newest first, with receipt links. */
export function getHistory(): Promise<PortalHistory> {
  return call('GET', '/history');
}
