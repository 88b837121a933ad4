// @assent/sdk: the consent widget's public surface for bundlers (the script build adds
// auto-start from its <script> tag; see embed.ts).
export { type Assent, type AssentConfig, startAssent } from './boot.ts';
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
export type { AssentEventName, AssentEvents, ConsentMap, Surface } from './core/emitter.ts';
export { activateScripts } from './core/gate.ts';
export { resolveLocale } from './core/locale.ts';
export { type KeyValueStorage, memoryStorage, safeStorage } from './core/storage.ts';
export { type AssentApi, type AssentWindow, createPublicApi, installGlobal } from './public-api.ts';
export { STRINGS, type Strings, SUPPORTED_LOCALES } from './ui/strings.ts';
