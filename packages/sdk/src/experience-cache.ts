// A copy of the last experience (purposes, notice texts, states, what to ask) in storage, so a
// repeat visit draws the banner at once instead of after a round trip; the API's answer then
// reconciles it (boot.ts). What to ask is planned again from the copy's states at read time,
// with the same rule as the API (@assent/policy `planAsk`), so a decision made on the last visit
// never brings the banner back for a moment.
import type { ConsentStateView, Experience } from '@assent/contract/types';
import { type ConsentState, planAsk } from '@assent/policy';
import { toRule } from './core/decisions.ts';
import { type KeyValueStorage, readJson, writeJson } from './core/storage.ts';

export const EXPERIENCE_KEY = 'assent:experience';
/** Bumped when the stored shape changes; an older copy is ignored. */
const VERSION = 1;

interface Stored {
  v: number;
  property: string;
  locale: string;
  exp: Experience;
}

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

function toState(v: ConsentStateView): ConsentState {
  return { ...v, decidedAt: ms(v.decidedAt), expiresAt: ms(v.expiresAt) };
}

/**
 * The stored experience for this property and locale with `ask` planned for `now` (epoch ms),
 * or null when there is none (first visit), it is for another property or locale, or corrupt.
 */
export function readExperience(
  storage: KeyValueStorage,
  property: string,
  locale: string,
  now: number,
): Experience | null {
  const s = readJson<Stored | null>(storage, EXPERIENCE_KEY, null);
  if (s?.v !== VERSION || s.property !== property || s.locale !== locale) return null;
  const exp = s.exp;
  if (!Array.isArray(exp?.purposes) || !exp.property || !exp.gpc) return null;
  try {
    const ask = planAsk(
      exp.purposes.map((p) => ({ ...toRule(p), refusalQuietDays: p.refusalQuietDays ?? 0 })),
      new Map(exp.purposes.map((p) => [p.key, toState(p.state)])),
      now,
    );
    return { ...exp, ask };
  } catch {
    return null;
  }
}

/** Stores `exp` with `states` (what holds now, pending decisions included) as its purposes' states. */
export function writeExperience(
  storage: KeyValueStorage,
  property: string,
  locale: string,
  exp: Experience,
  states: Readonly<Record<string, ConsentStateView | undefined>>,
): void {
  const purposes = exp.purposes.map((p) => ({ ...p, state: states[p.key] ?? p.state }));
  const stored: Stored = { v: VERSION, property, locale, exp: { ...exp, purposes } };
  writeJson(storage, EXPERIENCE_KEY, stored);
}
