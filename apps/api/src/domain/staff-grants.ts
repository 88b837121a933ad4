// Permission changes (procedure §2.2; REQUIREMENTS S5): temporary grants with an end time,
// revocation, role changes; every change is audited in the same transaction. An expired grant
// stops counting at once (effectivePermissions checks the time); `expireGrants` also marks it
// revoked and audits that, from the retention sweep.
import { type Db, newId, schema } from '@assent/db';
import { and, eq, isNull, lte } from 'drizzle-orm';
import { ApiError } from '../errors.ts';
import { recordAudit } from './audit.ts';
import { isRole, MAX_GRANT_MS, PERMISSIONS, type Permission } from './staff-roles.ts';

export type GrantRow = typeof schema.staffGrants.$inferSelect;

/**
 * Grants `permission` to a staff member until `expiresAt` (epoch ms, at most 30 days ahead).
 * @throws ApiError `invalid_request` (unknown permission, bad end time, self-grant), `not_found`
 */
export async function grantPermission(
  db: Db,
  grantorId: string,
  input: { staffId: string; permission: string; expiresAt: number; reason: string },
  now: number,
): Promise<GrantRow> {
  if (!PERMISSIONS.includes(input.permission as Permission))
    throw new ApiError('invalid_request', `Unknown permission ${input.permission}.`);
  if (input.expiresAt <= now || input.expiresAt > now + MAX_GRANT_MS)
    throw new ApiError('invalid_request', 'expiresAt must be in the future and within 30 days.');
  if (input.staffId === grantorId)
    throw new ApiError('invalid_request', 'Nobody grants permissions to themselves.');
  return db.transaction(async (tx) => {
    const [member] = await tx
      .select({ id: schema.staffMembers.id })
      .from(schema.staffMembers)
      .where(eq(schema.staffMembers.id, input.staffId));
    if (!member) throw new ApiError('not_found', 'No staff member with this id.');
    const row: GrantRow = {
      id: newId('grt', now),
      staffId: input.staffId,
      permission: input.permission,
      reason: input.reason,
      grantedBy: grantorId,
      createdAt: new Date(now),
      expiresAt: new Date(input.expiresAt),
      revokedAt: null,
    };
    await tx.insert(schema.staffGrants).values(row);
    await recordAudit(
      tx,
      {
        actor: { type: 'staff', id: grantorId },
        action: 'staff.grant',
        target: row.id,
        details: {
          staffId: row.staffId,
          permission: row.permission,
          expiresAt: row.expiresAt.toISOString(),
          reason: row.reason,
        },
      },
      now,
    );
    return row;
  });
}

/** Revokes a live grant. @throws ApiError `not_found` when it is unknown or already ended. */
export async function revokeGrant(
  db: Db,
  actorId: string,
  grantId: string,
  now: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx
      .update(schema.staffGrants)
      .set({ revokedAt: new Date(now) })
      .where(and(eq(schema.staffGrants.id, grantId), isNull(schema.staffGrants.revokedAt)))
      .returning();
    const [row] = rows;
    if (!row) throw new ApiError('not_found', 'No live grant with this id.');
    await recordAudit(
      tx,
      {
        actor: { type: 'staff', id: actorId },
        action: 'staff.revoke',
        target: grantId,
        details: { staffId: row.staffId, permission: row.permission },
      },
      now,
    );
  });
}

/** Changes a member's role. @throws ApiError `invalid_request` (unknown role, own role), `not_found` */
export async function changeRole(
  db: Db,
  actorId: string,
  staffId: string,
  role: string,
  now: number,
): Promise<void> {
  if (!isRole(role)) throw new ApiError('invalid_request', `Unknown role ${role}.`);
  if (staffId === actorId) throw new ApiError('invalid_request', 'Nobody changes their own role.');
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(schema.staffMembers)
      .where(eq(schema.staffMembers.id, staffId));
    if (!before) throw new ApiError('not_found', 'No staff member with this id.');
    await tx.update(schema.staffMembers).set({ role }).where(eq(schema.staffMembers.id, staffId));
    await recordAudit(
      tx,
      {
        actor: { type: 'staff', id: actorId },
        action: 'staff.role_change',
        target: staffId,
        details: { from: before.role, to: role },
      },
      now,
    );
  });
}

/** Marks grants whose end time has passed as revoked, one audit event per grant. @returns count */
export async function expireGrants(db: Db, now: number): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(schema.staffGrants)
      .set({ revokedAt: new Date(now) })
      .where(
        and(isNull(schema.staffGrants.revokedAt), lte(schema.staffGrants.expiresAt, new Date(now))),
      )
      .returning();
    for (const row of rows)
      await recordAudit(
        tx,
        {
          actor: { type: 'job', id: 'retention-sweep' },
          action: 'staff.grant_expired',
          target: row.id,
          details: { staffId: row.staffId, permission: row.permission },
        },
        now,
      );
    return rows.length;
  });
}
