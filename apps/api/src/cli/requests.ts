// `pnpm assent requests …`: the operator's side of privacy requests (R5, R6): list open ones
// with their due dates, reject one with a reason, or give up on a data provider's call.
import { schema } from '@assent/db';
import { asc, inArray } from 'drizzle-orm';
import type { CliContext } from '../cli.ts';
import { markCallFailed } from '../domain/requests/providers.ts';
import { OPEN_STATUSES, transition } from '../domain/requests/requests.ts';

export const summary =
  'requests list | reject <id> <reason…> | fail-provider <requestId> <providerId>';

/** @returns 0 on success, 2 on a usage error */
export async function run(args: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  const { db } = await ctx.database();
  const operator = 'cli';
  if (sub === 'list') {
    const rows = await db
      .select()
      .from(schema.privacyRequests)
      .where(inArray(schema.privacyRequests.status, OPEN_STATUSES))
      .orderBy(asc(schema.privacyRequests.dueAt));
    for (const r of rows) {
      const late = r.dueAt.getTime() < ctx.now() ? ' OVERDUE' : '';
      ctx.out(
        `${r.id} ${r.type.padEnd(13)} ${r.status.padEnd(11)} due ${r.dueAt.toISOString()}${late}`,
      );
    }
    if (rows.length === 0) ctx.out('No open requests.');
    return 0;
  }
  if (sub === 'reject' && rest.length >= 2) {
    const [id, ...words] = rest;
    await db.transaction((tx) =>
      transition(
        tx,
        id ?? '',
        'rejected',
        { actor: { type: 'staff', id: operator }, reason: words.join(' ') },
        ctx.now(),
      ),
    );
    ctx.out(`Rejected ${id}; the customer sees the reason and the complaint route.`);
    return 0;
  }
  if (sub === 'fail-provider' && rest.length === 2) {
    const [requestId, providerId] = rest;
    await markCallFailed(db, requestId ?? '', providerId ?? '', operator, ctx.now());
    ctx.out(`Marked ${providerId} failed on ${requestId}; the request can now complete.`);
    return 0;
  }
  ctx.out(`Usage: pnpm assent ${summary}`);
  return 2;
}
