import type { Principal } from '../org/org.service';
import { isManager } from '../org/org.policy';

/** R5, R9: a squad's people and the managers see the linkage groups' monthly plans and meetings (which groups: `mayReadGroupRecords`). */
export function maySeeGroupWork(p: Principal): boolean {
  return p.squad !== null || isManager(p);
}
