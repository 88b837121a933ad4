// One error model: ApiError carries a stable code; onError renders RFC 9457 problem+json.
import { type ErrorCode, errorCodes } from '@assent/contract';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

export interface ProblemField {
  path: string;
  message: string;
  code?: string;
}

/** An error for the person calling the API; `detail` is safe to show, never personal data. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly errors: ProblemField[] | undefined;
  constructor(code: ErrorCode, detail?: string, errors?: ProblemField[]) {
    super(detail ?? errorCodes[code].title);
    this.name = 'ApiError';
    this.code = code;
    this.detail = detail;
    this.errors = errors;
  }
}

/** Renders a problem+json response for an error code. */
export function problem(c: Context, err: ApiError): Response {
  const { status, title } = errorCodes[err.code];
  const body = {
    type: `https://assent.dev/problems/${err.code.replaceAll('_', '-')}`,
    title,
    status,
    code: err.code,
    ...(err.detail ? { detail: err.detail } : {}),
    instance: c.req.path,
    ...(err.errors ? { errors: err.errors } : {}),
  };
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
  });
}

/** Turns a zod validation failure into a 400 `invalid_request` with one entry per issue. */
export function fromZod(error: ZodError, where: string): ApiError {
  return new ApiError(
    'invalid_request',
    `The ${where} is not valid.`,
    error.issues.map((i) => ({
      path: [where, ...i.path.map(String)].join('.'),
      message: i.message,
      code: i.code,
    })),
  );
}
