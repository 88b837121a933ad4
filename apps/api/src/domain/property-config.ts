// A property described as configuration (the `AssentConfig` schema in @assent/contract), and
// its idempotent application to the database: unchanged notice text keeps its version;
// changed text publishes a new version; old versions stay readable.
import { randomBytes } from 'node:crypto';
import { AssentConfig, type AssentConfigInput, type AssentConfigParsed } from '@assent/contract';
import { type Db, databaseOf, newId, schema } from '@assent/db';
import { and, eq } from 'drizzle-orm';
import type { Keyring } from '../security/keyring.ts';
import { identitySecretAad } from '../security/stored-secrets.ts';
import { type AuditEntry, recordAudit } from './audit.ts';
import { noticeHash } from './notices.ts';
import { stateChanged } from './state-cache.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type PurposeConfig = AssentConfigParsed['purposes'][number];

/** The configuration as written (see packages/contract/schema/assent.config.schema.json). */
export type PropertyConfigInput = AssentConfigInput;

export interface ApplyReport {
  propertyId: string;
  created: boolean;
  /** Set only when a new property got a generated identity secret: show it once. */
  generatedIdentitySecret: string | null;
  /** One entry per purpose: its current notice version and whether this run published it. */
  notices: { purpose: string; version: number; published: boolean; material: boolean }[];
}

/**
 * Creates or updates a property from configuration, in one transaction.
 * Notices: when any locale's text hash changed, a new version is published in every locale
 * (the same version number means the same notice everywhere); earlier versions stay.
 * The stored text carries the controller and contact, so the exact notice is self-contained
 * (PIPL 17; GDPR 13; REQUIREMENTS C7).
 * With `opts.actor` an audit event `property.configure` is written in the same transaction.
 * The identity secret is stored encrypted with `opts.keyring` (`deps.keyring`; without one it
 * is stored as given and encrypted at the next start-up, see security/stored-secrets.ts).
 * Nothing falls back to an ambient keyring: pass it explicitly whenever one exists.
 * @throws ZodError when the configuration is invalid (see `formatConfigIssues`).
 */
export async function applyConfig(
  db: Db,
  input: PropertyConfigInput,
  opts: { now?: number; actor?: AuditEntry['actor']; keyring?: Keyring } = {},
): Promise<ApplyReport> {
  const cfg = AssentConfig.parse(input);
  const now = opts.now ?? Date.now();
  const ring = opts.keyring;
  const report = await db.transaction(async (tx): Promise<ApplyReport> => {
    const [existing] = await tx
      .select()
      .from(schema.properties)
      .where(eq(schema.properties.publishableKey, cfg.publishableKey));
    const propertyId = existing?.id ?? newId('prop', now);
    const generated =
      !existing && !cfg.identitySecret ? randomBytes(32).toString('base64url') : null;
    const given = cfg.identitySecret ?? generated;
    const sealed = given && ring ? await ring.encrypt(given, identitySecretAad(propertyId)) : given;
    const values = {
      name: cfg.name,
      identitySecret: sealed ?? existing?.identitySecret ?? '',
      allowedOrigins: cfg.allowedOrigins,
      defaultLocale: cfg.defaultLocale,
      locales: cfg.locales,
      jurisdiction: cfg.jurisdiction,
      controller: cfg.controller,
    };
    if (existing)
      await tx.update(schema.properties).set(values).where(eq(schema.properties.id, propertyId));
    else
      await tx
        .insert(schema.properties)
        .values({ id: propertyId, publishableKey: cfg.publishableKey, ...values });
    const notices: ApplyReport['notices'] = [];
    for (const [position, p] of cfg.purposes.entries()) {
      const purposeId = await upsertPurpose(tx, propertyId, p, position);
      notices.push({ purpose: p.key, ...(await publishNotices(tx, purposeId, p, cfg, now)) });
    }
    if (opts.actor) {
      await recordAudit(
        tx,
        {
          actor: opts.actor,
          action: 'property.configure',
          target: propertyId,
          details: { created: !existing, notices },
        },
        now,
      );
    }
    return { propertyId, created: !existing, generatedIdentitySecret: generated, notices };
  });
  // Running API processes read the new configuration version at their next experience read
  // (state-cache.ts keeps the version with each device's state).
  const database = databaseOf(db);
  if (database) await stateChanged(database, { all: true });
  return report;
}

/**
 * Creates or updates a property from configuration (see `applyConfig`).
 * @param keyring encrypts the identity secret (`deps.keyring`); optional, as in `applyConfig`.
 * @returns the property id.
 */
export async function applyPropertyConfig(
  db: Db,
  input: PropertyConfigInput,
  keyring?: Keyring,
): Promise<string> {
  return (await applyConfig(db, input, keyring ? { keyring } : {})).propertyId;
}

async function upsertPurpose(
  tx: Tx,
  propertyId: string,
  p: PurposeConfig,
  position: number,
): Promise<string> {
  const values = {
    legalBasis: p.legalBasis,
    category: p.category,
    necessary: p.necessary,
    sensitive: p.sensitive,
    sensitiveCategory: p.sensitiveCategory ?? null,
    minimumAge: p.minimumAge ?? null,
    separateConsent: p.separateConsent,
    gpcOptOut: p.gpcOptOut,
    reconfirmAfterDays: p.reconfirmAfterDays ?? (p.separateConsent === 'sensitive' ? 180 : 365),
    refusalQuietDays: p.refusalQuietDays ?? (p.gpcOptOut ? 365 : 180),
    retentionDays: p.retentionDays,
    dataCategories: p.dataCategories,
    recipients: p.recipients,
    position,
  };
  const [found] = await tx
    .select({ id: schema.purposes.id })
    .from(schema.purposes)
    .where(and(eq(schema.purposes.propertyId, propertyId), eq(schema.purposes.key, p.key)));
  if (found) {
    await tx.update(schema.purposes).set(values).where(eq(schema.purposes.id, found.id));
    return found.id;
  }
  const id = newId('pur');
  await tx.insert(schema.purposes).values({ id, propertyId, key: p.key, ...values });
  return id;
}

/** Publishes a new notice version in every locale when any locale's exact text changed. */
async function publishNotices(
  tx: Tx,
  purposeId: string,
  p: PurposeConfig,
  cfg: AssentConfigParsed,
  now: number,
): Promise<{ version: number; published: boolean; material: boolean }> {
  const texts = Object.entries(p.notices).map(([locale, n]) => {
    const content = { ...n, controller: n.controller ?? cfg.controller };
    return { locale, content, hash: noticeHash(content) };
  });
  const published = await tx
    .select()
    .from(schema.notices)
    .where(eq(schema.notices.purposeId, purposeId));
  const latest = Math.max(0, ...published.map((n) => n.version));
  const changed = texts.some(({ locale, hash }) => {
    const current = published
      .filter((n) => n.locale === locale)
      .sort((a, b) => b.version - a.version)[0];
    return current?.contentHash !== hash;
  });
  if (!changed) {
    const material = published.find((n) => n.version === latest)?.material ?? true;
    return { version: latest, published: false, material };
  }
  const version = latest + 1;
  const material = latest === 0 ? true : p.material;
  await tx.insert(schema.notices).values(
    texts.map(({ locale, content, hash }) => ({
      id: newId('ntc', now),
      purposeId,
      locale,
      version,
      material,
      content,
      contentHash: hash,
      publishedAt: new Date(now),
    })),
  );
  return { version, published: true, material };
}
