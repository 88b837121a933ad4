// The experience read's cache of device state, and the invalidation that keeps it true.
//
// Every page view of a product asks `GET /v1/experience` for the device's state; a device's
// state changes only when a decision, an identify, a portal action, an erasure or a rebuild
// writes it. So the read keeps what it read (per property × device, FIFO-bounded, with a TTL
// as a safety net) and every writer says what it changed, after its commit, with
// `stateChanged()`:
// - in this process the entries go at once (a person who just decided reads their decision);
// - on Postgres the change goes to every other Assent process as a NOTIFY on `assent_state`,
//   sent on a connection of its own with `synchronous_commit = off` once per event-loop turn
//   (not from the writing transaction: a NOTIFY there takes a database-wide lock until the
//   commit is flushed, which serializes the widget's writes; measured 12 % fewer decisions/s);
// - each process LISTENs on that connection and drops what other processes changed. While it
//   is not listening (not yet, or the connection dropped: notifications may have been missed)
//   the cache is emptied and bypassed, so a read is never older than a missed notification.
//
// A read that was in flight when a change arrived is not kept (`StateCache.put` checks what
// changed since the read began), so a stale answer is never stored. What remains is the
// delivery time of a notification from another process (typically well under a millisecond
// on one network): a read in that window answers as if it had come just before the other
// process's write. `may()` and the write path never use this cache; they read Postgres.
//
// A configuration change (property, purposes, notices) also notifies from the database itself
// (migration 0016: the trigger that bumps the configuration version sends `*`), so even a
// change made behind the API in plain SQL reaches every process.
//
// The cache runs on Postgres only. The embedded PGlite has one session behind its socket, so a
// notification reaches no other connection, and a change made there through another client
// (psql on the embedded socket) could not be heard: its reads go to the database, as before.
import { randomBytes } from 'node:crypto';
import type { Database } from '@assent/db';
import postgres from 'postgres';
import { type DeviceStateAt, deviceStateAt } from './consent-batch.ts';

/** What a writer changed, given to `stateChanged` after its commit. */
export interface StateChange {
  /** Subjects whose state projection changed (their devices' entries go). */
  subjects?: Iterable<string | null | undefined>;
  /** Devices whose link to a subject changed or was created: property id and `deviceKey()`. */
  devices?: Iterable<{ propertyId: string; deviceHash: string }>;
  /** Everything: a property's configuration, a rebuild, a bulk change. */
  all?: boolean;
}

/** Cache size and lifetime (`ASSENT_STATE_CACHE_SIZE`, `ASSENT_STATE_CACHE_TTL_SECONDS`; env.ts). */
export interface StateCacheOptions {
  /** Most devices kept; 0 turns the cache off. */
  maxEntries: number;
  /** How long an entry is used at most, in ms. */
  ttlMs: number;
}

export const DEFAULT_STATE_CACHE: StateCacheOptions = { maxEntries: 20_000, ttlMs: 60_000 };

/** The NOTIFY channel. */
export const STATE_CHANNEL = 'assent_state';
/** Postgres refuses payloads of 8,000 bytes or more. */
const MAX_PAYLOAD = 7_000;
/** Waits between attempts to listen again after the connection dropped, in ms. */
const RELISTEN_MS = 1_000;

interface Entry {
  state: DeviceStateAt;
  /** performance.now() after which the entry is not used. */
  until: number;
  subjectId: string | null;
}

/**
 * The cache itself, without I/O: entries by `property id + ' ' + device hash`, an index by
 * subject, and the change log that keeps a read in flight from storing what a change has
 * already made stale. Exported for its unit test.
 */
export class StateCache {
  readonly #entries = new Map<string, Entry>();
  readonly #bySubject = new Map<string, Set<string>>();
  /** Bumped by every change; a read records it when it begins. */
  #epoch = 0;
  /** Token (`s:` subject, `d:` key) → epoch of its last change. */
  readonly #changed = new Map<string, number>();
  /** Epoch of the last change of everything. */
  #allChangedAt = 0;
  /** Epochs at which the reads in flight began (a multiset: epoch → count). */
  readonly #inflight = new Map<number, number>();
  #options: StateCacheOptions;

  constructor(options: StateCacheOptions) {
    this.#options = { ...options };
  }

  /** Size and lifetime now. */
  get options(): Readonly<StateCacheOptions> {
    return this.#options;
  }

  /** Changes size and lifetime; entries over the new size go, oldest first. */
  configure(options: StateCacheOptions): void {
    this.#options = { ...options };
    this.#trim();
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry of `key`, when held and not older than the TTL. */
  get(key: string, now = performance.now()): DeviceStateAt | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.#delete(key, entry);
      return undefined;
    }
    return entry.state;
  }

  /** Marks a read about to start; pass the result to `put` or `abandon` exactly once. */
  begin(): number {
    const epoch = this.#epoch;
    this.#inflight.set(epoch, (this.#inflight.get(epoch) ?? 0) + 1);
    return epoch;
  }

  /** A read begun at `epoch` failed: nothing to keep. */
  abandon(epoch: number): void {
    const n = (this.#inflight.get(epoch) ?? 1) - 1;
    if (n > 0) this.#inflight.set(epoch, n);
    else this.#inflight.delete(epoch);
  }

  /**
   * Keeps what a read begun at `epoch` found, unless a change of that device or its subject
   * (or of everything) arrived since: the read may have seen the state before that change.
   * @returns whether the entry was kept.
   */
  put(key: string, state: DeviceStateAt, epoch: number, now = performance.now()): boolean {
    this.abandon(epoch);
    if (this.options.maxEntries <= 0) return false;
    const since = (token: string) => (this.#changed.get(token) ?? 0) > epoch;
    if (this.#allChangedAt > epoch || since(`d:${key}`)) return false;
    if (state.subjectId !== null && since(`s:${state.subjectId}`)) return false;
    const old = this.#entries.get(key);
    if (old) this.#delete(key, old);
    this.#entries.set(key, { state, until: now + this.options.ttlMs, subjectId: state.subjectId });
    if (state.subjectId !== null) {
      const keys = this.#bySubject.get(state.subjectId) ?? new Set<string>();
      this.#bySubject.set(state.subjectId, keys.add(key));
    }
    this.#trim();
    return true;
  }

  /** FIFO: the oldest entries go first (a hit does not move an entry; the TTL bounds its age). */
  #trim(): void {
    for (const [k, e] of this.#entries) {
      if (this.#entries.size <= this.options.maxEntries) break;
      this.#delete(k, e);
    }
  }

  /** Drops what `change` names and records it for the reads in flight. */
  forget(change: { subjects: string[]; devices: string[]; all: boolean }): void {
    const epoch = ++this.#epoch;
    if (change.all) {
      this.#allChangedAt = epoch;
      this.#entries.clear();
      this.#bySubject.clear();
      this.#changed.clear();
      return;
    }
    for (const key of change.devices) {
      this.#changed.set(`d:${key}`, epoch);
      const entry = this.#entries.get(key);
      if (entry) this.#delete(key, entry);
    }
    for (const subjectId of change.subjects) {
      this.#changed.set(`s:${subjectId}`, epoch);
      for (const key of this.#bySubject.get(subjectId) ?? []) {
        const entry = this.#entries.get(key);
        if (entry) this.#delete(key, entry);
      }
    }
    this.#prune();
  }

  /** Empties the cache (and makes every read in flight unkeepable). */
  clear(): void {
    this.forget({ subjects: [], devices: [], all: true });
  }

  /** Forgets changes no read in flight can need (older than the oldest read in flight). */
  #prune(): void {
    if (this.#changed.size < 4_096) return;
    let oldest = this.#epoch;
    for (const epoch of this.#inflight.keys()) oldest = Math.min(oldest, epoch);
    for (const [token, epoch] of this.#changed) if (epoch <= oldest) this.#changed.delete(token);
  }

  #delete(key: string, entry: Entry): void {
    this.#entries.delete(key);
    if (entry.subjectId === null) return;
    const keys = this.#bySubject.get(entry.subjectId);
    keys?.delete(key);
    if (keys?.size === 0) this.#bySubject.delete(entry.subjectId);
  }
}

/** One database's cache, its NOTIFY connection and its listening state. */
class StateChannel {
  readonly cache: StateCache;
  readonly #database: Database;
  /** Marks this process's own notifications, which it has already applied. */
  readonly #origin = randomBytes(9).toString('base64url');
  #conn: postgres.Sql | undefined;
  /** Postgres only: the cache is used only while LISTEN is in force. */
  #listening = false;
  #listenStarted = false;
  #closing = false;
  #pending: string[] = [];
  #flushing: Promise<void> | undefined;
  /** The pending attempt to listen again after the connection dropped. */
  #retry: NodeJS.Timeout | undefined;

  constructor(database: Database, options: StateCacheOptions) {
    this.#database = database;
    this.cache = new StateCache(options);
    database.onClose(() => this.close());
  }

  /** Whether reads may use the cache now (Postgres only; starts listening on first use). */
  usable(): boolean {
    if (this.cache.options.maxEntries <= 0 || this.#closing) return false;
    if (this.#database.kind === 'pglite') return false;
    if (!this.#listenStarted) {
      this.#listenStarted = true;
      void this.#listen();
    }
    return this.#listening;
  }

  /** Postgres: LISTEN is in force on this process's notification connection. */
  get listening(): boolean {
    return this.#listening;
  }

  /** Applies a change here and, on Postgres, queues it for the other processes. */
  changed(change: StateChange): Promise<void> {
    const subjects = [...(change.subjects ?? [])].filter((s): s is string => !!s);
    const devices = [...(change.devices ?? [])].map((d) => `${d.propertyId} ${d.deviceHash}`);
    const all = change.all === true;
    this.cache.forget({ subjects, devices, all });
    if (this.#database.kind === 'pglite') return Promise.resolve();
    if (all) this.#pending.push('*');
    for (const s of subjects) this.#pending.push(`s:${s}`);
    for (const d of devices) this.#pending.push(`d:${d}`);
    this.#flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.#flush(),
    );
    return this.#flushing;
  }

  async #flush(): Promise<void> {
    const tokens = this.#pending;
    this.#pending = [];
    this.#flushing = undefined;
    const payloads: string[] = [];
    let current = '';
    for (const token of tokens) {
      if (current && current.length + token.length + 1 > MAX_PAYLOAD) {
        payloads.push(current);
        current = '';
      }
      current += current ? `\n${token}` : token;
    }
    if (current) payloads.push(current);
    try {
      const conn = this.#connection();
      for (const p of payloads)
        await conn`select pg_notify(${STATE_CHANNEL}, ${`${this.#origin}|${p}`})`;
    } catch (err) {
      // Other processes keep their entries until the TTL. Never the payload: it names subjects.
      console.warn(`assent: state change not published (${(err as Error).message})`);
    }
  }

  #connection(): postgres.Sql {
    if (this.#conn) return this.#conn;
    const options: postgres.Options<Record<string, never>> = {
      max: 1,
      // Kept open: LISTEN lasts as long as the connection (no idle timeout, no lifetime).
      idle_timeout: 0,
      max_lifetime: null,
      fetch_types: false,
      onnotice: () => {},
      // Only the NOTIFYs run here: nothing to wait for on disk.
      connection: { application_name: 'assent-state', synchronous_commit: 'off' },
    };
    // postgres.js calls `onnotify` for each notification and `onclose` when the connection
    // ends (its own LISTEN helper uses both); they are not in its type declarations.
    this.#conn = postgres(this.#database.url, {
      ...options,
      onnotify: (_channel: string, payload: string) => this.#received(payload),
      onclose: () => this.#dropped(),
    } as typeof options);
    return this.#conn;
  }

  async #listen(): Promise<void> {
    if (this.#closing) return;
    try {
      await this.#connection().unsafe(`listen ${STATE_CHANNEL}`);
      // Changes made while nobody listened are unknown: start from nothing.
      this.cache.clear();
      this.#listening = !this.#closing;
    } catch {
      this.#dropped();
    }
  }

  #dropped(): void {
    const was = this.#listening;
    this.#listening = false;
    if (was) this.cache.clear();
    if (this.#closing || !this.#listenStarted) return;
    // One attempt at a time: a failed attempt reports both its error and its closed socket.
    if (this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#listen();
    }, RELISTEN_MS).unref();
  }

  #received(payload: string): void {
    const bar = payload.indexOf('|');
    if (bar < 0 || payload.slice(0, bar) === this.#origin) return;
    const subjects: string[] = [];
    const devices: string[] = [];
    let all = false;
    for (const token of payload.slice(bar + 1).split('\n')) {
      if (token === '*') all = true;
      else if (token.startsWith('s:')) subjects.push(token.slice(2));
      else if (token.startsWith('d:')) devices.push(token.slice(2));
    }
    this.cache.forget({ subjects, devices, all });
  }

  async close(): Promise<void> {
    await this.#flushing;
    this.#closing = true;
    clearTimeout(this.#retry);
    this.#listening = false;
    await this.#conn?.end({ timeout: 1 });
  }
}

const channels = new WeakMap<Database['sql'], StateChannel>();

function channelOf(database: Database): StateChannel {
  let channel = channels.get(database.sql);
  if (!channel) {
    channel = new StateChannel(database, DEFAULT_STATE_CACHE);
    channels.set(database.sql, channel);
  }
  return channel;
}

/**
 * Sets the cache's size and lifetime for `database` (`ASSENT_STATE_CACHE_SIZE`,
 * `ASSENT_STATE_CACHE_TTL_SECONDS`). `maxEntries: 0` turns it off: every read goes to the
 * database. Without a call, `DEFAULT_STATE_CACHE` holds.
 */
export function configureStateCache(database: Database, options: StateCacheOptions): void {
  channelOf(database).cache.configure(options);
}

/**
 * Every writer of consent state calls this after its transaction committed, naming what it
 * changed: the subjects whose projection changed, the devices whose link changed, or `all`.
 * This process drops those entries at once; on Postgres the change is sent to the other
 * processes (one NOTIFY per event-loop turn). Call it only after the commit: a read between an
 * earlier call and the commit could keep the old state.
 * @returns a promise settled when the change has been sent (request paths need not wait;
 *   a command that exits right after must). Never rejects: a failed NOTIFY is logged.
 */
export function stateChanged(database: Database, change: StateChange): Promise<void> {
  return channelOf(database).changed(change);
}

/**
 * The device's state for the experience read (`deviceStateAt`), from the cache when it holds
 * the device: the same answer, without the round trip. Entries live at most the TTL
 * (default 60 s) and go as soon as a writer reports a change (`stateChanged`). Treat the
 * result as read-only: it is shared by the reads that hit it.
 * @throws what `deviceStateAt` throws (the database's errors).
 */
export async function cachedDeviceStateAt(
  database: Database,
  propertyId: string,
  deviceHash: string,
): Promise<DeviceStateAt> {
  const channel = channelOf(database);
  if (!channel.usable()) return deviceStateAt(database.sql, propertyId, deviceHash);
  const key = `${propertyId} ${deviceHash}`;
  const hit = channel.cache.get(key);
  if (hit) return hit;
  const epoch = channel.cache.begin();
  let state: DeviceStateAt;
  try {
    state = await deviceStateAt(database.sql, propertyId, deviceHash);
  } catch (err) {
    channel.cache.abandon(epoch);
    throw err;
  }
  channel.cache.put(key, state, epoch);
  return state;
}

/**
 * Whether the experience read uses the cache now (Postgres, listening, not turned off) and how
 * many devices it holds. Does not start listening.
 */
export function stateCacheStatus(database: Database): { inUse: boolean; entries: number } {
  const channel = channels.get(database.sql);
  return {
    inUse: !!channel && channel.listening && channel.cache.options.maxEntries > 0,
    entries: channel?.cache.size ?? 0,
  };
}
