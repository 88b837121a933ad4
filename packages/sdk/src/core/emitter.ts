// The widget's events. 'ready' and 'change' are sticky: a late subscriber is called at once
// with the current consent, so a page script never misses the state it needs to gate on.

/** Effective consent per purpose key: true only for a granted, unexpired, current grant. */
export type ConsentMap = Record<string, boolean>;

/** What the widget showed: the banner, the preferences dialog, or a separate-consent dialog. */
export type Surface = 'banner' | 'preferences' | 'separate';

export interface AssentEvents {
  ready: ConsentMap;
  change: ConsentMap;
  shown: Surface;
  error: Error;
}

export type AssentEventName = keyof AssentEvents;

export interface Emitter {
  /**
   * Subscribes; returns the unsubscribe function. For 'ready' and 'change', once the widget
   * is ready, `cb` is also called immediately with the current consent.
   */
  on<K extends AssentEventName>(name: K, cb: (payload: AssentEvents[K]) => void): () => void;
  emit<K extends AssentEventName>(name: K, payload: AssentEvents[K]): void;
}

/**
 * Creates an emitter. A throwing listener is reported on the console and does not stop the
 * others or the widget.
 * @param current  the consent to replay to late 'ready'/'change' subscribers
 */
export function createEmitter(current: () => ConsentMap): Emitter {
  const listeners = new Map<AssentEventName, Set<(payload: never) => void>>();
  let ready = false;
  const call = (cb: (payload: never) => void, payload: unknown): void => {
    try {
      cb(payload as never);
    } catch (err) {
      console.error('[assent] listener failed', err);
    }
  };
  return {
    on(name, cb) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(cb);
      if (ready && (name === 'ready' || name === 'change')) {
        call(cb, current());
      }
      return () => {
        set.delete(cb);
      };
    },
    emit(name, payload) {
      if (name === 'ready') ready = true;
      for (const cb of [...(listeners.get(name) ?? [])]) {
        call(cb, payload);
      }
    },
  };
}
