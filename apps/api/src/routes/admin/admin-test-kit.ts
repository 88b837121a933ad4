// Staff fixtures shared by the admin API tests: a member created the way the CLI creates one.
import { randomBytes } from 'node:crypto';
import { createStaffMember } from '../../domain/staff.ts';
import type { TestApp } from '../../testing.ts';

/** The password every test member gets. */
export const STAFF_PASSWORD = 'correct horse battery staple';

/** A staff member as a test signs in with it: its TOTP secret and recovery codes. */
export interface TestStaffMember {
  id: string;
  email: string;
  /** Base32 TOTP secret (from the enrolment URI). */
  secret: string;
  recoveryCodes: string[];
}

/** Creates a member of `role` with STAFF_PASSWORD and a fresh address. */
export async function addStaffMember(t: TestApp, role: string): Promise<TestStaffMember> {
  const email = `${role}-${randomBytes(3).toString('hex')}@assent.example`;
  const out = await createStaffMember(
    t.database.db,
    t.keyring,
    { email, name: role, role, password: STAFF_PASSWORD },
    { type: 'system', id: 'test' },
    t.clock.now(),
  );
  const secret = new URL(out.totpUri).searchParams.get('secret') ?? '';
  return { id: out.id, email, secret, recoveryCodes: out.recoveryCodes };
}
