// `pnpm assent apply` and `pnpm assent keys` against a real database.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, schema } from '@assent/db';
import { createTestDb } from '@assent/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { CliContext } from '../cli.ts';
import { loadConfig } from '../env.ts';
import { secretKeyHash } from '../middleware/secret-key.ts';
import { DEMO_CONFIG_FILE } from '../seed/demo-property.ts';
import { run as apply } from './apply.ts';
import { run as keys } from './keys.ts';

let database: Database & { dispose(): Promise<void> };
const dir = mkdtempSync(join(tmpdir(), 'assent-apply-'));
beforeAll(async () => {
  database = await createTestDb();
});
afterAll(() => database.dispose());

function cli(): CliContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    config: loadConfig({ NODE_ENV: 'test' }),
    database: async () => database,
    out: (l) => lines.push(l),
    now: () => Date.parse('2026-01-01T00:00:00Z'),
  };
}

const demo = () => JSON.parse(readFileSync(DEMO_CONFIG_FILE, 'utf8'));
function write(name: string, content: string) {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('pnpm assent apply', () => {
  it('applies the demo file, and re-applying it is idempotent (no new notice versions)', async () => {
    const first = cli();
    expect(await apply([DEMO_CONFIG_FILE.pathname], first)).toBe(0);
    expect(first.lines[0]).toMatch(/^Created property prop_/);
    expect(first.lines).toContainEqual(
      expect.stringMatching(/analytics\s+published v1 \(material\)/),
    );
    const again = cli();
    expect(await apply([DEMO_CONFIG_FILE.pathname], again)).toBe(0);
    expect(again.lines[0]).toMatch(/^Updated property/);
    expect(again.lines.slice(1).every((l) => l.includes('unchanged v1'))).toBe(true);
    const audit = await database.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'property.configure'));
    expect(audit).toHaveLength(2);
    // S1: the identity secret is stored encrypted, never as written in the file.
    const [property] = await database.db.select().from(schema.properties);
    expect(property?.identitySecret).toMatch(/^enc1:dk_/);
    expect(property?.identitySecret).not.toContain(demo().identitySecret);
  });

  it('C8: changed text publishes a new version (material as marked); the old one stays', async () => {
    const cfg = demo();
    const analytics = cfg.purposes.find((p: { key: string }) => p.key === 'analytics');
    analytics.notices.en.retention = 'Usage events: 14 months.';
    analytics.material = false;
    const out = cli();
    expect(await apply([write('changed.yaml', stringify(cfg))], out)).toBe(0);
    expect(out.lines).toContainEqual(expect.stringMatching(/analytics\s+published v2$/));
    expect(out.lines).toContainEqual(expect.stringMatching(/marketing_email\s+unchanged v1/));
    const [purpose] = await database.db
      .select()
      .from(schema.purposes)
      .where(eq(schema.purposes.key, 'analytics'));
    const notices = await database.db
      .select()
      .from(schema.notices)
      .where(eq(schema.notices.purposeId, purpose?.id ?? ''));
    expect(notices.map((n) => [n.locale, n.version, n.material]).sort()).toEqual([
      ['en', 1, true],
      ['en', 2, false],
      ['zh-CN', 1, true],
      ['zh-CN', 2, false],
    ]);
  });

  it('C6/C7: an invalid file is refused with lines naming the file, the path and the problem', async () => {
    const cfg = demo();
    delete cfg.purposes[4].notices.en.impact;
    delete cfg.purposes[1].notices['zh-CN'].rights;
    const out = cli();
    expect(await apply([write('assent.config.json', JSON.stringify(cfg))], out)).toBe(1);
    expect(out.lines).toEqual([
      'assent.config.json: purposes[1].notices.zh-CN.rights: Invalid input: expected string, received undefined',
      "assent.config.json: purposes[4].notices.en.impact: a sensitive purpose's notice must state the impact on rights (PIPL 30)",
    ]);
    const broken = cli();
    expect(await apply([write('broken.json', '{"name": ')], broken)).toBe(1);
    expect(broken.lines[0]).toMatch(/^broken\.json: not valid JSON/);
    const yaml = cli();
    expect(await apply([write('broken.yaml', 'name: [unclosed\n')], yaml)).toBe(1);
    expect(yaml.lines[0]).toMatch(/^broken\.yaml:\d+: /);
    expect(await apply([], cli())).toBe(2);
  });

  it('reads a .ts file exporting the configuration as default', async () => {
    const cfg = { ...demo(), publishableKey: 'pk_ts_config', identitySecret: undefined };
    const path = write('assent.config.ts', `export default ${JSON.stringify(cfg)};\n`);
    const out = cli();
    expect(await apply([path], out)).toBe(0);
    expect(out.lines[0]).toMatch(/^Created property/);
    // No identity secret in the file: one is generated and shown once.
    expect(out.lines.at(-1)).toMatch(/^ {2}[A-Za-z0-9_-]{43}$/);
  });
});

describe('pnpm assent keys', () => {
  it('creates a secret key shown once (only its hash is stored), lists and revokes it', async () => {
    const out = cli();
    expect(await keys(['create', 'pk_demo_shop', 'shop', 'backend'], out)).toBe(0);
    const key = out.lines[1]?.trim() ?? '';
    expect(key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    const [row] = await database.db
      .select()
      .from(schema.apiKeys)
      .where(eq(schema.apiKeys.keyHash, secretKeyHash(key)));
    expect(row).toMatchObject({ name: 'shop backend', revokedAt: null });
    const list = cli();
    await keys(['list', 'pk_demo_shop'], list);
    expect(list.lines.join('\n')).not.toContain(key);
    expect(list.lines[0]).toContain(`${row?.id}  ${key.slice(0, 10)}…  shop backend  active`);
    expect(await keys(['revoke', row?.id ?? ''], cli())).toBe(0);
    expect(await keys(['revoke', row?.id ?? ''], cli())).toBe(1);
    expect(await keys(['create', 'pk_nobody', 'x'], cli())).toBe(1);
    expect(await keys(['create'], cli())).toBe(2);
  });
});
