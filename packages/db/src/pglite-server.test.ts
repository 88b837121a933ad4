// The embedded database under concurrency: many pooled connections, interleaved
// extended-protocol queries and transactions, all answered correctly.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from './client.ts';

let database: Database;
let pool: postgres.Sql;
beforeAll(async () => {
  database = await createDb({ dataDir: 'memory://', migrate: false });
  pool = postgres(database.url, { max: 8, onnotice: () => {} });
  await pool`create table counter (id int primary key, n int not null)`;
  await pool`insert into counter values (1, 0)`;
});
afterAll(async () => {
  await pool.end();
  await database.close();
});

describe('embedded PGlite server', () => {
  it('answers 300 concurrent parameterised queries of different shapes, each with its own result', async () => {
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => {
        if (i % 3 === 0) return pool`select ${i}::int as a`.then((r) => r[0]?.a === i);
        if (i % 3 === 1) {
          return pool`select ${i}::int as a, ${`s${i}`}::text as b, ${i * 2}::int as c`.then(
            (r) => r[0]?.a === i && r[0]?.b === `s${i}` && r[0]?.c === i * 2,
          );
        }
        return pool`select count(*)::int as n from generate_series(1, ${i}::int)`.then(
          (r) => r[0]?.n === i,
        );
      }),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it('serves 300 distinct statements mixed with transactions (a workload that breaks pglite-socket 0.2)', async () => {
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        i % 2
          ? pool.unsafe(`select $1::int + ${i} as a`, [i]).then((r) => r[0]?.a === 2 * i)
          : pool.begin(async (tx) => {
              const [row] = await tx.unsafe(
                `select $1::int as a, $2::text as b, $3::int + ${i} as c`,
                [i, 'x', i],
              );
              return row?.c === 2 * i && row?.b === 'x';
            }),
      ),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it('keeps concurrent transactions whole: 40 read-modify-write increments sum exactly', async () => {
    await Promise.all(
      Array.from({ length: 40 }, () =>
        pool.begin(async (tx) => {
          const [row] = await tx`select n from counter where id = 1`;
          await tx`update counter set n = ${(row?.n ?? 0) + 1} where id = 1`;
        }),
      ),
    );
    const [row] = await pool`select n from counter where id = 1`;
    expect(row?.n).toBe(40);
  });

  it('rolls back the transaction of a connection that dies inside it, and serves the others', async () => {
    const lonely = postgres(database.url, { max: 1, onnotice: () => {} });
    await expect(
      lonely.begin(async (tx) => {
        await tx`update counter set n = -1 where id = 1`;
        throw new Error('client gives up');
      }),
    ).rejects.toThrow('client gives up');
    await lonely.end();
    const [row] = await pool`select n from counter where id = 1`;
    expect(row?.n).toBe(40);
  });
});
