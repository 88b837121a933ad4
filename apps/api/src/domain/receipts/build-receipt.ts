// Consent receipts (REQUIREMENTS P3, P4): per consent event, a JSON record with the ISO/IEC
// TS 27560 fields (header, principal, parties, processing, notice, event) and W3C DPV
// statuses, signed as a compact JWS (EdDSA/Ed25519; Kantara Consent Receipt v1.1 spirit).
import type { SignedReceiptBody } from '@assent/contract';
import { type Db, schema } from '@assent/db';
import {
  type ConsentSource,
  consentState,
  type Decision,
  dpvDecisionStatus,
  dpvStatus,
} from '@assent/policy';
import { and, eq, inArray, lt } from 'drizzle-orm';
import { CompactSign } from 'jose';
import type { Keyring } from '../../security/keyring.ts';
import type { NoticeContent } from '../notices.ts';
import { toRule } from '../properties.ts';
import { localCategories } from '../purpose-view.ts';
import { historySubjects } from '../subjects.ts';
import { activeSigningKey, RECEIPT_ALG } from './signing-keys.ts';

export interface ReceiptOptions {
  /** `config.receiptSigningKey` (private Ed25519 JWK JSON); unset = the stored/generated key. */
  signingKey?: string | undefined;
  /** `config.publicUrl`, for the notice and withdrawal links (relative links without it). */
  publicUrl?: string | undefined;
  /** epoch ms; the time the receipt is issued and the current state is computed at. */
  now?: number;
  /** Seals a new signing key and opens the stored one (`deps.keyring`). */
  keyring: Keyring;
}

const iso = (d: Date) => d.toISOString();

/**
 * Builds and signs the receipt of one consent event.
 * @param opts `keyring` (required) opens the signing key; see `ReceiptOptions`.
 * @returns `{ receipt, jws, kid }` (the JWS payload is the receipt's JSON), or null when no
 *   such event exists. Callers check that the asking person owns the event.
 */
export async function buildReceipt(
  db: Db,
  eventId: string,
  opts: ReceiptOptions,
): Promise<SignedReceiptBody | null> {
  const now = opts.now ?? Date.now();
  const base = (opts.publicUrl ?? '').replace(/\/$/, '');
  const [row] = await db
    .select({
      event: schema.consentEvents,
      purpose: schema.purposes,
      notice: schema.notices,
      property: schema.properties,
      mergedInto: schema.subjects.mergedInto,
    })
    .from(schema.consentEvents)
    .innerJoin(schema.purposes, eq(schema.purposes.id, schema.consentEvents.purposeId))
    .innerJoin(schema.notices, eq(schema.notices.id, schema.consentEvents.noticeId))
    .innerJoin(schema.properties, eq(schema.properties.id, schema.consentEvents.propertyId))
    .innerJoin(schema.subjects, eq(schema.subjects.id, schema.consentEvents.subjectId))
    .where(eq(schema.consentEvents.id, eventId))
    .limit(1);
  if (!row) return null;
  const { event, purpose, notice, property } = row;
  const owner = row.mergedInto ?? event.subjectId;
  const history = await historySubjects(db, owner);
  const [earlierGrant] = await db
    .select({ id: schema.consentEvents.id })
    .from(schema.consentEvents)
    .where(
      and(
        inArray(schema.consentEvents.subjectId, history),
        eq(schema.consentEvents.purposeId, purpose.id),
        eq(schema.consentEvents.decision, 'granted'),
        lt(schema.consentEvents.collectedAt, event.collectedAt),
      ),
    )
    .limit(1);
  const current = await currentState(db, owner, purpose, now);
  const content = notice.content as unknown as NoticeContent;
  const receipt: SignedReceiptBody['receipt'] = {
    header: {
      schemaVersion: 'assent-receipt/1',
      standard: 'ISO/IEC TS 27560:2023',
      recordId: event.id,
      issuedAt: iso(new Date(now)),
    },
    principal: { id: owner, actor: event.actor as 'subject' | 'guardian' | 'system' },
    parties: {
      controller: content.controller ?? property.controller,
      recipients: purpose.recipients,
    },
    processing: {
      purpose: {
        key: purpose.key,
        title: content.title,
        category: purpose.category,
        legalBasis: purpose.legalBasis,
        sensitive: purpose.sensitive,
        separateConsent: purpose.separateConsent,
      },
      piiCategories: localCategories(purpose.dataCategories, notice.locale),
      retention: { days: purpose.retentionDays, text: content.retention },
      jurisdiction: event.jurisdiction,
      storage: {
        location: 'Assent consent ledger (append-only)',
        jurisdiction: property.jurisdiction,
      },
    },
    notice: {
      id: notice.id,
      version: notice.version,
      language: event.locale,
      sha256: event.noticeHash,
      url: `${base}/v1/notices/${notice.id}?key=${encodeURIComponent(property.publishableKey)}`,
    },
    event: {
      time: iso(event.collectedAt),
      type: event.decision as Decision,
      state: dpvDecisionStatus(event.decision as Decision, earlierGrant !== undefined),
      validity: {
        from: iso(event.collectedAt),
        until: event.expiresAt ? iso(event.expiresAt) : null,
      },
      source: event.source as ConsentSource,
      surface: event.surface,
      gpc: event.gpc,
    },
    current: { ...current, asOf: iso(new Date(now)) },
    withdrawal: {
      method:
        content.rights ??
        'Withdraw at any time, as easily as you consented: "Privacy choices" on the site, or the privacy portal.',
      url: `${base}/portal/`,
    },
  };
  const signer = await activeSigningKey(db, opts.signingKey, now, opts.keyring);
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(receipt)))
    .setProtectedHeader({ alg: RECEIPT_ALG, kid: signer.kid, typ: 'assent-receipt+jws' })
    .sign(signer.key);
  return { receipt, jws, kid: signer.kid };
}

/** What holds now for the owner × purpose, as a DPV status. */
async function currentState(
  db: Db,
  owner: string,
  purpose: typeof schema.purposes.$inferSelect,
  now: number,
): Promise<{ state: string; effective: boolean }> {
  const [last] = await db
    .select()
    .from(schema.consentStates)
    .where(
      and(
        eq(schema.consentStates.subjectId, owner),
        eq(schema.consentStates.purposeId, purpose.id),
      ),
    );
  const versions = await db
    .select({ version: schema.notices.version, material: schema.notices.material })
    .from(schema.notices)
    .where(eq(schema.notices.purposeId, purpose.id));
  const state = consentState(
    toRule(purpose),
    last
      ? {
          decision: last.decision as Decision,
          decidedAt: last.decidedAt.getTime(),
          expiresAt: last.expiresAt?.getTime() ?? null,
          noticeVersion: last.noticeVersion,
          source: last.source as ConsentSource,
          gpc: last.gpc,
        }
      : null,
    {
      version: Math.max(0, ...versions.map((v) => v.version)),
      materialVersion: Math.max(0, ...versions.filter((v) => v.material).map((v) => v.version)),
    },
    now,
  );
  return { state: dpvStatus(state.status), effective: state.effective };
}
