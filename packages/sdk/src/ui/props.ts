// What every widget component receives.
import type { Experience } from '@assent/contract/types';
import type { ConsentCore } from '../core/consent-core.ts';
import type { AgeStore } from './age-gate.ts';
import type { UiController } from './controller.ts';
import type { Strings } from './strings.ts';

export interface UiProps {
  core: ConsentCore;
  ui: UiController;
  t: Strings;
  exp: Experience;
  /** The age band this device declared (C12). */
  age: AgeStore;
}

/** Reports a failed decision on the widget's 'error' event (the UI has no other channel). */
export function report(core: ConsentCore, pending: Promise<unknown>): void {
  pending.catch((err: unknown) =>
    core.events.emit('error', err instanceof Error ? err : new Error(String(err))),
  );
}
