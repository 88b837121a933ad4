// `pnpm assent audit verify | export --from <date> --to <date> [--out <file>] | verify-file <file>`:
// walk the hash chain and name the first broken link; export a date range as NDJSON with its
// chain proofs for auditors, and re-check such a file (procedure §2.3; REQUIREMENTS S7).
import { createWriteStream, readFileSync } from 'node:fs';
import type { CliContext } from '../cli.ts';
import { recordAudit, verifyAuditChain } from '../domain/audit.ts';
import { exportAuditLines, verifyAuditExport } from '../security/audit-export.ts';

export const summary =
  'audit verify | export --from <date> --to <date> [--out file] | verify-file <file>';

/** `--name value` options of an argument list. */
export function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** @returns 0 when the chain (or file) verifies, 1 when it is broken, 2 on wrong usage */
export async function run(args: string[], ctx: CliContext): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === 'verify') {
    const { db } = await ctx.database();
    const verdict = await verifyAuditChain(db);
    if (verdict.ok) {
      ctx.out(`Audit chain intact: ${verdict.checked} events verified.`);
      return 0;
    }
    const { seq, id, reason } = verdict.brokenAt;
    ctx.out(
      `Audit chain BROKEN at seq ${seq} (${id}): ${reason === 'content' ? 'the row was edited' : 'the link to the previous row is wrong'}. ${verdict.checked} events before it verify.`,
    );
    return 1;
  }
  if (verb === 'export') {
    const from = Date.parse(option(rest, 'from') ?? '');
    const to = Date.parse(option(rest, 'to') ?? '');
    if (Number.isNaN(from) || Number.isNaN(to) || to <= from) {
      ctx.out('Give --from and --to as ISO dates, --from before --to.');
      return 2;
    }
    const { db } = await ctx.database();
    const out = option(rest, 'out');
    const file = out ? createWriteStream(out) : null;
    let events = -2;
    for await (const line of exportAuditLines(db, from, to)) {
      if (file) file.write(`${line}\n`);
      else ctx.out(line);
      events++;
    }
    if (file) await new Promise<void>((resolve) => file.end(resolve));
    const now = ctx.now();
    await db.transaction((tx) =>
      recordAudit(
        tx,
        {
          actor: { type: 'system', id: 'cli' },
          action: 'audit.export',
          target: `${new Date(from).toISOString()}/${new Date(to).toISOString()}`,
          details: { events },
        },
        now,
      ),
    );
    if (file) ctx.out(`Exported ${events} events to ${out}.`);
    return 0;
  }
  if (verb === 'verify-file' && rest[0]) {
    const verdict = verifyAuditExport(readFileSync(rest[0], 'utf8').split('\n'));
    ctx.out(
      verdict.ok
        ? `Export intact: ${verdict.count} events.`
        : `Export BROKEN at line ${verdict.line}: ${verdict.reason}.`,
    );
    return verdict.ok ? 0 : 1;
  }
  ctx.out(`Usage: pnpm assent ${summary}`);
  return 2;
}
