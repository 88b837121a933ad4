// Evidence of the request's circumstances (truncated IP, UA hash, GPC) for consent events.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { type Evidence, evidenceOf } from '../domain/consents.ts';

/** Reads the client address (if the server adapter knows it) and User-Agent of a request. */
export function requestEvidence(c: Context, gpc: boolean): Evidence {
  let ip: string | undefined;
  try {
    ip = getConnInfo(c).remote.address;
  } catch {
    ip = undefined; // not served by the Node adapter (e.g. app.request in tests)
  }
  return evidenceOf(ip, c.req.header('user-agent'), gpc);
}
