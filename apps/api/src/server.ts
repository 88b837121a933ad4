// Starting the API process: database (migrated), demo seed, HTTP server.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type ErrorCode, errorCodes } from '@assent/contract';
import { createDb } from '@assent/db';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import type { Deps } from './context.ts';
import { configureStateCache } from './domain/state-cache.ts';
import { encryptLegacySubjects } from './domain/subjects.ts';
import type { Config } from './env.ts';
import { jobs } from './jobs/registry.ts';
import { startJobRunner } from './jobs/runner.ts';
import { mailerFromConfig } from './mailer.ts';
import { keyringFromConfig } from './security/keyring.ts';
import { encryptStoredSecrets } from './security/stored-secrets.ts';
import { seedDemo } from './seed/seed-demo.ts';

export interface RunningApi {
  url: string;
  databaseKind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Opens the database, applies migrations, seeds the demo property (when configured), and
 * listens on `config.host:config.port` (port 0 picks a free one).
 * @param demoOrigins origins the demo property accepts (the demo shop's URLs).
 */
export async function startApi(
  config: Config,
  options: { demoOrigins?: string[]; log?: (line: string) => void } = {},
): Promise<RunningApi> {
  const log = options.log ?? console.log;
  const database = await createDb({ url: config.databaseUrl, dataDir: config.dataDir });
  configureStateCache(database, config.stateCache);
  if (config.production && config.devMailbox)
    throw new Error('the dev mailbox cannot run in production');
  const keyring = await keyringFromConfig(database.db, config.security, Date.now());
  if (config.seedDemo) await seedDemo(database, options.demoOrigins ?? [], keyring);
  await encryptLegacySubjects(database.db, keyring);
  await encryptStoredSecrets(database.db, keyring, Date.now());
  const deps: Deps = {
    database,
    config,
    clock: Date.now,
    mailer: mailerFromConfig(config, database, log),
    keyring,
    assets: {
      sdkDist: here('../../../packages/sdk/dist'),
      portalDist: here('../../portal/dist'),
    },
  };
  // Jobs run in this process unless ASSENT_WORKER=false (then `worker.ts` runs them).
  const runner = await startJobRunner(deps, jobs, { worker: config.worker, log });
  deps.jobs = runner;
  const app = createApp(deps, log);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s),
    );
  });
  server.on('clientError', answerClientError);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    url: `http://localhost:${port}`,
    databaseKind: database.kind,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runner.stop();
      await database.close();
    },
  };
}

/**
 * Node's own answers to a request it cannot parse, for the statuses no error code covers
 * (431 header overflow, 408 request timeout): status line and `Connection: close`, no body.
 */
const BARE_ANSWERS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/**
 * The server's `clientError` listener: a request Node's HTTP parser refuses (a header name with
 * a space, an unknown method such as `BREW`, a raw 0xFF in the request line, a bad
 * Content-Length) never reaches the app, so it is answered here in the app's problem+json shape
 * (errors.ts `problem()`, RFC 9457, without `instance`: the target was not read):
 * `HTTP/1.1 400 Bad Request`, `code: "invalid_request"`, `Connection: close`; chunk extensions
 * over Node's limit are 413 `payload_too_large`; 431 and 408 keep Node's bare answer. The
 * socket is then ended and destroyed once flushed. Nothing is written when the socket is no
 * longer writable or a response is already under way on it (that would corrupt it), nor for
 * `ECONNRESET`: the socket is just destroyed. Nothing is logged: the error carries the raw
 * request bytes (`rawPacket`), which may hold personal data.
 * @param err the parser's error (`code` e.g. `HPE_INVALID_HEADER_TOKEN`, `HPE_INVALID_METHOD`)
 * @param socket the connection the request came on
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })
    ._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const bare = BARE_ANSWERS[err.code ?? ''];
  let answer: string;
  if (bare) {
    answer = `HTTP/1.1 ${bare}\r\nConnection: close\r\n\r\n`;
  } else {
    const code: ErrorCode =
      err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? 'payload_too_large' : 'invalid_request';
    const { status, title } = errorCodes[code];
    const body = JSON.stringify({
      type: `https://assent.dev/problems/${code.replaceAll('_', '-')}`,
      title,
      status,
      code,
      detail:
        code === 'invalid_request'
          ? 'The request is not valid HTTP/1.1 (its request line, a header or the body framing is malformed).'
          : 'The chunk extensions of the body are too large.',
    });
    answer =
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body;
  }
  socket.end(answer, () => socket.destroy());
}
