// Google Consent Mode v2: every mapped consent type is pushed `denied` as the default the
// moment the widget runs (before a tag can read it), then updated on each decision.
import type { ConsentMap } from './emitter.ts';

/** The Consent Mode v2 types a purpose may drive. */
export type ConsentType =
  | 'ad_storage'
  | 'ad_user_data'
  | 'ad_personalization'
  | 'analytics_storage'
  | 'functionality_storage'
  | 'personalization_storage'
  | 'security_storage';

/** Purpose key → the consent types it grants. A type granted by any mapped purpose is granted. */
export type ConsentModeMap = Record<string, ConsentType[]>;

/** Where gtag-style commands go (`window` with its `dataLayer`). */
export interface DataLayerHost {
  dataLayer?: unknown[];
}

/**
 * Pushes a gtag command exactly as `gtag()` does: an `arguments` object, which is what
 * gtag.js and Google Tag Manager read from `dataLayer` (a plain array means something else).
 */
function gtag(host: DataLayerHost, args: unknown[]): void {
  const layer = host.dataLayer || [];
  host.dataLayer = layer;
  (function push() {
    // biome-ignore lint/complexity/noArguments: gtag.js only recognises Arguments objects
    layer.push(arguments);
  }).apply(undefined, args as never);
}

/** Each mapped type → 'granted' | 'denied' for `consent` (all denied when `consent` is null). */
export function consentTypes(
  map: ConsentModeMap,
  consent: ConsentMap | null,
): Record<string, 'granted' | 'denied'> {
  const out: Record<string, 'granted' | 'denied'> = {};
  for (const [purpose, types] of Object.entries(map)) {
    for (const type of types) {
      if (out[type] !== 'granted') out[type] = consent?.[purpose] ? 'granted' : 'denied';
    }
  }
  return out;
}

/**
 * Consent Mode for `map`. `setDefault()` must run synchronously at start;
 * `update(consent)` after load and on every change.
 */
export function createConsentMode(host: DataLayerHost, map: ConsentModeMap) {
  return {
    setDefault(): void {
      gtag(host, ['consent', 'default', { ...consentTypes(map, null), wait_for_update: 500 }]);
    },
    update(consent: ConsentMap): void {
      gtag(host, ['consent', 'update', consentTypes(map, consent)]);
    },
  };
}
