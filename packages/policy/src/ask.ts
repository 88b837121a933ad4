// What to ask now: nothing when nothing is due (REQUIREMENTS C10, C11).
import { type ConsentState, DAY_MS, REMINDER_WINDOW_DAYS } from './state.ts';
import type { PurposeRule } from './types.ts';

export interface AskPlan {
  /** Show the first-layer banner: some ordinary purpose was never decided, or its refusal's quiet period is over. */
  banner: boolean;
  /** Ordinary or separate purposes whose grant ends soon, has expired, or whose notice changed materially. */
  reconfirm: string[];
  /** Separate-consent purposes never decided; asked just in time by the product, never by the banner. */
  separatePending: string[];
}

/**
 * Decides what the widget asks on load.
 * @param states  current state per purpose key (from `consentState`)
 * @param now     epoch ms
 * @param reminderDays  days before a grant's end in which to ask again (default 30)
 */
export function planAsk(
  purposes: readonly PurposeRule[],
  states: ReadonlyMap<string, ConsentState>,
  now: number,
  reminderDays = REMINDER_WINDOW_DAYS,
): AskPlan {
  const plan: AskPlan = { banner: false, reconfirm: [], separatePending: [] };
  for (const p of purposes) {
    if (p.necessary) continue;
    const s = states.get(p.key);
    const status = s?.status ?? 'unset';
    if (status === 'unset') {
      if (p.separateConsent) plan.separatePending.push(p.key);
      else plan.banner = true;
    } else if (status === 'expired' || status === 'stale') {
      plan.reconfirm.push(p.key);
    } else if (status === 'granted') {
      if (s?.expiresAt != null && s.expiresAt - now <= reminderDays * DAY_MS) {
        plan.reconfirm.push(p.key);
      }
    } else if (!p.separateConsent && s?.decidedAt != null) {
      // denied / withdrawn: quiet until the refusal's quiet period is over (C11).
      if (now - s.decidedAt >= p.refusalQuietDays * DAY_MS) plan.banner = true;
    }
  }
  return plan;
}

/**
 * May a refusal be re-asked now? False inside the purpose's quiet period (C11).
 * The API enforces this for banner re-prompts; a person's own action (preferences, portal) is always allowed.
 */
export function mayReask(purpose: PurposeRule, state: ConsentState, now: number): boolean {
  if (state.status !== 'denied' && state.status !== 'withdrawn') return true;
  return state.decidedAt === null || now - state.decidedAt >= purpose.refusalQuietDays * DAY_MS;
}
