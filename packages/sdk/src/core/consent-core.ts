// The headless widget: loads the experience, keeps what holds per purpose, records decisions
// through the outbox, and survives an unreachable API with the last known consents.
import type {
  ConsentStateView,
  Experience,
  IdentifyOutputBody,
  RecordConsentsInput,
} from '@assent/contract/types';
import { checkDecisions } from '@assent/policy';
import { type Client, createClient, type FetchLike } from './client.ts';
import { type DecisionDraft, isEffective, localView, type StateMap, toRule } from './decisions.ts';
import { type ConsentMap, createEmitter, type Emitter } from './emitter.ts';
import { evaluate } from './expression.ts';
import { uuid } from './ids.ts';
import { createQueue, type DecisionQueue } from './queue.ts';
import { type KeyValueStorage, readJson, writeJson } from './storage.ts';

export const CONSENTS_KEY = 'assent:consents';

/** The copy of the consents kept in storage, per property. */
interface StoredConsents {
  property: string;
  consents: Record<string, ConsentStateView>;
}

export interface CoreOptions {
  /** API origin, e.g. `http://localhost:4000`. */
  api: string;
  /** The property's publishable key (`pk_…`). */
  publishableKey: string;
  /** Resolved locale, requested from the API and recorded as evidence. */
  locale: string;
  device: string;
  storage: KeyValueStorage;
  fetch: FetchLike;
  /** `navigator.globalPrivacyControl === true` (C13). */
  gpc?: boolean;
  /**
   * A stored copy of the last experience, served by `experience()` and `states()` until `load()`
   * answers, so a UI can draw at once. `consent()`, `has()` and 'ready' still wait for `load()`:
   * gating never runs on a copy that a withdrawal elsewhere may have outdated.
   */
  initial?: Experience | null;
  /** Send cookies to the API (`credentials: 'include'`), for an API that sets the device cookie itself. */
  credentials?: boolean;
  /** Clock, epoch ms; injectable for tests. */
  now?: () => number;
  /** Timer for retries; injectable for tests. Default `setTimeout`. */
  schedule?: (fn: () => void, ms: number) => void;
}

/** A person's action: the UI element and the source the API records with each event. */
export interface Origin {
  source: RecordConsentsInput['source'];
  /** e.g. `banner_accept_all`, `preferences_save`, `separate_dialog`. */
  surface: string;
  /** `guardian` when a parent or guardian decided for a minor (C12); default the person. */
  actor?: RecordConsentsInput['actor'];
  /** The age band the person declared (`under_14`, `14_plus`), when the property asked (C12). */
  ageBand?: string | undefined;
}

export interface ConsentCore {
  readonly locale: string;
  readonly events: Emitter;
  /** The experience, or null before it loads or when the API could not be reached. */
  experience(): Experience | null;
  /** What holds per purpose: the API's state with not-yet-recorded decisions applied over it. */
  states(): StateMap;
  /** Effective consent per purpose (necessary purposes are true). */
  consent(): ConsentMap;
  /**
   * True when `expr` holds now: a purpose key (`analytics`) or keys combined with and / or /
   * not and parentheses (`analytics and not personalized_ads`); malformed → false.
   */
  has(expr: string): boolean;
  /** Subscribes to any state change (for the UI); returns the unsubscribe function. */
  subscribe(fn: () => void): () => void;
  load(): Promise<Experience | null>;
  decide(drafts: readonly DecisionDraft[], origin: Origin): Promise<void>;
  /** Sends queued decisions; `force` ignores the backoff (e.g. on the browser's `online` event). */
  flush(force?: boolean): Promise<void>;
  identify(token: string): Promise<IdentifyOutputBody>;
}

/**
 * Creates the core. Nothing happens until `load()`. Errors from the API never throw out of
 * `load`/`flush`: they are emitted as 'error' and the widget carries on with what it knows.
 * `decide` rejects only for a batch the rules refuse (e.g. a separate-consent grant outside
 * its dialog; PIPL 29, C5) or before the experience has loaded.
 */
export function createCore(opts: CoreOptions): ConsentCore {
  const now = opts.now ?? Date.now;
  const schedule = opts.schedule ?? ((fn, ms) => void setTimeout(fn, ms));
  const client: Client = createClient({
    api: opts.api,
    publishableKey: opts.publishableKey,
    device: opts.device,
    gpc: opts.gpc ?? false,
    fetch: opts.fetch,
    credentials: opts.credentials ?? false,
  });
  const queue: DecisionQueue = createQueue(opts.storage);
  const subscribers = new Set<() => void>();
  const statesOf = (e: Experience | null | undefined) =>
    Object.fromEntries((e?.purposes ?? []).map((p) => [p.key, p.state]));
  let experience: Experience | null = opts.initial ?? null;
  let server: Record<string, ConsentStateView> = statesOf(experience);
  let view = server;
  let ready = false;
  let flushing: Promise<void> = Promise.resolve();
  let retryArmed = false;

  const consent = (): ConsentMap => {
    const map: ConsentMap = {};
    for (const p of experience?.purposes ?? []) map[p.key] = false;
    for (const [key, v] of Object.entries(view)) map[key] = ready && isEffective(v, now());
    return map;
  };
  const events = createEmitter(consent);

  const fail = (err: unknown): void => {
    events.emit('error', err instanceof Error ? err : new Error(String(err)));
  };

  /** Rebuilds the view, stores it, notifies; 'change' when the effective map moved or `force`. */
  function recompute(force: boolean): void {
    const before = JSON.stringify(consent());
    view = { ...server };
    for (const batch of queue.items()) Object.assign(view, batch.local);
    const stored: StoredConsents = { property: opts.publishableKey, consents: view };
    writeJson(opts.storage, CONSENTS_KEY, stored);
    for (const fn of subscribers) fn();
    const after = consent();
    if (ready && (force || JSON.stringify(after) !== before)) events.emit('change', after);
  }

  async function flushOnce(force: boolean): Promise<void> {
    const result = await queue.flush(client.record, now(), force);
    for (const { output } of result.sent) Object.assign(server, output.consents);
    for (const { batch, error } of result.dropped) {
      // Refused for good. Keep its refusals locally (never re-grant by reverting); its grants
      // simply do not take effect.
      for (const [key, v] of Object.entries(batch.local)) if (!v.effective) server[key] = v;
      fail(error);
    }
    recompute(false);
    if (result.retryInMs !== null && !retryArmed) {
      retryArmed = true;
      schedule(() => {
        retryArmed = false;
        void flush();
      }, result.retryInMs);
    }
  }

  /** Flushes run one after another, so a decision made during a flush is sent right after it. */
  function flush(force = false): Promise<void> {
    flushing = flushing.then(() => flushOnce(force)).catch(fail);
    return flushing;
  }

  async function load(): Promise<Experience | null> {
    try {
      const before = { ...server };
      const fresh = await client.experience(opts.locale);
      const during = server;
      experience = fresh;
      server = statesOf(fresh);
      // A decision recorded while this request was in flight is newer than its answer.
      for (const [k, v] of Object.entries(during))
        if (v !== before[k] && (v.decidedAt ?? '') > (server[k]?.decidedAt ?? '')) server[k] = v;
    } catch (err) {
      // API down: apply the last known consents, so a stored refusal still holds (and a
      // stored grant only until its term ends; see isEffective).
      const stored = readJson<StoredConsents | null>(opts.storage, CONSENTS_KEY, null);
      if (stored?.property === opts.publishableKey && stored.consents) server = stored.consents;
      fail(err);
    }
    recompute(false);
    if (!ready) {
      ready = true;
      events.emit('ready', consent());
    }
    if (queue.items().length) void flush();
    return experience;
  }

  async function decide(drafts: readonly DecisionDraft[], origin: Origin): Promise<void> {
    const exp = experience;
    if (!exp) throw new Error('Assent: the experience has not loaded; nothing was recorded');
    if (!drafts.length) return;
    const purposes = new Map(exp.purposes.map((p) => [p.key, p]));
    const violations = checkDecisions(
      drafts.map((d) => ({ ...d, ...origin })),
      new Map(exp.purposes.map((p) => [p.key, toRule(p)])),
    );
    if (violations[0]) {
      throw new Error(`Assent: ${violations[0].code} (${violations[0].purpose})`);
    }
    const at = now();
    const local: Record<string, ConsentStateView> = {};
    const decisions: RecordConsentsInput['decisions'] = [];
    for (const d of drafts) {
      const p = purposes.get(d.purpose);
      if (!p) continue;
      decisions.push({ ...d, noticeId: p.notice.id, noticeHash: p.notice.hash });
      local[p.key] = localView(p, d.decision, at);
    }
    queue.push({
      id: uuid(),
      input: {
        decisions,
        ...origin,
        locale: opts.locale,
        collectedAt: new Date(at).toISOString(),
        gpc: opts.gpc ?? false,
      },
      local,
      attempts: 0,
      nextAt: 0,
    });
    recompute(true);
    await flush();
  }

  return {
    locale: opts.locale,
    events,
    experience: () => experience,
    states: () => view,
    consent,
    has(expr) {
      const map = consent();
      return evaluate(expr, (key) => map[key] === true);
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => {
        subscribers.delete(fn);
      };
    },
    load,
    decide,
    flush,
    async identify(token) {
      const out = await client.identify(token);
      // The device may now share a subject with earlier decisions made elsewhere.
      await load();
      return out;
    },
  };
}
