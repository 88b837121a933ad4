// What the "due for re-confirmation" section lists and sends, decided without the DOM: every
// purpose the API says is due (C8, C10), across properties, split into the ordinary ones that
// one action re-confirms and the separate-consent ones that keep their own dialog (C5, C6).
import type { PortalMe, PortalPurpose, ReconfirmInput } from '@assent/contract/types';
import type { MessageKey } from './i18n/messages.ts';

/** Why a purpose is due: its grant ends soon, has ended, or its notice changed materially. */
export type DueReason = 'expiring' | 'expired' | 'stale';

export interface DueItem {
  propertyId: string;
  propertyName: string;
  purpose: PortalPurpose;
  reason: DueReason;
}

/** The reason a due purpose is shown with. */
export function dueReason(p: Pick<PortalPurpose, 'state'>): DueReason {
  if (p.state.status === 'stale') return 'stale';
  if (p.state.status === 'expired') return 'expired';
  return 'expiring';
}

/** Message of a reason; `{date}` is the end of the term, `{from}`/`{to}` the notice versions. */
export function dueReasonKey(reason: DueReason): MessageKey {
  return `due.reason.${reason}`;
}

/**
 * Every due purpose of every property, in the API's order (`reconfirm` per property), split
 * into `ordinary` (re-confirmed together) and `separate` (sensitive, third-party, cross-border,
 * public: each through its own confirmation, never in bulk).
 */
export function dueItems(me: PortalMe): { ordinary: DueItem[]; separate: DueItem[] } {
  const ordinary: DueItem[] = [];
  const separate: DueItem[] = [];
  for (const { property, purposes, reconfirm } of me.properties) {
    for (const key of reconfirm) {
      const purpose = purposes.find((p) => p.key === key);
      if (!purpose || purpose.necessary) continue;
      const item = {
        propertyId: property.id,
        propertyName: property.name,
        purpose,
        reason: dueReason(purpose),
      };
      (purpose.separateConsent === null ? ordinary : separate).push(item);
    }
  }
  return { ordinary, separate };
}

/** The body of the one "re-confirm all" call: each ordinary item with the notice shown. */
export function reconfirmInput(items: readonly DueItem[], locale: string): ReconfirmInput {
  return {
    items: items
      .filter((i) => i.purpose.separateConsent === null)
      .map((i) => ({
        propertyId: i.propertyId,
        purpose: i.purpose.key,
        noticeId: i.purpose.notice.id,
      })),
    locale,
  };
}
