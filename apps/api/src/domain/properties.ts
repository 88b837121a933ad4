// Properties and their purposes/notices as the consent routes read them.
import { type Db, schema } from '@assent/db';
import type { PurposeRule, SeparateConsentKind } from '@assent/policy';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { NoticeContent } from './notices.ts';

export type PropertyRow = typeof schema.properties.$inferSelect;
export type PurposeRow = typeof schema.purposes.$inferSelect;
export type NoticeRow = typeof schema.notices.$inferSelect;

/** A purpose with its rule view and every published notice, newest first. */
export interface LoadedPurpose {
  row: PurposeRow;
  rule: PurposeRule;
  notices: NoticeRow[];
  /** Highest version and highest material version across locales. */
  version: number;
  materialVersion: number;
}

/** Configuration version (property_config_versions) of property rows read with one. */
const configVersions = new WeakMap<PropertyRow, number>();
/** Per database: property id → purposes loaded at a configuration version. */
const purposeCache = new WeakMap<
  Db,
  Map<string, { version: number; purposes: Promise<LoadedPurpose[]> }>
>();
/** Per database: publishable key → the property row last read with its version. */
const propertyCache = new WeakMap<Db, Map<string, PropertyRow>>();
/** Bound on cached properties per database (the map is simply cleared when it is reached). */
const CACHE_MAX = 10_000;

/** The property-by-key query, built once per database (drizzle prepared statement). */
const byKeyStatements = new WeakMap<Db, ReturnType<typeof byKeyStatement>>();
function byKeyStatement(db: Db) {
  return db
    .select({ property: schema.properties, version: schema.propertyConfigVersions.version })
    .from(schema.properties)
    .leftJoin(
      schema.propertyConfigVersions,
      eq(schema.propertyConfigVersions.propertyId, schema.properties.id),
    )
    .where(eq(schema.properties.publishableKey, sql.placeholder('key')))
    .limit(1)
    .prepare('assent_property_by_key');
}

function cacheOf<V>(map: WeakMap<Db, Map<string, V>>, db: Db): Map<string, V> {
  let cache = map.get(db);
  if (!cache) {
    cache = new Map();
    map.set(db, cache);
  }
  return cache;
}

/**
 * Finds a property by its publishable key together with its configuration version, in one
 * query (prepared once per database); `purposesFor()` then serves the purposes from a cache
 * valid for that version. Also refreshes the row `propertyByKeyCached()` serves.
 */
export async function propertyByKeyVersioned(
  db: Db,
  publishableKey: string,
): Promise<PropertyRow | null> {
  let statement = byKeyStatements.get(db);
  if (!statement) {
    statement = byKeyStatement(db);
    byKeyStatements.set(db, statement);
  }
  const [row] = await statement.execute({ key: publishableKey });
  const cache = cacheOf(propertyCache, db);
  if (!row) {
    cache.delete(publishableKey);
    return null;
  }
  configVersions.set(row.property, Number(row.version ?? 0));
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(publishableKey, row.property);
  return row.property;
}

/**
 * The property of a publishable key as last read in this process (no query), else read with
 * `propertyByKeyVersioned`. The row may be older than the database: a caller serving it must
 * compare `configVersionOf(row)` with the version it reads in its own query (see
 * `deviceStateAt`) and read the property again when they differ. Unknown keys are not cached.
 */
export async function propertyByKeyCached(
  db: Db,
  publishableKey: string,
): Promise<PropertyRow | null> {
  return (
    propertyCache.get(db)?.get(publishableKey) ?? (await propertyByKeyVersioned(db, publishableKey))
  );
}

/** The configuration version a property row was read at; undefined for a row read otherwise. */
export function configVersionOf(property: PropertyRow): number | undefined {
  return configVersions.get(property);
}

/**
 * The purposes of a property as `loadPurposes()` returns them, cached per process and keyed by
 * the property's configuration version (read with the property by `propertyByKeyVersioned`,
 * bumped by a trigger in the transaction of any change of the property, its purposes or
 * notices), so N replicas never serve a stale configuration as long as the version they hold
 * is current. A property row read any other way is loaded fresh. Treat the result as
 * read-only: it is shared between requests.
 */
export function purposesFor(db: Db, property: PropertyRow): Promise<LoadedPurpose[]> {
  const version = configVersions.get(property);
  if (version === undefined) return loadPurposes(db, property.id);
  const byProperty = cacheOf(purposeCache, db);
  const hit = byProperty.get(property.id);
  if (hit && hit.version === version) return hit.purposes;
  if (byProperty.size >= CACHE_MAX) byProperty.clear();
  const purposes = loadPurposes(db, property.id);
  const entry = { version, purposes };
  byProperty.set(property.id, entry);
  // A failed load is not cached.
  purposes.catch(() => {
    if (byProperty.get(property.id) === entry) byProperty.delete(property.id);
  });
  return purposes;
}

/** The property-by-secret-key query, built once per database (drizzle prepared statement). */
const bySecretStatements = new WeakMap<Db, ReturnType<typeof bySecretStatement>>();
function bySecretStatement(db: Db) {
  return db
    .select({ property: schema.properties, version: schema.propertyConfigVersions.version })
    .from(schema.apiKeys)
    .innerJoin(schema.properties, eq(schema.properties.id, schema.apiKeys.propertyId))
    .leftJoin(
      schema.propertyConfigVersions,
      eq(schema.propertyConfigVersions.propertyId, schema.properties.id),
    )
    .where(
      and(eq(schema.apiKeys.keyHash, sql.placeholder('hash')), isNull(schema.apiKeys.revokedAt)),
    )
    .limit(1)
    .prepare('assent_property_by_secret_key');
}

/**
 * The property of a live (not revoked) secret key, by the key's SHA-256 hash, with its
 * configuration version (so `purposesFor()` serves its purposes from the cache); one prepared
 * query. Null for an unknown or revoked key.
 */
export async function propertyBySecretKeyHash(
  db: Db,
  keyHash: string,
): Promise<PropertyRow | null> {
  let statement = bySecretStatements.get(db);
  if (!statement) {
    statement = bySecretStatement(db);
    bySecretStatements.set(db, statement);
  }
  const [row] = await statement.execute({ hash: keyHash });
  if (!row) return null;
  configVersions.set(row.property, Number(row.version ?? 0));
  return row.property;
}

/** Finds a property by its publishable key, or null. */
export async function propertyByKey(db: Db, publishableKey: string): Promise<PropertyRow | null> {
  const [row] = await db
    .select()
    .from(schema.properties)
    .where(eq(schema.properties.publishableKey, publishableKey))
    .limit(1);
  return row ?? null;
}

/** The rule view of a purpose row. */
export function toRule(p: PurposeRow): PurposeRule {
  return {
    key: p.key,
    necessary: p.necessary,
    separateConsent: (p.separateConsent as SeparateConsentKind | null) ?? null,
    gpcOptOut: p.gpcOptOut,
    reconfirmAfterDays: p.reconfirmAfterDays,
    refusalQuietDays: p.refusalQuietDays,
  };
}

/** Loads the purposes of a property (ordered by `position`) with all their notices; two queries. */
export async function loadPurposes(db: Db, propertyId: string): Promise<LoadedPurpose[]> {
  const rows = await db
    .select()
    .from(schema.purposes)
    .where(eq(schema.purposes.propertyId, propertyId))
    .orderBy(schema.purposes.position);
  if (rows.length === 0) return [];
  const notices = await db
    .select()
    .from(schema.notices)
    .where(
      inArray(
        schema.notices.purposeId,
        rows.map((r) => r.id),
      ),
    );
  return rows.map((row) => {
    const own = notices.filter((n) => n.purposeId === row.id).sort((a, b) => b.version - a.version);
    return {
      row,
      rule: toRule(row),
      notices: own,
      version: own[0]?.version ?? 0,
      materialVersion: Math.max(0, ...own.filter((n) => n.material).map((n) => n.version)),
    };
  });
}

/**
 * The notice to show for a locale: the newest version in `xx-YY`, else `xx`, else the
 * property's default locale, else any.
 */
export function noticeFor(p: LoadedPurpose, locale: string, fallback: string): NoticeRow | null {
  const candidates = [locale, locale.split('-')[0], fallback];
  for (const l of candidates) {
    const n = p.notices.find((x) => x.locale.toLowerCase() === l?.toLowerCase());
    if (n) return n;
  }
  return p.notices[0] ?? null;
}

/** Picks the locale to serve: the requested one if the property has it (or its language), else the default. */
export function resolveLocale(property: PropertyRow, requested: string | undefined): string {
  if (requested) {
    const exact = property.locales.find((l) => l.toLowerCase() === requested.toLowerCase());
    if (exact) return exact;
    const lang = requested.split('-')[0]?.toLowerCase();
    const partial = property.locales.find((l) => l.split('-')[0]?.toLowerCase() === lang);
    if (partial) return partial;
  }
  return property.defaultLocale;
}

/** Notice content as stored (jsonb) typed for views. */
export function contentOf(n: NoticeRow): NoticeContent {
  return n.content as unknown as NoticeContent;
}

/** Finds one notice by id among a purpose's notices. */
export async function noticeById(db: Db, purposeId: string, noticeId: string) {
  const [row] = await db
    .select()
    .from(schema.notices)
    .where(and(eq(schema.notices.id, noticeId), eq(schema.notices.purposeId, purposeId)))
    .limit(1);
  return row ?? null;
}

/** Finds a property by id, or null. */
export async function propertyById(db: Db, id: string): Promise<PropertyRow | null> {
  const [row] = await db
    .select()
    .from(schema.properties)
    .where(eq(schema.properties.id, id))
    .limit(1);
  return row ?? null;
}
