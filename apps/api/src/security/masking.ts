// Masking of personal values for staff views (procedure §1.2; REQUIREMENTS S1, S5): L2 is
// shown masked outside its owner's view, L1 not at all without the unmask permission.
import type { Mask } from '@assent/db/classification';

/**
 * Masks a value by kind.
 * @example maskValue('email', 'alice@example.com') // 'a***@example.com'
 * @example maskValue('phone', '13812345678') // '138****5678'
 */
export function maskValue(kind: Mask, value: string | null): string | null {
  if (value === null) return null;
  if (kind === 'email') {
    const at = value.lastIndexOf('@');
    if (at < 1) return '***';
    return `${value[0]}***${value.slice(at)}`;
  }
  if (kind === 'phone') {
    const digits = value.replace(/\D/g, '');
    if (digits.length < 7) return '****';
    return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  }
  if (kind === 'name') return `${[...value][0] ?? ''}**`;
  return '***';
}
