// `pnpm assent apply <file>`: creates or updates a property from its configuration file.
// Idempotent: unchanged notice text keeps its version; changed text publishes a new one.
import type { CliContext } from '../cli.ts';
import { ConfigFileError, loadConfigFile } from '../domain/config-file.ts';
import { applyConfig } from '../domain/property-config.ts';
import { keyringFromConfig } from '../security/keyring.ts';
import { encryptStoredSecrets } from '../security/stored-secrets.ts';

export const summary =
  'apply <file>: create or update a property from assent.config.json|.yaml|.ts (idempotent)';

/** @returns 0 when applied, 1 when the file is invalid, 2 on wrong usage */
export async function run(args: string[], ctx: CliContext): Promise<number> {
  const [file] = args;
  if (!file) {
    ctx.out('Usage: pnpm assent apply <assent.config.json|.yaml|.ts>');
    return 2;
  }
  let config: Awaited<ReturnType<typeof loadConfigFile>>;
  try {
    config = await loadConfigFile(file);
  } catch (err) {
    if (!(err instanceof ConfigFileError)) throw err;
    for (const line of err.problems) ctx.out(line);
    return 1;
  }
  const { db } = await ctx.database();
  // The identity secret is stored encrypted; older plain secrets are converted on the way.
  const keyring = await keyringFromConfig(db, ctx.config.security, ctx.now());
  const report = await applyConfig(db, config, {
    now: ctx.now(),
    actor: { type: 'system', id: 'cli' },
    keyring,
  });
  await encryptStoredSecrets(db, keyring, ctx.now());
  ctx.out(`${report.created ? 'Created' : 'Updated'} property ${report.propertyId}.`);
  for (const n of report.notices) {
    const what = n.published
      ? `published v${n.version}${n.material ? ' (material)' : ''}`
      : `unchanged v${n.version}`;
    ctx.out(`  ${n.purpose.padEnd(24)} ${what}`);
  }
  if (report.generatedIdentitySecret) {
    ctx.out('Identity secret (sign identity tokens with it; shown once, keep it secret):');
    ctx.out(`  ${report.generatedIdentitySecret}`);
  }
  return 0;
}
