// Helpers for documenting routes: the problem+json responses each route can return.
import { type ErrorCode, errorCodes, Problem } from '@assent/contract';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context.ts';
import { fromZod } from './errors.ts';

/** OpenAPI `responses` entries for the given error codes, grouped by status. */
export function errorResponses(...codes: ErrorCode[]) {
  const out: Record<
    number,
    { description: string; content: { 'application/problem+json': { schema: typeof Problem } } }
  > = {};
  for (const code of ['invalid_request', 'internal_error', ...codes] as ErrorCode[]) {
    const { status, title } = errorCodes[code];
    const prev = out[status];
    out[status] = {
      description: prev ? `${prev.description}; \`${code}\`` : `\`${code}\`: ${title}`,
      content: { 'application/problem+json': { schema: Problem } },
    };
  }
  return out;
}

/** A router whose validation failures become 400 problem+json (`invalid_request`). */
export function router<E extends AppEnv = AppEnv>() {
  return new OpenAPIHono<E>({
    defaultHook: (result, _c) => {
      if (!result.success) throw fromZod(result.error, result.target);
    },
  });
}
