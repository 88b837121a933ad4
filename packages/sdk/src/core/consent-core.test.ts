import type { ConsentStateView } from '@assent/contract/types';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, shopExperience } from '../test/fixtures.ts';
import { CONSENTS_KEY, type CoreOptions, createCore } from './consent-core.ts';
import { acceptAllDrafts } from './decisions.ts';
import { QUEUE_KEY } from './queue.ts';
import { type KeyValueStorage, memoryStorage } from './storage.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const DEVICE = 'dev_AAAAAAAAAAAAAAAAAAAAAA';

function setup(
  api = fakeApi(),
  storage: KeyValueStorage = memoryStorage(),
  extra: Partial<CoreOptions> = {},
) {
  const timers: { fn: () => void; ms: number }[] = [];
  const core = createCore({
    api: 'http://api.test/',
    publishableKey: 'pk_test',
    locale: 'zh-CN',
    device: DEVICE,
    storage,
    fetch: api.fetch,
    now: () => NOW,
    schedule: (fn, ms) => void timers.push({ fn, ms }),
    ...extra,
  });
  return { core, api, storage, timers };
}

const banner = { source: 'banner', surface: 'banner_reject_all' } as const;

describe('createCore: loading', () => {
  it('requests the experience with key, device and locale in the query and no custom header (no CORS preflight)', async () => {
    const { core, api } = setup();
    await core.load();
    const call = api.calls[0];
    expect(call?.url).toBe(
      `http://api.test/v1/experience?key=pk_test&device=${DEVICE}&locale=zh-CN`,
    );
    expect(call?.headers).toEqual({});
  });

  it('C13: with GPC on it says so in the query', async () => {
    const { core, api } = setup(fakeApi(), memoryStorage(), { gpc: true });
    await core.load();
    expect(api.calls[0]?.url).toContain('&gpc=1');
  });

  it('emits ready with effective consent: necessary on, nothing else (C1)', async () => {
    const { core } = setup();
    const ready = vi.fn();
    core.events.on('ready', ready);
    await core.load();
    expect(ready).toHaveBeenCalledWith({
      cart: true,
      analytics: false,
      ads: false,
      face_login: false,
    });
  });
});

describe('createCore: deciding', () => {
  it('posts one batch with an Idempotency-Key, notice references and the decision time', async () => {
    const { core, api } = setup();
    await core.load();
    await core.decide([{ purpose: 'analytics', decision: 'granted' }], {
      source: 'preferences',
      surface: 'preferences_save',
    });
    const post = api.calls.find((c) => c.method === 'POST');
    expect(post?.url).toBe('http://api.test/v1/consents');
    expect(post?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(post?.body).toEqual({
      decisions: [
        {
          purpose: 'analytics',
          decision: 'granted',
          noticeId: 'ntc_analytics',
          noticeHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      ],
      source: 'preferences',
      surface: 'preferences_save',
      locale: 'zh-CN',
      collectedAt: new Date(NOW).toISOString(),
      gpc: false,
    });
    expect(core.has('analytics')).toBe(true);
  });

  it('C5: refuses to send a separate-consent grant from the banner', async () => {
    const { core, api } = setup();
    await core.load();
    await expect(
      core.decide([{ purpose: 'face_login', decision: 'granted' }], {
        source: 'banner',
        surface: 'banner_accept_all',
      }),
    ).rejects.toThrow(/separate_consent_required/);
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([]);
    expect(core.has('face_login')).toBe(false);
  });

  it('C5: a separate-consent grant goes alone from the separate dialog', async () => {
    const { core, api } = setup();
    await core.load();
    await core.decide([{ purpose: 'face_login', decision: 'granted' }], {
      source: 'sensitive_dialog',
      surface: 'separate_dialog',
    });
    expect(api.calls.at(-1)?.body?.decisions.map((d) => d.purpose)).toEqual(['face_login']);
    expect(core.has('face_login')).toBe(true);
  });

  it('C3: reject-all applies at once and keeps the page usable (necessary stays on)', async () => {
    const { core } = setup();
    await core.load();
    const change = vi.fn();
    core.events.on('change', change);
    change.mockClear();
    const exp = core.experience();
    if (!exp) throw new Error('no experience');
    const drafts = acceptAllDrafts(exp, core.states(), NOW).map((d) => ({
      ...d,
      decision: 'denied' as const,
    }));
    await core.decide(drafts, banner);
    expect(core.consent()).toEqual({ cart: true, analytics: false, ads: false, face_login: false });
    expect(change).toHaveBeenCalledTimes(1);
  });
});

describe('createCore: offline', () => {
  it('queues a decision in assent:queue when the API is unreachable and applies it locally', async () => {
    const { core, api, storage, timers } = setup();
    await core.load();
    api.state.offline = true;
    const errors = vi.fn();
    core.events.on('error', errors);
    await core.decide([{ purpose: 'analytics', decision: 'granted' }], {
      source: 'preferences',
      surface: 'preferences_save',
    });
    expect(core.has('analytics')).toBe(true);
    expect(JSON.parse(storage.get(QUEUE_KEY) ?? '[]')).toHaveLength(1);
    expect(timers).toHaveLength(1);
    expect(timers[0]?.ms).toBeGreaterThanOrEqual(1_000);
  });

  it('retries with the same Idempotency-Key once the API is back, then empties the queue', async () => {
    let now = NOW;
    const { core, api, storage, timers } = setup(fakeApi(), memoryStorage(), { now: () => now });
    await core.load();
    api.state.offline = true;
    await core.decide([{ purpose: 'analytics', decision: 'denied' }], banner);
    api.state.offline = false;
    now += timers[0]?.ms ?? 0;
    timers[0]?.fn();
    await core.flush();
    const posts = api.calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[0]?.headers['idempotency-key']).toBe(posts[1]?.headers['idempotency-key']);
    expect(storage.get(QUEUE_KEY)).toBeNull();
    expect(api.consents.analytics?.status).toBe('denied');
  });

  it('C9: never turns a refusal into a grant: an offline grant then refusal arrive in order', async () => {
    let now = NOW;
    const { core, api, timers } = setup(fakeApi(), memoryStorage(), { now: () => now });
    await core.load();
    api.state.offline = true;
    await core.decide([{ purpose: 'analytics', decision: 'granted' }], {
      source: 'preferences',
      surface: 'preferences_save',
    });
    now += 1_000;
    await core.decide([{ purpose: 'analytics', decision: 'withdrawn' }], {
      source: 'preferences',
      surface: 'preferences_save',
    });
    expect(core.has('analytics')).toBe(false);
    // The connection comes back for one request only: the older grant gets through.
    api.state.offline = false;
    api.state.postsBeforeOffline = 1;
    now += 600_000;
    await core.flush();
    expect(api.consents.analytics?.status).toBe('granted');
    // The API now says granted, but the newer withdrawal is still queued and still holds.
    expect(core.has('analytics')).toBe(false);
    api.state.offline = false;
    api.state.postsBeforeOffline = Number.POSITIVE_INFINITY;
    now += 600_000;
    timers.at(-1)?.fn();
    await core.flush();
    const decisions = api.calls
      .filter((c) => c.method === 'POST')
      .map((c) => c.body?.decisions[0]?.decision);
    expect(decisions.at(-1)).toBe('withdrawn');
    expect(decisions.lastIndexOf('granted')).toBeLessThan(decisions.indexOf('withdrawn'));
    expect(api.consents.analytics?.status).toBe('withdrawn');
    expect(core.has('analytics')).toBe(false);
  });

  it('a reload with the API down still applies the stored refusal and the unsent queue', async () => {
    const storage = memoryStorage();
    const first = setup(fakeApi(), storage);
    await first.core.load();
    await first.core.decide([{ purpose: 'analytics', decision: 'granted' }], {
      source: 'preferences',
      surface: 'preferences_save',
    });
    first.api.state.offline = true;
    await first.core.decide([{ purpose: 'ads', decision: 'denied' }], banner);

    const down = fakeApi();
    down.state.offline = true;
    const second = setup(down, storage);
    const ready = vi.fn();
    second.core.events.on('ready', ready);
    await second.core.load();
    expect(second.core.experience()).toBeNull();
    expect(ready).toHaveBeenCalledWith(expect.objectContaining({ analytics: true, ads: false }));
    expect(JSON.parse(storage.get(QUEUE_KEY) ?? '[]')).toHaveLength(1);
  });

  it('C10: a stored grant past its term is not applied when the API is down', async () => {
    const storage = memoryStorage();
    const old: ConsentStateView = {
      status: 'granted',
      effective: true,
      decidedAt: '2025-01-01T00:00:00Z',
      expiresAt: '2026-01-01T00:00:00Z',
    };
    storage.set(
      CONSENTS_KEY,
      JSON.stringify({ property: 'pk_test', consents: { analytics: old } }),
    );
    const down = fakeApi();
    down.state.offline = true;
    const { core } = setup(down, storage);
    await core.load();
    expect(core.has('analytics')).toBe(false);
  });

  it('ignores stored consents of another property', async () => {
    const storage = memoryStorage();
    const grant: ConsentStateView = {
      status: 'granted',
      effective: true,
      decidedAt: null,
      expiresAt: null,
    };
    storage.set(
      CONSENTS_KEY,
      JSON.stringify({ property: 'pk_other', consents: { analytics: grant } }),
    );
    const down = fakeApi();
    down.state.offline = true;
    const { core } = setup(down, storage);
    await core.load();
    expect(core.has('analytics')).toBe(false);
  });

  it('a grant the API refuses for good (422) stops applying and is reported', async () => {
    const { core, api } = setup(fakeApi(shopExperience()));
    await core.load();
    api.state.failWith = 422;
    api.state.failCode = 'notice_mismatch';
    const errors: string[] = [];
    core.events.on('error', (e) => errors.push((e as { code?: string }).code ?? e.message));
    await core.decide([{ purpose: 'analytics', decision: 'granted' }], {
      source: 'preferences',
      surface: 'preferences_save',
    });
    expect(core.has('analytics')).toBe(false);
    expect(errors).toEqual(['notice_mismatch']);
  });

  it('a refusal the API refuses for good still holds locally', async () => {
    const { core, api } = setup(
      fakeApi(
        shopExperience({
          analytics: { status: 'granted', effective: true, decidedAt: null, expiresAt: null },
        }),
      ),
    );
    await core.load();
    expect(core.has('analytics')).toBe(true);
    api.state.failWith = 422;
    core.events.on('error', () => {});
    await core.decide([{ purpose: 'analytics', decision: 'withdrawn' }], banner);
    expect(core.has('analytics')).toBe(false);
  });
});

describe('createCore: identify', () => {
  it('posts the token and reloads the experience for the merged subject', async () => {
    const { core, api } = setup();
    await core.load();
    await expect(core.identify('header.payload.signature')).resolves.toEqual({
      subjectId: 'sub_1',
      merged: true,
    });
    expect(api.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      'GET /v1/experience',
      'POST /v1/identify',
      'GET /v1/experience',
    ]);
  });
});

describe('createCore: decisions during a flush', () => {
  it('a decision made while an earlier one is in flight is sent right after it, in order', async () => {
    const { core, api } = setup();
    await core.load();
    const exp = core.experience();
    if (!exp) throw new Error('no experience');
    const first = core.decide(acceptAllDrafts(exp, core.states(), NOW), {
      source: 'banner',
      surface: 'banner_accept_all',
    });
    const second = core.decide([{ purpose: 'analytics', decision: 'withdrawn' }], {
      source: 'preferences',
      surface: 'api_withdraw',
    });
    await Promise.all([first, second]);
    const posts = api.calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.body?.surface)).toEqual(['banner_accept_all', 'api_withdraw']);
    expect(api.consents.analytics?.status).toBe('withdrawn');
    expect(core.has('analytics')).toBe(false);
  });
});

describe('createCore: has() expressions', () => {
  it('evaluates and / or / not over effective consent; malformed is false', async () => {
    const { core } = setup();
    await core.load();
    await core.decide([{ purpose: 'analytics', decision: 'granted' }], banner);
    expect(core.has('analytics and not ads')).toBe(true);
    expect(core.has('analytics and ads')).toBe(false);
    expect(core.has('ads or cart')).toBe(true);
    expect(core.has('analytics and (')).toBe(false);
  });
});

describe('createCore: a stored copy of the experience (repeat visit)', () => {
  const granted: ConsentStateView = {
    status: 'granted',
    effective: true,
    decidedAt: '2026-05-01T00:00:00.000Z',
    expiresAt: '2027-05-01T00:00:00.000Z',
  };

  it('serves the copy before load for drawing, but consent, has() and ready wait for the API', async () => {
    const copy = shopExperience({ analytics: granted });
    const api = fakeApi(shopExperience());
    const { core } = setup(api, memoryStorage(), { initial: copy });
    const ready = vi.fn();
    core.events.on('ready', ready);
    expect(core.experience()).toBe(copy);
    expect(core.states().analytics?.status).toBe('granted');
    // A withdrawal made elsewhere since the copy must not run a gated script: not yet effective.
    expect(core.has('analytics')).toBe(false);
    expect(ready).not.toHaveBeenCalled();
    await core.load();
    expect(ready).toHaveBeenCalledTimes(1);
    expect(core.states().analytics?.status).toBe('unset'); // the API's answer wins
  });

  it('a decision recorded while the experience request is in flight survives its older answer', async () => {
    const api = fakeApi(shopExperience());
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The experience answer is made at once (analytics unset) but arrives only after the POST.
    const slow: typeof api.fetch = async (url, init) => {
      const res = api.fetch(url, init);
      if (url.includes('/v1/experience')) await gate;
      return res;
    };
    const { core } = setup({ ...api, fetch: slow }, memoryStorage(), {
      initial: shopExperience(),
    });
    const loading = core.load();
    await core.decide([{ purpose: 'analytics', decision: 'denied' }], banner);
    expect(api.consents.analytics?.status).toBe('denied');
    release();
    await loading;
    expect(core.states().analytics?.status).toBe('denied');
  });
});
