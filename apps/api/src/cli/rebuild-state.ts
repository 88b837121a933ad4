// `pnpm assent rebuild-state [--apply]`: recomputes every consent state row from the events
// and reports the differences; `--apply` repairs them (REQUIREMENTS P2).
import type { CliContext } from '../cli.ts';
import { diffStates, rebuildStates } from '../domain/state-rebuild.ts';

export const summary =
  'rebuild-state [--apply]: compare (and repair) consent states with the events';

/** @returns 0 when the projection matches (or was repaired), 1 when differences remain */
export async function run(args: string[], ctx: CliContext): Promise<number> {
  const apply = args.includes('--apply');
  const { db } = await ctx.database();
  const diff = apply
    ? await rebuildStates(db, { type: 'system', id: 'cli' }, ctx.now())
    : await diffStates(db);
  for (const d of diff.slice(0, 200))
    ctx.out(
      `${d.kind.padEnd(9)} ${d.subjectId} ${d.purposeId}${d.columns.length ? ` (${d.columns.join(', ')})` : ''}`,
    );
  if (diff.length > 200) ctx.out(`… and ${diff.length - 200} more`);
  if (diff.length === 0) ctx.out('The consent state projection matches the events.');
  else if (apply) ctx.out(`Repaired ${diff.length} row(s).`);
  else ctx.out(`${diff.length} difference(s); run with --apply to repair.`);
  return diff.length === 0 || apply ? 0 : 1;
}
