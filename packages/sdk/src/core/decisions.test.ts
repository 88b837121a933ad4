import type { ConsentStateView } from '@assent/contract/types';
import { describe, expect, it } from 'vitest';
import { shopExperience } from '../test/fixtures.ts';
import {
  acceptAllDrafts,
  bannerScope,
  isEffective,
  localView,
  preferencesDrafts,
  rejectAllDrafts,
  separateDraft,
  separateNoticeProblems,
  withdrawDraft,
} from './decisions.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const granted = (expiresAt: string | null = '2027-01-01T00:00:00Z'): ConsentStateView => ({
  status: 'granted',
  effective: true,
  decidedAt: '2026-01-01T00:00:00Z',
  expiresAt,
});
const denied: ConsentStateView = {
  status: 'denied',
  effective: false,
  decidedAt: '2026-05-01T00:00:00Z',
  expiresAt: null,
};

describe('banner decisions', () => {
  it('C5: accept-all never grants a separate-consent purpose (nor a necessary one)', () => {
    const exp = shopExperience();
    const drafts = acceptAllDrafts(exp, {}, NOW);
    expect(drafts).toEqual([
      { purpose: 'analytics', decision: 'granted' },
      { purpose: 'ads', decision: 'granted' },
    ]);
    expect(drafts.map((d) => d.purpose)).not.toContain('face_login');
  });

  it('C3: reject-all refuses exactly what accept-all would grant', () => {
    const exp = shopExperience();
    const reject = rejectAllDrafts(exp, {}, NOW);
    expect(reject.map((d) => d.purpose)).toEqual(
      acceptAllDrafts(exp, {}, NOW).map((d) => d.purpose),
    );
    expect(reject.every((d) => d.decision === 'denied')).toBe(true);
  });

  it('C2: accept-all does not record again a grant that still holds', () => {
    const exp = shopExperience();
    const drafts = acceptAllDrafts(exp, { analytics: granted() }, NOW);
    expect(drafts.map((d) => d.purpose)).toEqual(['ads']);
  });

  it('C10: a grant due for re-confirmation is asked again', () => {
    const exp = shopExperience();
    exp.ask.reconfirm = ['analytics'];
    expect(rejectAllDrafts(exp, { analytics: granted() }, NOW).map((d) => d.purpose)).toContain(
      'analytics',
    );
  });

  it('C13: with GPC honoured, accept-all leaves the sale/share purpose refused', () => {
    const exp = shopExperience({ ads: { ...denied } });
    exp.gpc = { honoured: true, optedOut: ['ads'] };
    expect(acceptAllDrafts(exp, { ads: denied }, NOW).map((d) => d.purpose)).toEqual(['analytics']);
  });
});

describe('preferencesDrafts', () => {
  it('C1: saving untouched switches grants nothing and records refusals of undecided purposes', () => {
    const exp = shopExperience();
    const drafts = preferencesDrafts(exp, {}, {}, NOW);
    expect(drafts).toEqual([
      { purpose: 'analytics', decision: 'denied' },
      { purpose: 'ads', decision: 'denied' },
    ]);
  });

  it('C9: turning off an effective grant is a withdrawal; unchanged purposes send nothing', () => {
    const exp = shopExperience();
    const states = { analytics: granted(), ads: denied };
    expect(preferencesDrafts(exp, states, { analytics: false }, NOW)).toEqual([
      { purpose: 'analytics', decision: 'withdrawn' },
    ]);
  });

  it('turning a switch on grants that purpose only; separate purposes are never in the batch', () => {
    const exp = shopExperience();
    const drafts = preferencesDrafts(
      exp,
      { ads: denied },
      { analytics: true, face_login: true },
      NOW,
    );
    expect(drafts).toEqual([{ purpose: 'analytics', decision: 'granted' }]);
  });
});

describe('withdraw and separate dialog', () => {
  const exp = shopExperience();
  const face = exp.purposes.find((p) => p.key === 'face_login');
  const cart = exp.purposes.find((p) => p.key === 'cart');

  it('C9: withdraw turns a grant into withdrawn, is a no-op after a refusal and for necessary', () => {
    if (!face || !cart) throw new Error('fixture');
    expect(withdrawDraft(face, granted())).toEqual({
      purpose: 'face_login',
      decision: 'withdrawn',
    });
    expect(withdrawDraft(face, denied)).toBeNull();
    expect(withdrawDraft(cart, undefined)).toBeNull();
  });

  it('refusing in the separate dialog withdraws an earlier grant, else denies', () => {
    if (!face) throw new Error('fixture');
    expect(separateDraft(face, granted(), false).decision).toBe('withdrawn');
    expect(separateDraft(face, undefined, false).decision).toBe('denied');
    expect(separateDraft(face, undefined, true).decision).toBe('granted');
  });

  it('C6: a separate notice without necessity or impact is a configuration error', () => {
    if (!face) throw new Error('fixture');
    expect(separateNoticeProblems(face)).toEqual([]);
    const bare = { ...face, notice: { ...face.notice, necessity: ' ', impact: undefined } };
    expect(separateNoticeProblems(bare)).toEqual(['necessity', 'impact']);
  });
});

describe('isEffective and localView', () => {
  it('C10: a stored grant past its term is not effective even offline', () => {
    expect(isEffective(granted('2026-05-31T23:59:59Z'), NOW)).toBe(false);
    expect(isEffective(granted('2026-06-01T00:00:01Z'), NOW)).toBe(true);
    expect(isEffective(denied, NOW)).toBe(false);
  });

  it('a local grant lasts reconfirmAfterDays; a local refusal never expires', () => {
    const face = shopExperience().purposes.find((p) => p.key === 'face_login');
    if (!face) throw new Error('fixture');
    const g = localView(face, 'granted', NOW);
    expect(g.expiresAt).toBe(new Date(NOW + 180 * 86_400_000).toISOString());
    expect(localView(face, 'denied', NOW)).toMatchObject({ effective: false, expiresAt: null });
  });
});

describe('bannerScope: re-confirmation', () => {
  it('C10: when only re-confirmation is due, the banner covers just the due purposes', () => {
    const exp = shopExperience({
      analytics: { status: 'granted', effective: true, decidedAt: null, expiresAt: null },
      ads: { status: 'denied', effective: false, decidedAt: null, expiresAt: null },
    });
    const due = { ...exp, ask: { ...exp.ask, banner: false, reconfirm: ['analytics'] } };
    expect(bannerScope(due, {}, 0).map((p) => p.key)).toEqual(['analytics']);
    // "Accept all" on a re-confirmation banner never grants the earlier refusal.
    const states = Object.fromEntries(due.purposes.map((p) => [p.key, p.state]));
    expect(acceptAllDrafts(due, states, 0)).toEqual([
      { purpose: 'analytics', decision: 'granted' },
    ]);
  });
});
