// Test fixtures: a small property's experience, and a fetch double that behaves like the
// consent API (only for the widget core's unit tests; browser tests use the real API).
import type {
  ConsentStateView,
  Experience,
  Purpose,
  RecordConsentsInput,
} from '@assent/contract/types';
import type { FetchLike } from '../core/client.ts';

const UNSET: ConsentStateView = {
  status: 'unset',
  effective: false,
  decidedAt: null,
  expiresAt: null,
};

function purpose(key: string, extra: Partial<Purpose> = {}): Purpose {
  return {
    key,
    legalBasis: 'consent',
    category: 'analytics',
    necessary: false,
    separateConsent: null,
    gpcOptOut: false,
    reconfirmAfterDays: 365,
    retentionDays: 365,
    dataCategories: [{ name: 'usage', level: 'L3' }],
    recipients: [],
    notice: {
      id: `ntc_${key}`,
      version: 1,
      locale: 'en',
      hash: key
        .padEnd(64, '0')
        .replace(/[^0-9a-f]/g, 'a')
        .slice(0, 64),
      title: key,
      description: `${key} description`,
      retention: '1 year',
    },
    state: UNSET,
    ...extra,
  };
}

/** A shop: necessary cart, analytics, ads (GPC opt-out), face_login (sensitive, separate). */
export function shopExperience(states: Record<string, ConsentStateView> = {}): Experience {
  const purposes = [
    purpose('cart', {
      necessary: true,
      legalBasis: 'contract',
      state: { status: 'granted', effective: true, decidedAt: null, expiresAt: null },
    }),
    purpose('analytics'),
    purpose('ads', { gpcOptOut: true }),
    purpose('face_login', {
      separateConsent: 'sensitive',
      reconfirmAfterDays: 180,
      notice: {
        ...purpose('face_login').notice,
        necessity: 'To sign you in without a password.',
        impact: 'A leak of face data cannot be undone.',
      },
    }),
  ].map((p) => ({ ...p, state: states[p.key] ?? p.state }));
  return {
    property: {
      id: 'prop_1',
      name: 'Demo Shop',
      locale: 'en',
      locales: ['en', 'zh-CN'],
      controller: { name: 'Demo Shop Ltd', contact: 'privacy@shop.example' },
    },
    purposes,
    ask: { banner: true, reconfirm: [], separatePending: ['face_login'] },
    gpc: { honoured: false, optedOut: [] },
    age: { gate: false, threshold: null, ask: [], guardian: [] },
  };
}

export interface FakeCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: RecordConsentsInput | null;
}

/**
 * A fetch double over an in-memory consent API: records calls, answers the experience and
 * consents routes, applies decisions in arrival order, and can be
 * switched offline or told to fail with a status.
 */
export function fakeApi(exp: Experience = shopExperience()) {
  const calls: FakeCall[] = [];
  const consents: Record<string, ConsentStateView> = Object.fromEntries(
    exp.purposes.map((p) => [p.key, p.state]),
  );
  const seenKeys = new Set<string>();
  const state = {
    offline: false,
    failWith: 0 as number,
    failCode: 'internal_error',
    /** Go offline after this many more successful POSTs (a flaky connection). */
    postsBeforeOffline: Number.POSITIVE_INFINITY,
  };
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
    });
  const fetch: FetchLike = async (url, init) => {
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const body =
      typeof init.body === 'string' ? (JSON.parse(init.body) as RecordConsentsInput) : null;
    calls.push({ url, method: init.method ?? 'GET', headers, body });
    if (state.offline) throw new TypeError('Failed to fetch');
    if (state.failWith) {
      return json(state.failWith, {
        type: 'about:blank',
        title: 'fail',
        status: state.failWith,
        code: state.failCode,
      });
    }
    if (url.includes('/v1/experience')) {
      return json(200, {
        ...exp,
        purposes: exp.purposes.map((p) => ({ ...p, state: consents[p.key] ?? p.state })),
      });
    }
    if (url.endsWith('/v1/consents') && body) {
      if (state.postsBeforeOffline-- <= 0) {
        state.offline = true;
        throw new TypeError('Failed to fetch');
      }
      const key = headers['idempotency-key'] ?? '';
      if (!seenKeys.has(key)) {
        seenKeys.add(key);
        for (const d of body.decisions) {
          // Last write wins, on purpose: the widget, not this double, must keep the order.
          const at = body.collectedAt ?? new Date().toISOString();
          consents[d.purpose] = {
            status: d.decision,
            effective: d.decision === 'granted',
            decidedAt: at,
            expiresAt: null,
          };
        }
      }
      return json(201, { events: [], consents: { ...consents } });
    }
    if (url.endsWith('/v1/identify')) return json(200, { subjectId: 'sub_1', merged: true });
    return json(404, { type: 'about:blank', title: 'nf', status: 404, code: 'not_found' });
  };
  return { fetch, calls, consents, state };
}
