// @assent/sdk/core: the headless core for teams that draw their own UI: `createCore` (load,
// decide, outbox, events), the decision helpers, storage, device id, locale, expressions.
// No DOM at import, no UI. Budget: 5 KB min+gzip for all of it (scripts/size.mjs). Gating,
// Consent Mode and cookie helpers are in the main entry.
export { ApiError, type Client, createClient, type FetchLike } from './core/client.ts';
export {
  type ConsentCore,
  type CoreOptions,
  createCore,
  type Origin,
} from './core/consent-core.ts';
export {
  acceptAllDrafts,
  bannerScope,
  type DecisionDraft,
  isEffective,
  preferencesDrafts,
  rejectAllDrafts,
  separateDraft,
  separateNoticeProblems,
  withdrawDraft,
} from './core/decisions.ts';
export { type CookieJar, deviceId, documentCookies } from './core/device.ts';
export type { AssentEventName, AssentEvents, ConsentMap, Surface } from './core/emitter.ts';
export { evaluate } from './core/expression.ts';
export { resolveLocale } from './core/locale.ts';
export { type KeyValueStorage, memoryStorage, safeStorage } from './core/storage.ts';
