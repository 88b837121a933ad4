// Pure rules of the requests page: which words a request gets, what can still be done with it.
import type { PrivacyRequest } from '@assent/contract/types';
import type { MessageKey } from './i18n/messages.ts';

/** The type's words, e.g. `type.access` → "Copy of my data". */
export const typeKey = (r: Pick<PrivacyRequest, 'type'>): MessageKey => `type.${r.type}`;
/** The status words, e.g. `rstatus.in_progress` → "In progress". */
export const statusKey = (r: Pick<PrivacyRequest, 'status'>): MessageKey => `rstatus.${r.status}`;

const EVENT_KEYS = new Set<string>([
  'received',
  'verified',
  'in_progress',
  'completed',
  'rejected',
  'cancelled',
  'export_ready',
  'provider_answered',
  'provider_failed',
  'overdue',
  'lifted',
]);

/** Words of a timeline entry; unknown kinds show as "Work started" rather than a raw code. */
export function eventKey(kind: string): MessageKey {
  return (EVENT_KEYS.has(kind) ? `event.${kind}` : 'event.in_progress') as MessageKey;
}

/** An erasure can be cancelled while it waits out its cooling-off. */
export function cancellable(
  r: Pick<PrivacyRequest, 'type' | 'status' | 'executeAfter'>,
  now: number,
): boolean {
  return (
    r.type === 'erasure' &&
    r.status === 'verified' &&
    r.executeAfter !== null &&
    Date.parse(r.executeAfter) > now
  );
}

/** True while some access request is still being built (the page then refreshes itself). */
export function building(requests: readonly Pick<PrivacyRequest, 'type' | 'status'>[]): boolean {
  return requests.some(
    (r) => r.type === 'access' && (r.status === 'verified' || r.status === 'in_progress'),
  );
}

/** A restriction in force, which the customer may lift (GDPR 18). */
export function liftable(r: Pick<PrivacyRequest, 'type' | 'status'>): boolean {
  return (
    r.type === 'restriction' &&
    (r.status === 'verified' || r.status === 'in_progress' || r.status === 'completed')
  );
}
