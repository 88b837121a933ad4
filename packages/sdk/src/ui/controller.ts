// Which layer of the widget is open. DOM-free, so the public API can drive it before mount.
import type { Emitter } from '../core/emitter.ts';

/** A decision waiting for the age question or the guardian's confirmation (C12). */
export interface AgeRequest {
  step: 'ask' | 'guardian';
  /** Records the decision; `guardian` when the parent or guardian confirmed it. */
  run(guardian: boolean): void;
  /** The grants it holds (the guardian step is shown only when one needs a guardian). */
  grants: string[];
}

export interface UiState {
  banner: boolean;
  preferences: boolean;
  /** Purpose key whose separate-consent dialog is open. */
  separate: string | null;
  /** The age question or guardian confirmation on top of the layer that asked for it. */
  age: AgeRequest | null;
}

export interface UiController {
  state(): UiState;
  /** Changes what is open; emits 'shown' for each layer that opens. */
  set(patch: Partial<UiState>): void;
  subscribe(fn: () => void): () => void;
  /** Opens the separate dialog for `purpose`; resolves with the answer when it closes. */
  askSeparate(purpose: string): Promise<boolean>;
  /** Closes the separate dialog, settling pending `askSeparate` calls with `granted`. */
  closeSeparate(granted: boolean): void;
  /** Opens preferences; resolves when they close. */
  openPreferences(): Promise<void>;
}

/** Creates the controller; `events` receives 'shown'. */
export function createUiController(events: Emitter): UiController {
  let state: UiState = { banner: false, preferences: false, separate: null, age: null };
  const subscribers = new Set<() => void>();
  let separateWaiters: ((granted: boolean) => void)[] = [];
  let prefsWaiters: (() => void)[] = [];

  const controller: UiController = {
    state: () => state,
    set(patch) {
      const before = state;
      state = { ...state, ...patch };
      if (state.banner && !before.banner) events.emit('shown', 'banner');
      if (state.preferences && !before.preferences) events.emit('shown', 'preferences');
      if (state.separate && state.separate !== before.separate) events.emit('shown', 'separate');
      if (!state.preferences && before.preferences) {
        for (const w of prefsWaiters) w();
        prefsWaiters = [];
      }
      for (const fn of subscribers) fn();
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => {
        subscribers.delete(fn);
      };
    },
    askSeparate(purpose) {
      if (state.separate && state.separate !== purpose) controller.closeSeparate(false);
      return new Promise((resolve) => {
        separateWaiters.push(resolve);
        controller.set({ separate: purpose });
      });
    },
    closeSeparate(granted) {
      const waiters = separateWaiters;
      separateWaiters = [];
      controller.set({ separate: null });
      for (const w of waiters) w(granted);
    },
    openPreferences() {
      return new Promise((resolve) => {
        prefsWaiters.push(resolve);
        controller.set({ preferences: true });
      });
    },
  };
  return controller;
}
