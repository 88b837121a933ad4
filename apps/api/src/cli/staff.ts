// `pnpm assent staff create --email <e> --name <n> --role <role> [--password <p>] | list |
// disable <id> | enable <id>`: staff accounts (REQUIREMENTS S5), the same operations as the
// admin API's /admin/api/staff routes. The TOTP enrolment URI, the recovery codes and a
// generated password are printed once; hand them over in person.
import { randomBytes } from 'node:crypto';
import { schema } from '@assent/db';
import type { CliContext } from '../cli.ts';
import { createStaffMember } from '../domain/staff.ts';
import { setStaffDisabled } from '../domain/staff-accounts.ts';
import { ROLE_NAMES } from '../domain/staff-roles.ts';
import { ApiError } from '../errors.ts';
import { keyringFromConfig } from '../security/keyring.ts';
import { option } from './audit.ts';

export const summary = `staff create --email <e> --name <n> --role <${ROLE_NAMES.join('|')}> [--password <p>] | list | disable <id> | enable <id>`;

/** @returns 0 on success, 1 when refused, 2 on wrong usage */
export async function run(args: string[], ctx: CliContext): Promise<number> {
  const [verb, ...rest] = args;
  const database = await ctx.database();
  if (verb === 'create') {
    const email = option(rest, 'email');
    const name = option(rest, 'name');
    const role = option(rest, 'role');
    if (!email || !name || !role) {
      ctx.out(`Usage: pnpm assent ${summary}`);
      return 2;
    }
    const given = option(rest, 'password');
    const password = given ?? randomBytes(18).toString('base64url');
    const keyring = await keyringFromConfig(database.db, ctx.config.security, ctx.now());
    try {
      const out = await createStaffMember(
        database.db,
        keyring,
        { email, name, role, password },
        { type: 'system', id: 'cli' },
        ctx.now(),
      );
      ctx.out(`Created ${out.id} (${role}).`);
      if (!given) ctx.out(`Password (shown once): ${password}`);
      ctx.out(`Add to the authenticator app: ${out.totpUri}`);
      ctx.out('Recovery codes (each works once):');
      for (const code of out.recoveryCodes) ctx.out(`  ${code}`);
      return 0;
    } catch (err) {
      if (err instanceof ApiError) {
        ctx.out(err.message);
        return 1;
      }
      throw err;
    }
  }
  if (verb === 'list') {
    const rows = await database.db.select().from(schema.staffMembers);
    for (const r of rows)
      ctx.out(
        `${r.id}  ${r.role}  ${r.email}${r.suspendedAt ? '  (data access suspended)' : ''}${r.disabledAt ? '  (disabled)' : ''}`,
      );
    return 0;
  }
  const [id] = rest;
  if ((verb === 'disable' || verb === 'enable') && id) {
    try {
      const after = await setStaffDisabled(
        database.db,
        { type: 'system', id: 'cli' },
        id,
        verb === 'disable',
        ctx.now(),
      );
      ctx.out(`${after.id} ${after.disabledAt ? 'disabled (sessions ended)' : 'enabled'}.`);
      return 0;
    } catch (err) {
      if (err instanceof ApiError) {
        ctx.out(err.message);
        return 1;
      }
      throw err;
    }
  }
  ctx.out(`Usage: pnpm assent ${summary}`);
  return 2;
}
