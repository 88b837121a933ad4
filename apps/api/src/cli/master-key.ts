// `pnpm assent master-key status | generate | rotate | split [--shares 3 --threshold 2] | combine <share>…`:
// the master key that wraps the data keys (procedure §2.1; REQUIREMENTS S4). Rotation re-wraps
// every data key under ASSENT_MASTER_KEY (old keys listed in ASSENT_PREVIOUS_MASTER_KEYS keep
// unwrapping meanwhile); split/combine hold its backup under dual control (Shamir shares).
import { randomBytes } from 'node:crypto';
import { schema } from '@assent/db';
import type { CliContext } from '../cli.ts';
import { recordAudit } from '../domain/audit.ts';
import { combineMasterKey, splitMasterKey } from '../security/key-shares.ts';
import { openKeyring } from '../security/keyring.ts';
import { parseMasterKeys } from '../security/master-keys.ts';
import { rotateMasterKey } from '../security/rotation.ts';
import { encryptStoredSecrets } from '../security/stored-secrets.ts';
import { option } from './audit.ts';

export const summary =
  'master-key status | generate | rotate | split [--shares 3 --threshold 2] | combine <share>…';

/** @returns 0 on success, 1 on failure, 2 on wrong usage */
export async function run(args: string[], ctx: CliContext): Promise<number> {
  const [verb, ...rest] = args;
  const masters = parseMasterKeys(
    ctx.config.security.masterKey,
    ctx.config.security.previousMasterKeys,
  );
  const audit = async (action: string, details: Record<string, unknown>) => {
    const { db } = await ctx.database();
    const now = ctx.now();
    await db.transaction((tx) =>
      recordAudit(tx, { actor: { type: 'system', id: 'cli' }, action, details }, now),
    );
  };
  if (verb === 'generate') {
    ctx.out(randomBytes(32).toString('base64'));
    return 0;
  }
  if (verb === 'status') {
    const { db } = await ctx.database();
    const rows = await db.select().from(schema.dataKeys);
    ctx.out(
      `Current master key ${masters[0]?.id}; previous: ${
        masters
          .slice(1)
          .map((m) => m.id)
          .join(', ') || 'none'
      }`,
    );
    for (const r of rows)
      ctx.out(
        `${r.id}  ${r.purpose}  wrapped by ${r.masterKeyId}${r.masterKeyId === masters[0]?.id ? '' : '  (to rotate)'}`,
      );
    return 0;
  }
  if (verb === 'rotate') {
    const { db } = await ctx.database();
    try {
      const report = await rotateMasterKey(db, masters, ctx.now, (done, total) =>
        ctx.out(`re-wrapped ${done}/${total}`),
      );
      // Secrets still in plain text (written before encryption) go under the keyring too.
      const converted = await encryptStoredSecrets(
        db,
        await openKeyring(db, masters, ctx.now()),
        ctx.now(),
      );
      if (converted.properties + converted.receiptSigningKeys > 0)
        ctx.out(
          `Encrypted ${converted.properties} identity secrets and ${converted.receiptSigningKeys} receipt keys stored in plain text.`,
        );
      ctx.out(
        `Done: ${report.rotated} data keys re-wrapped under ${report.masterKeyId}, ${report.alreadyCurrent} were current. Previous master keys can now leave ASSENT_PREVIOUS_MASTER_KEYS.`,
      );
      return 0;
    } catch (err) {
      ctx.out(`Rotation stopped: ${(err as Error).message}. Re-run once fixed; it resumes.`);
      return 1;
    }
  }
  if (verb === 'split') {
    const shares = Number(option(rest, 'shares') ?? 3);
    const threshold = Number(option(rest, 'threshold') ?? 2);
    const [current] = masters;
    if (!current) return 1;
    const lines = await splitMasterKey(current, shares, threshold);
    ctx.out(
      `Master key ${current.id} split into ${shares} shares; any ${threshold} restore it. Give each to a different person:`,
    );
    for (const l of lines) ctx.out(l);
    await audit('key.split', { masterKeyId: current.id, shares, threshold });
    return 0;
  }
  if (verb === 'combine' && rest.length > 0) {
    try {
      const { base64, id } = await combineMasterKey(rest);
      ctx.out(`Restored master key ${id}. Set it as ASSENT_MASTER_KEY:`);
      ctx.out(base64);
      await audit('key.combine', { masterKeyId: id, shares: rest.length });
      return 0;
    } catch (err) {
      ctx.out(`Cannot restore: ${(err as Error).message}.`);
      return 1;
    }
  }
  ctx.out(`Usage: pnpm assent ${summary}`);
  return 2;
}
