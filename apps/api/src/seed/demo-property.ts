// The demo shop's property, described in apps/demo/assent.config.json (five consent purposes
// that exercise the domain, plus a necessary one; notices in en and zh-CN). Development only:
// its keys are public on purpose.
import { readFileSync } from 'node:fs';
import type { PropertyConfigInput } from '../domain/property-config.ts';

export const DEMO_PUBLISHABLE_KEY = 'pk_demo_shop';
/** Public development secret key for the demo's backend calls; real keys come from `pnpm assent keys create`. */
export const DEMO_SECRET_KEY = 'sk_demo_shop_development_only_000000000001';
/** Public development secret; a real property's secret is generated and kept out of code. */
export const DEMO_IDENTITY_SECRET = 'demo-identity-secret-not-for-production-0001';

/** Path of the demo property's configuration file. */
export const DEMO_CONFIG_FILE = new URL('../../../demo/assent.config.json', import.meta.url);

let cached: string | undefined;

/** Demo property configuration (a fresh copy each call); `origins` are the demo shop's URLs. */
export function demoPropertyConfig(origins: string[]): PropertyConfigInput {
  cached ??= readFileSync(DEMO_CONFIG_FILE, 'utf8');
  const config = JSON.parse(cached) as PropertyConfigInput;
  return { ...config, allowedOrigins: origins };
}
