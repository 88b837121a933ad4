// Key-value storage that never throws: localStorage when the browser allows it, else memory.
// Safari private mode, sandboxed iframes and blocked third-party storage all throw on access.

/** The small synchronous storage the core reads and writes (string values, like Web Storage). */
export interface KeyValueStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/** Web Storage's shape, so tests can pass a throwing or fake one. */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * An in-memory storage; lost on reload. Used when Web Storage is blocked, and in tests.
 * @returns a fresh, empty storage
 */
export function memoryStorage(): KeyValueStorage {
  const map = new Map<string, string>();
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, value) => {
      map.set(key, value);
    },
    remove: (key) => {
      map.delete(key);
    },
  };
}

function defaultWebStorage(): WebStorageLike | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    // Reading `window.localStorage` itself throws when storage is blocked.
    return undefined;
  }
}

/**
 * Storage backed by `web` (default `localStorage`) that falls back to memory when the backing
 * store is missing, throws on a probe write, or starts throwing later (quota, policy change).
 * Never throws. SSR-safe: touches nothing at import.
 * @param web  the Web Storage to use; `undefined` means `globalThis.localStorage` if present
 */
export function safeStorage(
  web: WebStorageLike | undefined = defaultWebStorage(),
): KeyValueStorage {
  const memory = memoryStorage();
  let backing: WebStorageLike | undefined = web;
  try {
    backing?.setItem('assent:probe', '1');
    backing?.removeItem('assent:probe');
  } catch {
    backing = undefined;
  }
  return {
    get(key) {
      try {
        if (backing) return backing.getItem(key);
      } catch {
        backing = undefined;
      }
      return memory.get(key);
    },
    set(key, value) {
      memory.set(key, value);
      try {
        backing?.setItem(key, value);
      } catch {
        backing = undefined;
      }
    },
    remove(key) {
      memory.remove(key);
      try {
        backing?.removeItem(key);
      } catch {
        backing = undefined;
      }
    },
  };
}

/**
 * Reads a JSON value written by `writeJson`; a missing or corrupt entry gives `fallback`.
 * @param key  storage key such as `assent:queue`
 */
export function readJson<T>(storage: KeyValueStorage, key: string, fallback: T): T {
  const raw = storage.get(key);
  if (raw === null) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

/** Writes `value` as JSON under `key`; never throws (see `safeStorage`). */
export function writeJson(storage: KeyValueStorage, key: string, value: unknown): void {
  storage.set(key, JSON.stringify(value));
}
