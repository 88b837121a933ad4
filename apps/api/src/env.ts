// Configuration, parsed once at start-up with zod and failing closed. Nothing else reads process.env.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type CoolingOffTable, coolingOffTable } from './domain/requests/cooling-off.ts';
import { deadlineTable } from './domain/requests/due-dates.ts';
import { DEFAULT_STATE_CACHE } from './domain/state-cache.ts';
import { DEV_MASTER_KEY, parseMasterKeys } from './security/master-keys.ts';

const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Postgres connection string; when unset Assent runs on embedded PGlite. */
  DATABASE_URL: z.string().url().optional(),
  /** PGlite data folder for the embedded default (default: `.assent/data` at the repository root). */
  ASSENT_DATA_DIR: z
    .string()
    .default(fileURLToPath(new URL('../../../.assent/data', import.meta.url))),
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  /** Public URL of this API (used in links and printed at start). */
  ASSENT_PUBLIC_URL: z.string().url().optional(),
  /** Seed the demo property on start (default on outside production). */
  ASSENT_SEED_DEMO: z.enum(['true', 'false']).optional(),
  /** Private Ed25519 JWK (JSON) signing consent receipts; unset = one is generated on first use. */
  ASSENT_RECEIPT_SIGNING_KEY: z
    .string()
    .refine(isEd25519PrivateJwk, 'a private Ed25519 JWK: {"kty":"OKP","crv":"Ed25519","x":…,"d":…}')
    .optional(),
  /** SMTP transport for portal mail (`smtp://user:pass@host:587`); unset = dev mailbox only. */
  SMTP_URL: z.string().url().optional(),
  /** Sender address of portal mail. */
  SMTP_FROM: z.string().default('Assent <no-reply@localhost>'),
  /** Days between an erasure request and the erasure itself; the customer may cancel meanwhile. */
  ASSENT_ERASURE_COOLING_OFF_DAYS: z.coerce.number().int().min(0).max(90).default(7),
  /** JSON per jurisdiction overriding the cooling-off days, e.g. `{"CN":3,"EU":14}`. */
  ASSENT_ERASURE_COOLING_OFF_BY_JURISDICTION: z.string().optional(),
  /** How long privacy request records are kept (days); at least 24 months (11 CCR §7101, R8). */
  ASSENT_REQUEST_RETENTION_DAYS: z.coerce.number().int().min(730).default(1095),
  /** Hours an export's download link stays valid. */
  ASSENT_EXPORT_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  /** JSON overriding request deadlines per jurisdiction (see domain/requests/due-dates.ts). */
  ASSENT_REQUEST_DEADLINES: z.string().optional(),
  /** Master key (base64, 32 bytes) wrapping the data keys; required in production. */
  ASSENT_MASTER_KEY: z.string().optional(),
  /** Comma-separated previous master keys, still accepted to unwrap until `keys rotate` ran. */
  ASSENT_PREVIOUS_MASTER_KEYS: z.string().default(''),
  /** `true` when a proxy in front sets X-Forwarded-Proto; production refuses plain HTTP otherwise. */
  ASSENT_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  /** Webhook receiving staff behaviour alerts (POST JSON). */
  ASSENT_ALERT_WEBHOOK_URL: z.string().url().optional(),
  /** Distinct customers one staff member may read per day before an alert (procedure §2.3). */
  ASSENT_STAFF_MAX_DAILY_SUBJECTS: z.coerce.number().int().min(1).default(50),
  /** Staff working hours `HH:MM-HH:MM` in ASSENT_STAFF_TIME_ZONE; sign-ins outside alert. */
  ASSENT_STAFF_WORKING_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/)
    .default('08:00-20:00'),
  /** IANA time zone of the working hours. */
  ASSENT_STAFF_TIME_ZONE: z.string().default('UTC'),
  /** Failed staff sign-ins (password or second factor) per address before it is locked. */
  ASSENT_STAFF_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  /** Minutes a staff address stays locked (also the window the failures are counted in). */
  ASSENT_STAFF_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(720).default(15),
  /** Rate-limit window of the public endpoints (seconds; sliding window). */
  ASSENT_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Widget reads (GET /v1/*) per window per property and truncated IP; 0 = no limit. */
  ASSENT_RATE_LIMIT_READS: z.coerce.number().int().min(0).default(1200),
  /** Widget writes (POST /v1/*) per window per property, truncated IP and device; 0 = no limit. */
  ASSENT_RATE_LIMIT_WRITES: z.coerce.number().int().min(0).default(120),
  /** Portal sign-in calls (/portal/api/sign-in/*), and apart step-up calls, per window per truncated IP; 0 = no limit. */
  ASSENT_RATE_LIMIT_SIGN_IN: z.coerce.number().int().min(0).default(20),
  /** Staff sign-in attempts (/admin/api/sign-in) per window per truncated IP; 0 = no limit. */
  ASSENT_RATE_LIMIT_STAFF_SIGN_IN: z.coerce.number().int().min(0).default(10),
  /** Run background jobs inside the API process (default); `false` when a separate worker runs them. */
  ASSENT_WORKER: z.enum(['true', 'false']).default('true'),
  /** Devices whose state the experience read keeps in memory (state-cache.ts); 0 = off. */
  ASSENT_STATE_CACHE_SIZE: z.coerce
    .number()
    .int()
    .min(0)
    .max(10_000_000)
    .default(DEFAULT_STATE_CACHE.maxEntries),
  /** Longest an entry of that cache is used (seconds); changes reach it sooner (NOTIFY). */
  ASSENT_STATE_CACHE_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(DEFAULT_STATE_CACHE.ttlMs / 1000),
  /** `true`: widget responses set the `assent_device` cookie and allow credentials (the widget's `serverCookie`). */
  ASSENT_DEVICE_COOKIE: z.enum(['true', 'false']).default('false'),
  /** Domain attribute of that cookie (e.g. `example.com` for an API at consent.example.com); unset = host-only. */
  ASSENT_COOKIE_DOMAIN: z
    .string()
    .regex(/^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$/i, 'a domain such as example.com')
    .optional(),
});

/** True for the JSON of a private Ed25519 JWK (consent receipt signing key). */
function isEd25519PrivateJwk(value: string): boolean {
  try {
    const jwk = JSON.parse(value) as Record<string, unknown>;
    return (
      jwk.kty === 'OKP' &&
      jwk.crv === 'Ed25519' &&
      typeof jwk.x === 'string' &&
      typeof jwk.d === 'string'
    );
  } catch {
    return false;
  }
}

export interface Config {
  /** Private Ed25519 JWK (JSON) for consent receipts, or undefined to generate one (P4). */
  receiptSigningKey: string | undefined;
  production: boolean;
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  publicUrl: string;
  seedDemo: boolean;
  /** Mail goes to the dev mailbox page and the server log; never in production. */
  devMailbox: boolean;
  /** Portal cookies carry `Secure` (off only for plain-HTTP localhost development). */
  secureCookies: boolean;
  /** SMTP transport URL and sender; without a URL mail goes to the dev mailbox (development only). */
  smtp: { url: string | undefined; from: string };
  /** Privacy requests (REQUIREMENTS R4, R5, R8). */
  requests: {
    /** Default cooling-off days (jurisdictions without their own entry). */
    coolingOffDays: number;
    /** Cooling-off days per jurisdiction, with `DEFAULT` (domain/requests/cooling-off.ts). */
    coolingOff: CoolingOffTable;
    retentionDays: number;
    /** ms */
    exportTtlMs: number;
    /** Raw JSON override of the deadline table, validated by `deadlineTable()`. */
    deadlines: string | undefined;
  };
  /** Keys, transport and staff controls (REQUIREMENTS S4-S6). */
  security: SecurityConfig;
  /** Public endpoint rate limits (counters in Postgres, shared by every API process). */
  rateLimit: {
    windowMs: number;
    reads: number;
    writes: number;
    signIn: number;
    staffSignIn: number;
  };
  /** Work the job queues in this API process (jobs/runner.ts); false = only enqueue. */
  worker: boolean;
  /**
   * The device cookie the API sets itself for a widget with `serverCookie: true` (server-set
   * cookies outlive Safari's 7-day cap on script-written ones); `domain` undefined = host-only.
   */
  deviceCookie: { enabled: boolean; domain: string | undefined };
  /** The experience read's device-state cache (state-cache.ts); `maxEntries` 0 turns it off. */
  stateCache: { maxEntries: number; ttlMs: number };
}

export interface SecurityConfig {
  /** base64 master key (the development key outside production when unset). */
  masterKey: string;
  /** Comma-separated previous master keys (base64). */
  previousMasterKeys: string;
  trustProxy: boolean;
  alertWebhookUrl: string | undefined;
  maxDailySubjects: number;
  /** Minutes after midnight in `timeZone`: [start, end). */
  workingHours: { start: number; end: number };
  timeZone: string;
  /** Staff sign-in lockout: `attempts` failures within `ms` lock the address for `ms`. */
  staffLockout: { attempts: number; ms: number };
}

/**
 * Parses configuration from an environment object.
 * @throws Error naming every invalid variable (the process should exit).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const publicUrl = e.ASSENT_PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  return {
    receiptSigningKey: e.ASSENT_RECEIPT_SIGNING_KEY,
    production,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.ASSENT_DATA_DIR,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    seedDemo: e.ASSENT_SEED_DEMO ? e.ASSENT_SEED_DEMO === 'true' : !production,
    devMailbox: !production,
    secureCookies: production || !/^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(publicUrl),
    smtp: { url: e.SMTP_URL, from: e.SMTP_FROM },
    requests: {
      coolingOffDays: e.ASSENT_ERASURE_COOLING_OFF_DAYS,
      coolingOff: requestTables(e),
      retentionDays: e.ASSENT_REQUEST_RETENTION_DAYS,
      exportTtlMs: e.ASSENT_EXPORT_TTL_HOURS * 3_600_000,
      deadlines: e.ASSENT_REQUEST_DEADLINES,
    },
    security: securityConfig(e, production),
    rateLimit: {
      windowMs: e.ASSENT_RATE_LIMIT_WINDOW_SECONDS * 1000,
      reads: e.ASSENT_RATE_LIMIT_READS,
      writes: e.ASSENT_RATE_LIMIT_WRITES,
      signIn: e.ASSENT_RATE_LIMIT_SIGN_IN,
      staffSignIn: e.ASSENT_RATE_LIMIT_STAFF_SIGN_IN,
    },
    worker: e.ASSENT_WORKER === 'true',
    stateCache: {
      maxEntries: e.ASSENT_STATE_CACHE_SIZE,
      ttlMs: e.ASSENT_STATE_CACHE_TTL_SECONDS * 1000,
    },
    deviceCookie: {
      enabled: e.ASSENT_DEVICE_COOKIE === 'true',
      domain: e.ASSENT_COOKIE_DOMAIN?.replace(/^\./, '').toLowerCase(),
    },
  };
}

/** Parses the per-jurisdiction request tables, so a bad override stops start-up (fail closed). */
function requestTables(e: z.infer<typeof Env>): CoolingOffTable {
  try {
    deadlineTable(e.ASSENT_REQUEST_DEADLINES);
  } catch (err) {
    throw new Error(
      `Invalid configuration:\n  ASSENT_REQUEST_DEADLINES: ${(err as Error).message}`,
    );
  }
  try {
    return coolingOffTable(
      e.ASSENT_ERASURE_COOLING_OFF_DAYS,
      e.ASSENT_ERASURE_COOLING_OFF_BY_JURISDICTION,
    );
  } catch (err) {
    throw new Error(
      `Invalid configuration:\n  ASSENT_ERASURE_COOLING_OFF_BY_JURISDICTION: ${(err as Error).message}`,
    );
  }
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** Security settings; production refuses a missing or development master key (S4). */
function securityConfig(e: z.infer<typeof Env>, production: boolean): SecurityConfig {
  if (production && (!e.ASSENT_MASTER_KEY || e.ASSENT_MASTER_KEY === DEV_MASTER_KEY))
    throw new Error('Invalid configuration:\n  ASSENT_MASTER_KEY: required in production');
  const masterKey = e.ASSENT_MASTER_KEY ?? DEV_MASTER_KEY;
  try {
    parseMasterKeys(masterKey, e.ASSENT_PREVIOUS_MASTER_KEYS);
  } catch (err) {
    throw new Error(`Invalid configuration:\n  ASSENT_MASTER_KEY: ${(err as Error).message}`);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: e.ASSENT_STAFF_TIME_ZONE });
  } catch {
    throw new Error('Invalid configuration:\n  ASSENT_STAFF_TIME_ZONE: unknown time zone');
  }
  const [start = '08:00', end = '20:00'] = e.ASSENT_STAFF_WORKING_HOURS.split('-');
  return {
    masterKey,
    previousMasterKeys: e.ASSENT_PREVIOUS_MASTER_KEYS,
    trustProxy: e.ASSENT_TRUST_PROXY === 'true',
    alertWebhookUrl: e.ASSENT_ALERT_WEBHOOK_URL,
    maxDailySubjects: e.ASSENT_STAFF_MAX_DAILY_SUBJECTS,
    workingHours: { start: minutes(start), end: minutes(end) },
    timeZone: e.ASSENT_STAFF_TIME_ZONE,
    staffLockout: {
      attempts: e.ASSENT_STAFF_LOCKOUT_ATTEMPTS,
      ms: e.ASSENT_STAFF_LOCKOUT_MINUTES * 60_000,
    },
  };
}
