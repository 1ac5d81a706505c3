import { type Actor, type Role, hasRole } from '../../../workflows/shared/actor';

/**
 * Who may do what with an operation beside the machine's own rules for its
 * events (workflows/operation): the people an operation may be put under.
 */

/** R4: the roles a designated commander holds one of (a squad leader or a commander of the same brigade). */
export const COMMANDER_ROLES: readonly Role[] = ['squad_leader', 'commander'];

/** R4: whether a user with these roles may be designated an operation's commander. */
export function mayBeDesignatedCommander(roles: readonly Role[]): boolean {
  return roles.some((r) => COMMANDER_ROLES.includes(r));
}

/** R1, R2: who plans operations — a squad leader (their squad's), a duty officer or a commander (brigade-led); `mayCreateOperation` decides each plan. */
export function mayPlanOperations(actor: Actor): boolean {
  return (['squad_leader', 'duty_officer', 'commander'] as const).some((r) => hasRole(actor, r));
}

/** R12: who logs the daily holding checks of their squad's sites — its leaders and officers (the machine decides each check). */
export function holdsSquadSites(actor: Actor): boolean {
  return actor.squadId !== null && (hasRole(actor, 'squad_leader') || hasRole(actor, 'officer'));
}

/** R14: who spot-checks holding — inspectors, never of their own squad (the machine decides each spot check). */
export function spotChecksHolding(actor: Actor): boolean {
  return hasRole(actor, 'inspector');
}
