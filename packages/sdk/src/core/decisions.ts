// Turns a person's action (accept all, reject all, save, a separate dialog) into the batch of
// decisions to record, using the shared rules in @assent/policy. Pure: no I/O, no clock.
import type { ConsentStateView, Experience, Purpose } from '@assent/contract/types';
import { acceptAllPurposes, type Decision, type PurposeRule, termEnd } from '@assent/policy';

/** One decision before it gets its notice reference. */
export interface DecisionDraft {
  purpose: string;
  decision: Decision;
}

/** Current state per purpose key, as the widget knows it (server state + pending decisions). */
export type StateMap = Readonly<Record<string, ConsentStateView | undefined>>;

/**
 * The rule view of an experience purpose. `refusalQuietDays` is not in the experience: the
 * API enforces quiet periods (C11) and already folds them into `ask`, so 0 here is unused.
 */
export function toRule(p: Purpose): PurposeRule {
  return {
    key: p.key,
    necessary: p.necessary,
    separateConsent: p.separateConsent,
    gpcOptOut: p.gpcOptOut,
    reconfirmAfterDays: p.reconfirmAfterDays,
    refusalQuietDays: 0,
  };
}

/** Not necessary and not separate-consent: decided in the banner and the preferences switches. */
export function isOrdinary(p: Purpose): boolean {
  return !p.necessary && !p.separateConsent;
}

/**
 * Is a state an effective grant at `now` (epoch ms)? Re-checks the term locally so a stored
 * grant past its end stops applying even when the API cannot be reached (C10).
 */
export function isEffective(view: ConsentStateView | undefined, now: number): boolean {
  if (!view?.effective || view.status !== 'granted') return false;
  return view.expiresAt === null || Date.parse(view.expiresAt) > now;
}

/**
 * The purposes the banner decides: every ordinary purpose except an effective grant that is
 * not due for re-confirmation. When the API asks only to re-confirm (`ask.banner` false), just
 * the due purposes: a re-confirmation never re-opens choices that are not due (C10, C11).
 * Separate-consent purposes are never among them (C5).
 */
export function bannerScope(exp: Experience, states: StateMap, now: number): Purpose[] {
  const ordinary = exp.purposes.filter(isOrdinary);
  const due = ordinary.filter((p) => exp.ask.reconfirm.includes(p.key));
  if (!exp.ask.banner && due.length) return due;
  return ordinary.filter((p) => !isEffective(states[p.key], now) || due.includes(p));
}

/**
 * "Accept all": grants `acceptAllPurposes` (never a separate-consent purpose; PIPL 23, 29;
 * C5) within the banner's scope, and denies nothing. When GPC was honoured, purposes it opts
 * out are left out too: only an explicit per-purpose choice overrides GPC (11 CCR §7025).
 */
export function acceptAllDrafts(exp: Experience, states: StateMap, now: number): DecisionDraft[] {
  const allowed = new Set(acceptAllPurposes(exp.purposes.map(toRule)));
  return bannerScope(exp, states, now)
    .filter((p) => allowed.has(p.key))
    .filter((p) => !(exp.gpc.honoured && (p.gpcOptOut || exp.gpc.optedOut.includes(p.key))))
    .map((p) => ({ purpose: p.key, decision: 'granted' }));
}

/** "Reject all": denies every purpose in the banner's scope; as easy as accepting (C3). */
export function rejectAllDrafts(exp: Experience, states: StateMap, now: number): DecisionDraft[] {
  return bannerScope(exp, states, now).map((p) => ({ purpose: p.key, decision: 'denied' }));
}

/**
 * "Save" in preferences: one decision per ordinary purpose whose switch differs from what
 * holds, or that is undecided or due (C2: nothing for a purpose that did not change).
 * A switch turned off on an effective grant is a withdrawal (C9); left off on an undecided
 * purpose, a refusal. Switches default to the current effective value (off when unset; C1).
 * @param choices  switch position per purpose key; missing keys keep the current value
 */
export function preferencesDrafts(
  exp: Experience,
  states: StateMap,
  choices: Readonly<Record<string, boolean>>,
  now: number,
): DecisionDraft[] {
  const drafts: DecisionDraft[] = [];
  for (const p of exp.purposes) {
    if (!isOrdinary(p)) continue;
    const view = states[p.key];
    const effective = isEffective(view, now);
    const want = choices[p.key] ?? effective;
    const status = view?.status ?? 'unset';
    const undecided = status === 'unset' || status === 'expired' || status === 'stale';
    if (want && (!effective || exp.ask.reconfirm.includes(p.key))) {
      drafts.push({ purpose: p.key, decision: 'granted' });
    } else if (!want && effective) {
      drafts.push({ purpose: p.key, decision: 'withdrawn' });
    } else if (!want && undecided) {
      drafts.push({ purpose: p.key, decision: 'denied' });
    }
  }
  return drafts;
}

/**
 * A withdrawal (C9): `withdrawn` for a purpose that was granted (even if expired or stale),
 * `denied` for one never decided, nothing for a necessary purpose or one already refused.
 */
export function withdrawDraft(
  p: Purpose,
  view: ConsentStateView | undefined,
): DecisionDraft | null {
  if (p.necessary) return null;
  const status = view?.status ?? 'unset';
  if (status === 'denied' || status === 'withdrawn') return null;
  return { purpose: p.key, decision: status === 'unset' ? 'denied' : 'withdrawn' };
}

/**
 * The answer in a separate-consent dialog: `granted` on agree; on refusal `withdrawn` when
 * something was granted before, else `denied`.
 */
export function separateDraft(
  p: Purpose,
  view: ConsentStateView | undefined,
  agree: boolean,
): DecisionDraft {
  if (agree) return { purpose: p.key, decision: 'granted' };
  const status = view?.status ?? 'unset';
  const wasGranted = status === 'granted' || status === 'expired' || status === 'stale';
  return { purpose: p.key, decision: wasGranted ? 'withdrawn' : 'denied' };
}

/**
 * Fields a separate-consent notice lacks: PIPL 30 requires it to state the necessity and the
 * impact on the person's rights (C6). Non-empty = configuration error; the dialog refuses to
 * offer "Agree".
 */
export function separateNoticeProblems(p: Purpose): ('necessity' | 'impact')[] {
  const missing: ('necessity' | 'impact')[] = [];
  if (!p.notice.necessity?.trim()) missing.push('necessity');
  if (!p.notice.impact?.trim()) missing.push('impact');
  return missing;
}

/**
 * How a decision reads locally before the API confirms it: a grant is effective for the
 * purpose's term (policy `termEnd`), a refusal or withdrawal is not.
 * @param at  decision time, epoch ms
 */
export function localView(p: Purpose, decision: Decision, at: number): ConsentStateView {
  const end = termEnd(toRule(p), decision, at);
  return {
    status: decision,
    effective: decision === 'granted',
    decidedAt: new Date(at).toISOString(),
    expiresAt: end === null ? null : new Date(end).toISOString(),
  };
}
