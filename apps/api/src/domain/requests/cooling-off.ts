// The cooling-off period of an erasure per jurisdiction (REQUIREMENTS R4; a business setting,
// not a statutory one): days between the request and the erasure, during which the customer
// may cancel. Keyed like the due-date table: a jurisdiction's own entry, else `EU` for an EU
// member state, `US-CA` for `CA`, else `DEFAULT` (ASSENT_ERASURE_COOLING_OFF_DAYS, 7 days).
import { z } from 'zod';
import { jurisdictionKey } from './due-dates.ts';

const DAY_MS = 86_400_000;

/** Jurisdiction → days (0-90). */
const Override = z.record(z.string().min(1).max(16), z.number().int().min(0).max(90));
export type CoolingOffTable = Record<string, number>;

/**
 * The cooling-off table: `DEFAULT` = `defaultDays`, then the per-jurisdiction JSON override
 * (ASSENT_ERASURE_COOLING_OFF_BY_JURISDICTION, e.g. `{"CN":3,"EU":14}`).
 * @throws Error when the override is not a JSON object of whole days 0-90 (fail closed at start).
 */
export function coolingOffTable(
  defaultDays: number,
  override: string | undefined,
): CoolingOffTable {
  if (!override) return { DEFAULT: defaultDays };
  let json: unknown;
  try {
    json = JSON.parse(override);
  } catch {
    throw new Error('not valid JSON');
  }
  const parsed = Override.safeParse(json);
  if (!parsed.success)
    throw new Error(`a JSON object of jurisdiction → whole days 0-90: ${parsed.error.message}`);
  return { DEFAULT: defaultDays, ...parsed.data };
}

/** Days of cooling-off for a property's jurisdiction (`CN`, `DE`, `US-CA`…). */
export function coolingOffDays(table: CoolingOffTable, jurisdiction: string): number {
  return table[jurisdictionKey(table, jurisdiction)] ?? table.DEFAULT ?? 7;
}

/** When an erasure requested at `now` (epoch ms) may run, for a property's jurisdiction. */
export function erasureExecuteAfter(
  table: CoolingOffTable,
  jurisdiction: string,
  now: number,
): number {
  return now + coolingOffDays(table, jurisdiction) * DAY_MS;
}
