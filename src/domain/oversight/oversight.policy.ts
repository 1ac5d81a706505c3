import { type Actor, MANAGER_ROLES, type Permit, asAnyOf } from '../../../workflows/shared/actor';

/**
 * Who may do what with the oversight jobs (SPEC §2, §4; STYLE: a policy per
 * area). The job runner refuses by these, and the pages and the API ask the
 * runner, never a role of their own.
 */

/** The jobs and their log — their own brigade's part of each run — are the managers' to see (the Duty Command Section, the commanders). */
export function mayReadJobs(actor: Actor): Permit {
  return asAnyOf(actor, MANAGER_ROLES, 'not_manager');
}

/** SPEC §2: a duty officer (and a commander, who may all a duty officer may) runs an oversight job by hand — for their own brigade only. */
export function mayRunJobs(actor: Actor): Permit {
  return asAnyOf(actor, MANAGER_ROLES, 'not_manager');
}

/** SPEC §4: a manager resolves a flag (with a note); the jobs resolve them by data. */
export function mayResolveFlags(actor: Actor): Permit {
  return asAnyOf(actor, MANAGER_ROLES, 'not_manager');
}
