// The open-loop generator of `paced()` (bench/load.ts), in a process of its own so that the
// bench's other work (its database pool, autocannon, result tables) cannot delay a send or a
// read. Raw HTTP/1.1 over keep-alive sockets opened before the clock starts: a request is one
// prepared buffer written to a free socket, an answer is complete when its Content-Length has
// arrived. Reads one JSON job from stdin, writes one JSON result to stdout.
import { connect, type Socket } from 'node:net';

/** What the parent sends. */
export interface PacedJob {
  host: string;
  port: number;
  /** Requests per second. */
  rate: number;
  /** Sockets opened up front (open loop: a request due while all are busy waits for one). */
  connections: number;
  /** Raw HTTP/1.1 requests, sent in order, request i due at i / rate s. */
  requests: string[];
}

/** What the worker answers. */
export interface PacedResult {
  /** Per answered request: ms from when it was due (or sent, if sent early) to its last byte. */
  latencies: number[];
  /** Per request: ms it was sent after it was due (the generator's own lateness). */
  lateness: number[];
  /** Answers with a status ≥ 300, socket errors, and answers that never came. */
  failed: number;
  /** Seconds from the first due time to the last answer. */
  elapsed: number;
}

interface Conn {
  socket: Socket;
  buf: Buffer;
  /** When the request in flight counts from; undefined when the socket is free. */
  from: number | undefined;
}

async function main(job: PacedJob): Promise<PacedResult> {
  const latencies: number[] = [];
  const lateness: number[] = [];
  let failed = 0;
  const free: Conn[] = [];
  const waiting: { i: number; from: number }[] = [];
  let answered = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => {
    finish = r;
  });
  const requests = job.requests.map((r) => Buffer.from(r));

  const send = (c: Conn, i: number, from: number) => {
    c.from = from;
    c.socket.write(requests[i] as Buffer);
  };
  const settle = (c: Conn, ok: boolean) => {
    if (c.from !== undefined) {
      if (ok) latencies.push(performance.now() - c.from);
      else failed++;
    }
    c.from = undefined;
    if (++answered === requests.length) finish();
    if (c.socket.destroyed) return; // a broken socket is not reused
    const next = waiting.shift();
    if (next) send(c, next.i, next.from);
    else free.push(c);
  };
  const onData = (c: Conn, chunk: Buffer) => {
    c.buf = c.buf.length ? Buffer.concat([c.buf, chunk]) : chunk;
    const end = c.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = c.buf.subarray(0, end).toString('latin1');
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    if (length === undefined) throw new Error('an answer without Content-Length');
    const total = end + 4 + Number(length);
    if (c.buf.length < total) return;
    const status = Number(head.slice(9, 12));
    c.buf = c.buf.subarray(total);
    settle(c, status < 300);
  };

  const conns = await Promise.all(
    Array.from(
      { length: job.connections },
      () =>
        new Promise<Conn>((resolve, reject) => {
          const socket = connect({ host: job.host, port: job.port, noDelay: true });
          const c: Conn = { socket, buf: Buffer.alloc(0), from: undefined };
          socket.on('data', (d) => onData(c, d));
          // A socket that breaks or is closed (e.g. the server's keep-alive timeout) fails its
          // request in flight and is not used again.
          const broken = () => {
            socket.destroy();
            if (c.from !== undefined) settle(c, false);
          };
          socket.on('error', broken);
          socket.on('close', broken);
          socket.once('connect', () => resolve(c));
          socket.once('error', reject);
        }),
    ),
  );
  free.push(...conns);

  const start = performance.now();
  for (let i = 0; i < requests.length; i++) {
    const due = start + (i * 1000) / job.rate;
    const wait = due - performance.now();
    if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
    const now = performance.now();
    lateness.push(Math.max(0, now - due));
    // Sent early (less than 1 ms before due): its latency counts from when it was sent.
    const from = Math.min(due, now);
    // Oldest free socket first: every socket stays in use, so none idles into the server's
    // keep-alive timeout.
    let c = free.shift();
    while (c?.socket.destroyed) c = free.shift();
    if (c) send(c, i, from);
    else waiting.push({ i, from });
  }
  const timeout = setTimeout(finish, 10_000);
  await done;
  clearTimeout(timeout);
  failed += requests.length - answered;
  const elapsed = (performance.now() - start) / 1000;
  for (const c of conns) c.socket.destroy();
  return { latencies, lateness, failed, elapsed };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  input += d;
});
process.stdin.on('end', () => {
  main(JSON.parse(input) as PacedJob).then(
    (r) => process.stdout.write(JSON.stringify(r)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
