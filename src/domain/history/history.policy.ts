import { MANAGER_ROLES } from '../../../workflows/shared/actor';
import type { Principal } from '../org/org.service';

/**
 * Who a record's page tells whether its history verifies: the managers, who
 * answer for the record (duty officers, commanders), and the inspectors, who
 * audit it. Everyone else reads the timeline as it is.
 */
export function maySeeHistoryCheck(p: Principal): boolean {
  return p.kind === 'user' && (MANAGER_ROLES.some((r) => p.roles.includes(r)) || p.roles.includes('inspector'));
}
