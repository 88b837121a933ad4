// Serves one embedded PGlite over the Postgres wire protocol to several client connections.
// PGlite has a single backend session, so a connection must own it from its first message
// until its cycle ends (ReadyForQuery after Sync or a simple Query) and, inside a
// transaction, until the transaction ends. `@electric-sql/pglite-socket` 0.2 pins only
// inside transactions, so concurrent extended-protocol batches (Parse/Bind/Execute/Sync)
// from a pooled client interleave and clobber each other's unnamed statement
// (electric-sql/pglite#1046); this server keeps the whole cycle together.
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80_877_103;
const CANCEL_REQUEST = 80_877_102;
/** Frontend messages after which the backend answers ReadyForQuery. */
const CYCLE_END = new Set(['S', 'Q']);

/** A FIFO lock naming its owner, so one connection can hold it across several messages. */
class SessionLock {
  private owner: number | null = null;
  private waiters: { id: number; resolve: () => void }[] = [];

  async acquire(id: number): Promise<void> {
    if (this.owner === id) return;
    if (this.owner === null) {
      this.owner = id;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push({ id, resolve }));
  }

  release(id: number): void {
    if (this.owner !== id) return;
    const next = this.waiters.shift();
    this.owner = next?.id ?? null;
    next?.resolve();
  }

  ownedBy(id: number): boolean {
    return this.owner === id;
  }
}

export interface PgliteServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 (port 0 = a free port) and serves `db` to any number of connections.
 * SSL is declined ('N'); cancel requests are ignored.
 */
export async function servePglite(db: PGlite, port = 0): Promise<PgliteServer> {
  const lock = new SessionLock();
  const sockets = new Set<Socket>();
  let nextId = 1;

  const server: Server = createServer((socket) => {
    const id = nextId++;
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    let chain = Promise.resolve();

    const run = async (message: Uint8Array, endsCycle: boolean) => {
      await lock.acquire(id);
      try {
        await db.runExclusive(() =>
          db.execProtocolRawStream(message, {
            onRawData: (data) => {
              if (data.length > 0 && socket.writable) socket.write(Buffer.from(data));
            },
          }),
        );
      } finally {
        if (endsCycle && !db.isInTransaction()) lock.release(id);
      }
    };

    const cleanup = async () => {
      sockets.delete(socket);
      if (lock.ownedBy(id)) {
        if (db.isInTransaction()) await db.exec('ROLLBACK').catch(() => {});
        lock.release(id);
      }
    };

    socket.on('data', (data) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          if (code === SSL_REQUEST && length === 8) {
            buffer = buffer.subarray(8);
            socket.write('N');
            continue;
          }
          if (buffer.length < length) return;
          const message = new Uint8Array(buffer.subarray(0, length));
          buffer = buffer.subarray(length);
          if (code === CANCEL_REQUEST) {
            socket.end();
            return;
          }
          started = true;
          chain = chain.then(() => run(message, true));
          continue;
        }
        if (buffer.length < 5) return;
        const total = 1 + buffer.readInt32BE(1);
        if (buffer.length < total) return;
        const type = String.fromCharCode(buffer[0] ?? 0);
        const message = new Uint8Array(buffer.subarray(0, total));
        buffer = buffer.subarray(total);
        if (type === 'X') {
          chain = chain.then(cleanup).then(() => {
            socket.end();
          });
          return;
        }
        chain = chain
          .then(() => run(message, CYCLE_END.has(type)))
          .catch(() => {
            socket.destroy();
          });
      }
    });
    socket.on('close', () => {
      chain = chain.then(cleanup);
    });
    socket.on('error', () => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `postgres://postgres@127.0.0.1:${actual}/postgres`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
