// The experience answer (contract `Experience`) as UTF-8 JSON. Everything in it but the device's
// state, what to ask and GPC depends only on the property's configuration and the locale, so
// that part is serialized once per configuration version and locale and reused: on the hot
// read, building and serializing the 7 KB of purposes and notices was the largest item of work
// left after the database round trip.
import type { AskPlan, ConsentState } from '@assent/policy';
import { stateView } from './consents.ts';
import { ageGateOf } from './minors.ts';
import { type LoadedPurpose, noticeFor, type PropertyRow } from './properties.ts';
import { purposeFixedView } from './purpose-view.ts';

/** The parts of an answer fixed by the configuration version and the locale, as UTF-8 JSON. */
interface FixedParts {
  /** The property row it was built from (a row read again is a new object). */
  property: PropertyRow;
  /** `{"property":…,"purposes":[` */
  head: Buffer;
  /** Each purpose with a notice in this locale: its view without `state` and without the closing brace. */
  purposes: { key: string; open: Buffer }[];
  /** The `age` value and the closing brace of the answer. */
  age: Buffer;
}

/**
 * Per cached purpose list (one per property and configuration version, see `purposesFor`):
 * locale → fixed parts. A new configuration version brings a new purpose list, so stale parts
 * are never served and are collected with the list they were built from.
 */
const fixedCache = new WeakMap<readonly LoadedPurpose[], Map<string, FixedParts>>();

function fixedParts(
  property: PropertyRow,
  purposes: readonly LoadedPurpose[],
  locale: string,
): FixedParts {
  let byLocale = fixedCache.get(purposes);
  if (!byLocale) {
    byLocale = new Map();
    fixedCache.set(purposes, byLocale);
  }
  const hit = byLocale.get(locale);
  if (hit && hit.property === property) return hit;
  const built: FixedParts = {
    property,
    head: Buffer.from(
      `{"property":${JSON.stringify({
        id: property.id,
        name: property.name,
        locale,
        locales: property.locales,
        controller: property.controller,
      })},"purposes":[`,
    ),
    purposes: purposes.flatMap((p) => {
      const notice = noticeFor(p, locale, property.defaultLocale);
      if (!notice) return [];
      const json = JSON.stringify({
        ...purposeFixedView(p, notice),
        refusalQuietDays: p.rule.refusalQuietDays,
      });
      return [{ key: p.row.key, open: Buffer.from(json.slice(0, -1)) }];
    }),
    age: Buffer.from(`${JSON.stringify(ageGateOf(property, purposes))}}`),
  };
  byLocale.set(locale, built);
  return built;
}

/**
 * The `GET /v1/experience` answer as UTF-8 JSON (contract `Experience`): the property, each
 * purpose that has a notice for `locale` (the notice in `locale`, its language, or the
 * property's default) with the device's state, what to ask now, GPC, and the age gate (C12).
 * A purpose without a state in `states` is left out, as is one without any notice.
 * Treats `purposes` as the read-only list `purposesFor` caches.
 */
export function experienceJson(
  property: PropertyRow,
  purposes: readonly LoadedPurpose[],
  locale: string,
  dynamic: {
    states: ReadonlyMap<string, ConsentState>;
    ask: AskPlan;
    gpc: { honoured: boolean; optedOut: string[] };
  },
): Buffer {
  const fixed = fixedParts(property, purposes, locale);
  const parts: Buffer[] = [fixed.head];
  for (const p of fixed.purposes) {
    const state = dynamic.states.get(p.key);
    if (!state) continue;
    if (parts.length > 1) parts.push(COMMA);
    parts.push(p.open, Buffer.from(`,"state":${JSON.stringify(stateView(state))}}`));
  }
  parts.push(
    Buffer.from(
      `],"ask":${JSON.stringify(dynamic.ask)},"gpc":${JSON.stringify(dynamic.gpc)},"age":`,
    ),
    fixed.age,
  );
  // One copy into memory outside the JavaScript heap: a string answer would be flattened,
  // then encoded again when written (about 15 KB of garbage per read, and the GC pauses
  // that come with it).
  return Buffer.concat(parts);
}

const COMMA = Buffer.from(',');
