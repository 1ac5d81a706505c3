/**
 * The roles of SPEC §2, and `hotline_feed`: a system account for the 12319
 * hotline's feed, which may only report hotline complaints as hard problems
 * (and tell of a rebound on one resolved).
 */
export const ROLES = [
  'squad_leader',
  'officer',
  'duty_officer',
  'commander',
  'inspector',
  'legal',
  'admin',
  'hotline_feed',
] as const;
export type Role = (typeof ROLES)[number];

/** "Managers approving plans" are duty officers and commanders (SPEC §2). */
export const MANAGER_ROLES: readonly Role[] = ['duty_officer', 'commander'];

/**
 * Who sends an event. Machines see nothing else of the user: the engine puts
 * this on every event it sends. `system` is the oversight jobs.
 */
export interface Actor {
  kind: 'user' | 'system';
  userId: number | null;
  name: string;
  roles: readonly Role[];
  squadId: number | null;
}

export const SYSTEM_ACTOR: Actor = Object.freeze({
  kind: 'system',
  userId: null,
  name: 'system',
  roles: [],
  squadId: null,
});

export function hasRole(actor: Actor, role: Role): boolean {
  return actor.kind === 'user' && actor.roles.includes(role);
}

/** The result of asking "may this actor send this event now?": the role they act in, or why not. */
export type Permit = { ok: true; role: Role | 'system' } | { ok: false; reason: string };

export const permit = (role: Role | 'system'): Permit => ({ ok: true, role });
export const deny = (reason: string): Permit => ({ ok: false, reason });

/** Permits the first of `roles` the actor holds. */
export function asAnyOf(actor: Actor, roles: readonly Role[], reason: string): Permit {
  const role = roles.find((r) => hasRole(actor, r));
  return role ? permit(role) : deny(reason);
}
