// The keyring of the app handling the current request or job, for domain functions whose
// signatures predate encryption (subjects.ts). Set by createApp for every request; jobs and
// commands use `withKeyring`. An explicit keyring argument always wins.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Keyring } from './keyring.ts';

const scope = new AsyncLocalStorage<Keyring>();

/** Runs `fn` with `keyring` as the current keyring. */
export function withKeyring<T>(keyring: Keyring, fn: () => T): T {
  return scope.run(keyring, fn);
}

/**
 * The explicit keyring, else the current one.
 * @throws Error when there is neither (a caller outside a request must use `withKeyring`).
 */
export function currentKeyring(explicit?: Keyring): Keyring {
  const keyring = explicit ?? scope.getStore();
  if (!keyring) throw new Error('no keyring: pass deps.keyring or run inside withKeyring()');
  return keyring;
}

/** The explicit keyring, else the current one, else undefined (callers that can do without). */
export function optionalKeyring(explicit?: Keyring): Keyring | undefined {
  return explicit ?? scope.getStore();
}
