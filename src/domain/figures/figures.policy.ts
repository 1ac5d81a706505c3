import { MANAGER_ROLES, type Role } from '../../../workflows/shared/actor';
import { ForbiddenError } from '../../errors';
import type { Principal } from '../org/org.service';

/**
 * Who reads the figures (R15), their records and exports, the annual
 * assessment and the annual report (R14): the managers, who oversee the
 * linkage work; the squad leaders, whose squads are measured and ranked; and
 * the inspectors — R14 and the practice's 强化督察考核: inspection looks for
 * "present but idle" participation, which the assessment's lines show.
 * Officers, the legal section and administrators have no part in it.
 */
const FIGURE_READERS: readonly Role[] = [...MANAGER_ROLES, 'squad_leader', 'inspector'];

export function mayReadFigures(p: Principal): boolean {
  return p.kind === 'user' && FIGURE_READERS.some((r) => p.roles.includes(r));
}

/** Refuses (403 `may_not_read_figures`) a reader the figures are not for. */
export function assertMayReadFigures(p: Principal): void {
  if (!mayReadFigures(p))
    throw new ForbiddenError('The figures are read by managers, squad leaders and inspectors', 'may_not_read_figures');
}
