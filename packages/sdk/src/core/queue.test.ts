import type { RecordConsentsInput, RecordConsentsOutput } from '@assent/contract/types';
import { describe, expect, it } from 'vitest';
import { ApiError } from './client.ts';
import { backoffMs, createQueue, QUEUE_KEY, type QueuedBatch } from './queue.ts';
import { memoryStorage } from './storage.ts';

function batch(id: string, decision: 'granted' | 'denied' = 'denied'): QueuedBatch {
  return {
    id,
    input: {
      decisions: [{ purpose: 'analytics', decision, noticeId: 'n', noticeHash: '0'.repeat(64) }],
      source: 'banner',
      surface: 'banner_reject_all',
      locale: 'en',
    },
    local: {},
    attempts: 0,
    nextAt: 0,
  };
}

const ok: RecordConsentsOutput = { events: [], consents: {} };

describe('backoffMs', () => {
  it('doubles from 2 s with jitter between half and all of the step, capped at 5 min', () => {
    expect(backoffMs(1, 0)).toBe(1_000);
    expect(backoffMs(1, 0.999_999)).toBe(2_000);
    expect(backoffMs(3, 0)).toBe(4_000);
    expect(backoffMs(30, 0.999_999)).toBe(300_000);
    expect(backoffMs(30, 0)).toBe(150_000);
  });
});

describe('createQueue', () => {
  it('persists batches in storage under assent:queue, oldest first', () => {
    const storage = memoryStorage();
    createQueue(storage).push(batch('a'));
    createQueue(storage).push(batch('b'));
    expect(
      createQueue(storage)
        .items()
        .map((b) => b.id),
    ).toEqual(['a', 'b']);
    expect(storage.get(QUEUE_KEY)).toContain('"a"');
  });

  it('sends in order with each batch own Idempotency-Key, then empties', async () => {
    const q = createQueue(memoryStorage());
    q.push(batch('a', 'granted'));
    q.push(batch('b', 'denied'));
    const sent: [string, RecordConsentsInput][] = [];
    const r = await q.flush(async (input, key) => {
      sent.push([key, input]);
      return ok;
    }, 0);
    expect(sent.map(([k]) => k)).toEqual(['a', 'b']);
    expect(r.sent).toHaveLength(2);
    expect(q.items()).toEqual([]);
  });

  it('C9: stops at a retryable failure so a later refusal is never overtaken by an older grant', async () => {
    const q = createQueue(memoryStorage());
    q.push(batch('grant', 'granted'));
    q.push(batch('refuse', 'denied'));
    const keys: string[] = [];
    const r = await q.flush(async (_input, key) => {
      keys.push(key);
      throw new ApiError(503, null);
    }, 1_000);
    expect(keys).toEqual(['grant']);
    expect(q.items().map((b) => b.id)).toEqual(['grant', 'refuse']);
    const head = q.items()[0];
    expect(head?.attempts).toBe(1);
    expect(head?.nextAt).toBeGreaterThanOrEqual(2_000);
    expect(r.retryInMs).toBe((head?.nextAt ?? 0) - 1_000);
  });

  it('does not retry before nextAt, and retries with the same Idempotency-Key after it', async () => {
    const q = createQueue(memoryStorage());
    q.push({ ...batch('k1'), attempts: 2, nextAt: 5_000 });
    const keys: string[] = [];
    const send = async (_i: RecordConsentsInput, key: string) => {
      keys.push(key);
      return ok;
    };
    const early = await q.flush(send, 4_000);
    expect(keys).toEqual([]);
    expect(early.retryInMs).toBe(1_000);
    await q.flush(send, 5_000);
    expect(keys).toEqual(['k1']);
  });

  it('drops a batch the API refuses for good (422) and carries on with the next', async () => {
    const q = createQueue(memoryStorage());
    q.push(batch('bad', 'granted'));
    q.push(batch('good'));
    const r = await q.flush(async (_i, key) => {
      if (key === 'bad') {
        throw new ApiError(422, {
          type: 'about:blank',
          title: 'separate',
          status: 422,
          code: 'separate_consent_required',
        });
      }
      return ok;
    }, 0);
    expect(r.dropped.map((d) => [d.batch.id, d.error.code])).toEqual([
      ['bad', 'separate_consent_required'],
    ]);
    expect(r.sent.map((s) => s.batch.id)).toEqual(['good']);
    expect(q.items()).toEqual([]);
  });

  it('treats 429 and a network failure as retryable, 400 as final', () => {
    expect(new ApiError(429, null).retryable).toBe(true);
    expect(new ApiError(0, null).retryable).toBe(true);
    expect(new ApiError(400, null).retryable).toBe(false);
  });
});
