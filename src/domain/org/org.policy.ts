import { type Actor, MANAGER_ROLES, hasRole } from '../../../workflows/shared/actor';

/**
 * Who the brigade's people are to the application, beside each area's own
 * policy: the managers (SPEC §2) and the administrators. Pages ask these, never
 * a role of their own.
 */

/** SPEC §2: "managers" — the Duty Command Section's duty officers and the commanders (who may all a duty officer may). */
export function isManager(actor: Actor): boolean {
  return MANAGER_ROLES.some((r) => hasRole(actor, r));
}

/** An administrator manages the brigade's users, squads, groups and settings (SPEC §2). */
export function mayAdministerBrigade(actor: Pick<Actor, 'roles'>): boolean {
  return actor.roles.includes('admin');
}
