// Staff account lifecycle besides creation (procedure §2.2; REQUIREMENTS S5): the directory,
// disabling (no sign-in, every session ended) and enabling again; each change audited in the
// same transaction. Used by the admin API and `pnpm assent staff`.
import { type Db, schema } from '@assent/db';
import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import { ApiError } from '../errors.ts';
import { recordAudit } from './audit.ts';
import type { StaffRow } from './staff.ts';

/** A staff member as the directory shows it (no credentials). */
export interface StaffListing {
  id: string;
  email: string;
  name: string;
  role: string;
  createdAt: Date;
  disabledAt: Date | null;
  suspended: boolean;
}

/** The directory view of a member row. */
export function listing(row: StaffRow): StaffListing {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt,
    disabledAt: row.disabledAt,
    suspended: row.suspendedAt !== null,
  };
}

/** Every staff member, oldest first. Holds no customer data. */
export async function listStaff(db: Db): Promise<StaffListing[]> {
  const rows = await db
    .select()
    .from(schema.staffMembers)
    .orderBy(asc(schema.staffMembers.createdAt));
  return rows.map(listing);
}

/**
 * Disables (`disabled: true`) or enables a staff member. Disabling ends every session of the
 * member at once; a disabled member cannot sign in. Nobody disables themselves, and the last
 * enabled admin cannot be disabled (someone must be able to manage staff). Audited
 * `staff.disable` / `staff.enable` when the state changes; setting the current state again is
 * a no-op.
 * @param actor who asks (a staff member through the admin API, or `system` from the CLI)
 * @returns the member after the change
 * @throws ApiError `not_found` (unknown id), `invalid_request` (self, last admin)
 */
export async function setStaffDisabled(
  db: Db,
  actor: { type: 'staff' | 'system'; id: string },
  staffId: string,
  disabled: boolean,
  now: number,
): Promise<StaffListing> {
  if (actor.type === 'staff' && actor.id === staffId)
    throw new ApiError('invalid_request', 'Nobody disables or enables their own account.');
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(schema.staffMembers)
      .where(eq(schema.staffMembers.id, staffId))
      .for('update');
    if (!before) throw new ApiError('not_found', 'No staff member with this id.');
    if ((before.disabledAt !== null) === disabled) return listing(before);
    if (disabled && before.role === 'admin') {
      const others = await tx
        .select({ id: schema.staffMembers.id })
        .from(schema.staffMembers)
        .where(
          and(
            eq(schema.staffMembers.role, 'admin'),
            isNull(schema.staffMembers.disabledAt),
            ne(schema.staffMembers.id, staffId),
          ),
        );
      if (others.length === 0)
        throw new ApiError('invalid_request', 'The last enabled admin cannot be disabled.');
    }
    const [after] = await tx
      .update(schema.staffMembers)
      .set({ disabledAt: disabled ? new Date(now) : null })
      .where(eq(schema.staffMembers.id, staffId))
      .returning();
    let sessionsEnded = 0;
    if (disabled)
      sessionsEnded = (
        await tx
          .delete(schema.staffSessions)
          .where(eq(schema.staffSessions.staffId, staffId))
          .returning({ id: schema.staffSessions.id })
      ).length;
    await recordAudit(
      tx,
      {
        actor,
        action: disabled ? 'staff.disable' : 'staff.enable',
        target: staffId,
        details: disabled ? { sessionsEnded } : {},
      },
      now,
    );
    return listing(after ?? before);
  });
}
