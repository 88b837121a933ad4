// The HTTP client for the public API: every call carries the publishable key and the device id.
import type {
  Experience,
  IdentifyOutputBody,
  Problem,
  RecordConsentsInput,
  RecordConsentsOutput,
} from '@assent/contract/types';

/** The part of `fetch` the client uses; tests inject a double, the browser passes `fetch`. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * A failed call. `status` 0 means the request never got an answer (offline, CORS, DNS).
 * `retryable` is true for those and for 408, 429 and 5xx: the same request may succeed later.
 */
export class ApiError extends Error {
  declare readonly status: number;
  declare readonly code: string;
  declare readonly problem: Problem | null;
  declare readonly retryable: boolean;

  constructor(status: number, problem: Problem | null, message?: string) {
    super(message ?? problem?.title ?? `Assent API error ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.code = problem?.code ?? (status === 0 ? 'network_error' : 'http_error');
    this.retryable = status === 0 || status === 408 || status === 429 || status >= 500;
  }
}

export interface ClientOptions {
  /** API origin, e.g. `http://localhost:4000` (a trailing slash is ignored). */
  api: string;
  /** The property's publishable key (`pk_…`), sent as `X-Assent-Key`. */
  publishableKey: string;
  /** This device's id, sent as `X-Assent-Device`. */
  device: string;
  /** `navigator.globalPrivacyControl === true`. */
  gpc: boolean;
  fetch: FetchLike;
  /**
   * Send and accept cookies (`credentials: 'include'`): for an API on the product's own site
   * that sets the device cookie itself (server-set cookies outlive Safari's 7-day cap on
   * script-written ones). Default false (`omit`).
   */
  credentials?: boolean;
  /** Give up on a call after this many ms (answered as a retryable `ApiError`); default 10 000. */
  timeoutMs?: number;
}

export interface Client {
  /**
   * `GET /v1/experience?key=&device=&locale=[&gpc=1]` → the purposes, notices, state and what to
   * ask. Key and device go in the query, not in headers: a GET without custom headers is a CORS
   * simple request, so the browser sends no preflight (one round trip before the banner, not two).
   */
  experience(locale: string): Promise<Experience>;
  /** `POST /v1/consents` with `Idempotency-Key`; the same key may be retried safely. */
  record(input: RecordConsentsInput, idempotencyKey: string): Promise<RecordConsentsOutput>;
  /** `POST /v1/identify` with the product's signed token; links device and user. */
  identify(token: string): Promise<IdentifyOutputBody>;
}

/**
 * Builds the API client. Methods reject with `ApiError` (never another error type).
 * GPC: browsers with GPC on add `Sec-GPC: 1` to every request themselves, and a page
 * script cannot set a `Sec-` header, so the widget also adds `gpc=1` to the experience query.
 * Writes (JSON POSTs) are preflighted anyway and carry `X-Assent-Key` / `X-Assent-Device`.
 */
export function createClient(opts: ClientOptions): Client {
  const base = opts.api.replace(/\/+$/, '');
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    'X-Assent-Key': opts.publishableKey,
    'X-Assent-Device': opts.device,
    ...(opts.gpc ? { 'Sec-GPC': '1' } : {}),
    ...extra,
  });

  async function call<T>(path: string, init: RequestInit): Promise<T> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), opts.timeoutMs ?? 10_000);
    let res: Response;
    let body: unknown;
    try {
      res = await opts.fetch(`${base}${path}`, {
        ...init,
        credentials: opts.credentials ? 'include' : 'omit',
        signal: abort.signal,
      });
      body = await res.json().catch(() => null);
    } catch (err) {
      throw new ApiError(0, null, err instanceof Error ? err.message : 'network error');
    } finally {
      clearTimeout(timer);
    }
    if (!res.ok) {
      const problem = body && typeof body === 'object' && 'code' in body ? (body as Problem) : null;
      throw new ApiError(res.status, problem);
    }
    return body as T;
  }

  const json = { 'Content-Type': 'application/json' };
  return {
    experience: (locale) =>
      call(
        `/v1/experience?${new URLSearchParams({ key: opts.publishableKey, device: opts.device, locale })}${opts.gpc ? '&gpc=1' : ''}`,
        {},
      ),
    record: (input, key) =>
      call('/v1/consents', {
        method: 'POST',
        headers: headers({ ...json, 'Idempotency-Key': key }),
        body: JSON.stringify(input),
      }),
    identify: (token) =>
      call('/v1/identify', {
        method: 'POST',
        headers: headers(json),
        body: JSON.stringify({ token }),
      }),
  };
}
