// The API process as deployed (startApi: Node's HTTP server, the node adapter, the app): requests
// that Node's parser refuses before the app sees them still get a problem+json answer, and the
// body checks hold on the adapter's own request objects.
import { connect } from 'node:net';
import { Problem } from '@assent/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './env.ts';
import { DEMO_PUBLISHABLE_KEY } from './seed/demo-property.ts';
import { type RunningApi, startApi } from './server.ts';

let api: RunningApi;
let port: number;
const logLines: string[] = [];

beforeAll(async () => {
  // An in-memory PGlite whatever DATABASE_URL says: these answers come before any query.
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    ASSENT_DATA_DIR: 'memory://',
    ASSENT_PUBLIC_URL: 'http://localhost:4000',
    ASSENT_WORKER: 'false',
  });
  api = await startApi(config, { log: (line) => logLines.push(line) });
  port = Number(new URL(api.url).port);
});
afterAll(() => api?.close());

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Sends `request` as raw bytes on a new connection; resolves with the answer once it closes. */
function sendRaw(request: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      const [statusLine = '', ...fields] = all.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const field of fields) {
        const colon = field.indexOf(':');
        headers[field.slice(0, colon).toLowerCase()] = field.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: all.subarray(end + 4) });
    });
    socket.end(request);
  });
}

describe('requests Node cannot parse', () => {
  it.each([
    [
      'a header name with a space',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: secret-1\r\n\r\n',
    ],
    ['an unknown method (BREW)', 'BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n'],
    [
      'a raw 0xFF in the request line',
      Buffer.concat([
        Buffer.from('GET /v1/'),
        Buffer.from([0xff]),
        Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
      ]),
    ],
    [
      'a Content-Length that is not a number',
      'POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n{}',
    ],
  ])('answer 400 problem+json invalid_request: %s', async (_, request) => {
    const res = await sendRaw(request);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers.connection).toBe('close');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    const problem = Problem.parse(JSON.parse(res.body.toString('utf8')));
    expect(problem).toMatchObject({
      type: 'https://assent.dev/problems/invalid-request',
      status: 400,
      code: 'invalid_request',
    });
    expect(problem.detail).toMatch(/not valid HTTP\/1\.1/);
  });

  it('keeps 431 for headers over Node’s limit, serves well-formed requests, and logs no request bytes', async () => {
    const huge = await sendRaw(
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(huge.status).toBe(431);
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
    expect(logLines.join('\n')).not.toMatch(/secret-1|BREW|Bad Header/);
  });
});

describe('bodies through the node adapter', () => {
  it('P1: refuses a JSON body that is not valid UTF-8 with 400 invalid_request', async () => {
    const body = Buffer.concat([
      Buffer.from('{"decisions":[],"source":"banner","surface":"w'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('b","locale":"en"}'),
    ]);
    const res = await fetch(`${api.url}/v1/consents`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-assent-key': DEMO_PUBLISHABLE_KEY,
        'x-assent-device': 'dev_aaaaaaaaaaaaaaaaaaaaaaaa',
      },
      body,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = Problem.parse(await res.json());
    expect(problem.code).toBe('invalid_request');
    expect(problem.errors?.[0]?.path).toBe('json');
  });
});
