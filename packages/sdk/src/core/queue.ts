// The outbox: decisions not yet accepted by the API, kept in storage (`assent:queue`) and
// sent in order, each with its own Idempotency-Key, retried with backoff while offline.
import type {
  ConsentStateView,
  RecordConsentsInput,
  RecordConsentsOutput,
} from '@assent/contract/types';
import { ApiError } from './client.ts';
import { type KeyValueStorage, readJson, writeJson } from './storage.ts';

export const QUEUE_KEY = 'assent:queue';
const BASE_MS = 2_000;
const MAX_MS = 5 * 60_000;

/** One batch waiting to be recorded. */
export interface QueuedBatch {
  /** The Idempotency-Key; reused on every retry so the API records the batch once. */
  id: string;
  /** The request body, with `collectedAt` fixed at decision time. */
  input: RecordConsentsInput;
  /** How each purpose reads locally until the API confirms (applied over the server state). */
  local: Record<string, ConsentStateView>;
  /** Failed attempts so far. */
  attempts: number;
  /** Epoch ms before which the batch is not retried. */
  nextAt: number;
}

export interface FlushResult {
  sent: { batch: QueuedBatch; output: RecordConsentsOutput }[];
  /** Refused for good (4xx other than 408/429): removed from the queue. */
  dropped: { batch: QueuedBatch; error: ApiError }[];
  /** ms until the head of the queue may be retried; null when the queue is empty. */
  retryInMs: number | null;
}

/**
 * Delay before retry number `attempts` (1-based): 2 s doubling to a 5 min cap, with
 * "equal jitter" (between half and all of it) so many devices do not retry in step.
 * @param random  a number in [0, 1), injectable for tests
 * @returns milliseconds
 */
export function backoffMs(attempts: number, random: number = Math.random()): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

export interface DecisionQueue {
  /** The waiting batches, oldest first. */
  items(): QueuedBatch[];
  /** Appends a batch (it is sent after every older one). */
  push(batch: QueuedBatch): void;
  /**
   * Sends due batches oldest first and stops at the first retryable failure, so a later
   * decision never overtakes an earlier one (a refusal is never undone by an older grant
   * arriving after it).
   * @param send  records one batch; must reject with `ApiError`
   * @param now   epoch ms
   * @param force send now even if the backoff has not run out (the browser came back online)
   */
  flush(
    send: (input: RecordConsentsInput, key: string) => Promise<RecordConsentsOutput>,
    now: number,
    force?: boolean,
  ): Promise<FlushResult>;
}

/**
 * The queue over `storage`. State is re-read on every operation so two tabs see one queue;
 * the Idempotency-Key makes a batch sent by both tabs count once.
 */
export function createQueue(storage: KeyValueStorage, key = QUEUE_KEY): DecisionQueue {
  const read = (): QueuedBatch[] => {
    const v = readJson<unknown>(storage, key, []);
    return Array.isArray(v) ? (v as QueuedBatch[]) : [];
  };
  const write = (items: QueuedBatch[]): void => {
    if (items.length) writeJson(storage, key, items);
    else storage.remove(key);
  };
  const update = (id: string, change: (b: QueuedBatch) => QueuedBatch | null): void => {
    const next: QueuedBatch[] = [];
    for (const b of read()) {
      const r = b.id === id ? change(b) : b;
      if (r) next.push(r);
    }
    write(next);
  };

  return {
    items: read,
    push(batch) {
      write([...read(), batch]);
    },
    async flush(send, now, force = false) {
      const result: FlushResult = { sent: [], dropped: [], retryInMs: null };
      for (const batch of read()) {
        if (batch.nextAt > now && !force) {
          result.retryInMs = batch.nextAt - now;
          break;
        }
        try {
          const output = await send(batch.input, batch.id);
          update(batch.id, () => null);
          result.sent.push({ batch, output });
        } catch (e) {
          // Anything but an ApiError is unexpected: keep the batch and retry rather than lose it.
          const error = e instanceof ApiError ? e : new ApiError(0, null, String(e));
          if (!error.retryable) {
            update(batch.id, () => null);
            result.dropped.push({ batch, error });
            continue;
          }
          const attempts = batch.attempts + 1;
          const wait = backoffMs(attempts);
          update(batch.id, (b) => ({ ...b, attempts, nextAt: now + wait }));
          result.retryInMs = wait;
          break;
        }
      }
      return result;
    },
  };
}
