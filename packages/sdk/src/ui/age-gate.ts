// Minors (C12; PIPL 31, GDPR 8, Cal. Civ. 1798.120(c)): before a grant the property wants
// age-checked, ask "Are you {n} or older?"; for a person under it, a parent or guardian confirms
// the grant, recorded with `actor: 'guardian'`. Refusals never wait for either step.
import type { Experience } from '@assent/contract/types';
import { ageBand, isUnder } from '@assent/policy';
import type { Origin } from '../core/consent-core.ts';
import type { DecisionDraft } from '../core/decisions.ts';
import { type KeyValueStorage, readJson, writeJson } from '../core/storage.ts';
import type { AgeRequest } from './controller.ts';
import { modal } from './focus.ts';
import { h } from './h.ts';
import { report, type UiProps } from './props.ts';

export const AGE_KEY = 'assent:age';

/** The age band this device declared for a property (only the band, never a birth date). */
export interface AgeStore {
  get(): string | null;
  set(band: string): void;
}

/** An `AgeStore` in `storage`, per property. */
export function ageStore(storage: KeyValueStorage, property: string): AgeStore {
  return {
    get() {
      const s = readJson<{ property?: string; band?: string } | null>(storage, AGE_KEY, null);
      return s?.property === property && typeof s.band === 'string' ? s.band : null;
    },
    set: (band) => writeJson(storage, AGE_KEY, { property, band }),
  };
}

/**
 * What must come before recording `grants`: the age question (the property asks for one of
 * them and `band` does not answer today's question), the guardian's confirmation (the person
 * declared an age under a threshold and one of them needs a guardian), or nothing.
 */
export function ageStep(
  exp: Experience,
  grants: readonly string[],
  band: string | null,
): AgeRequest['step'] | null {
  // A copy stored by an older widget may lack `age`.
  const age = exp.age as Experience['age'] | undefined;
  if (!age || !grants.length) return null;
  const t = age.threshold;
  if (
    age.gate &&
    t !== null &&
    isUnder(band, t) === null &&
    grants.some((k) => age.ask.includes(k))
  )
    return 'ask';
  // Any declared "under" band: a guardian confirms (the stricter reading when thresholds differ).
  if (band?.startsWith('under_') && grants.some((k) => age.guardian.includes(k))) return 'guardian';
  return null;
}

/**
 * Records `drafts` from `origin` once the age steps they need are done, with `done` (e.g. closing
 * the layer) called just before, or just after when `after` (when `done` reads the new state).
 * Until then the asking layer stays open; cancelling records nothing.
 */
export function decideGuarded(
  { core, ui, exp, age }: UiProps,
  drafts: readonly DecisionDraft[],
  origin: Origin,
  done: () => void,
  after = false,
): void {
  const grants = drafts.filter((d) => d.decision === 'granted').map((d) => d.purpose);
  const run = (guardian: boolean) => {
    ui.set({ age: null });
    if (!after) done();
    const pending = core.decide(drafts, {
      ...origin,
      ageBand: age.get() ?? undefined,
      ...(guardian ? { actor: 'guardian' as const } : {}),
    });
    if (after) done();
    report(core, pending);
  };
  const step = ageStep(exp, grants, age.get());
  if (step) ui.set({ age: { step, run, grants } });
  else run(false);
}

/** The age question or the guardian's confirmation, as a modal over the layer that asked. */
export function ageDialog({ ui, t, exp, age }: UiProps, req: AgeRequest): HTMLElement {
  const n = String(exp.age?.threshold ?? age.get()?.replace(/\D/g, '') ?? '');
  const fill = (s: string) => s.replaceAll('{n}', n);
  const close = () => ui.set({ age: null });
  const answer = (atLeast: boolean) => {
    age.set(ageBand(Number(n), atLeast));
    const next = ageStep(exp, req.grants, age.get());
    if (next === 'guardian') ui.set({ age: { ...req, step: next } });
    else req.run(false);
  };
  const button = (key: string, label: string, onclick: () => void, alt = '') =>
    h('button', { type: 'button', class: `btn${alt}`, 'data-assent': key, onclick }, label);
  const asking = req.step === 'ask';
  return modal(
    'age-dialog',
    close,
    t.close,
    h('h2', { id: 'assent-age-dialog-t' }, fill(asking ? t.ageTitle : t.guardianTitle)),
    h('p', null, fill(asking ? t.ageQuestion : t.guardianText)),
    asking && h('p', { class: 'note' }, fill(t.ageWhy)),
    h(
      'div',
      { class: 'row' },
      asking
        ? [
            button('age-yes', fill(t.ageYes), () => answer(true)),
            button('age-no', fill(t.ageNo), () => answer(false)),
          ]
        : [
            button('guardian-confirm', t.guardianConfirm, () => req.run(true)),
            button('age-cancel', t.cancel, close, ' alt'),
          ],
    ),
  );
}
