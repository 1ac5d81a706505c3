import { type Actor, type Permit, deny, hasRole, permit } from '../../../workflows/shared/actor';
import { type Problem, problem } from '../../../workflows/shared/problem';
import { CARRIED_OUT } from '../problems/hard-problem.service';

/**
 * Who may register a case, and from which operation (R10's light register;
 * STYLE: a policy per area, one predicate per action). The service refuses by
 * these and the operation's page offers "register a case" by the same, so the
 * link is shown exactly to those whose post would be taken.
 */

/** What the rules need to know of the operation a case comes from. */
export interface CaseOperationFacts {
  state: string;
  hostSquadId: number | null;
  /** Every squad taking part (the host among them, normally). */
  squadIds: readonly number[];
}

/** A case is registered by a squad leader, for their own squad. */
export function mayRegisterCase(actor: Actor): Permit {
  return hasRole(actor, 'squad_leader') && actor.squadId !== null ? permit('squad_leader') : deny('not_squad_leader');
}

/**
 * Why a case may not come from this operation (empty: it may): the caller's
 * squad took part in it, and it was carried out (§3.1: the violations handled
 * are results of what was done, not of a plan on paper or a cancelled one).
 */
export function caseOperationProblems(actor: Actor, op: CaseOperationFacts): Problem[] {
  const out: Problem[] = [];
  const squad = actor.squadId;
  if (squad === null || !(op.squadIds.includes(squad) || op.hostSquadId === squad))
    out.push(problem('not_participant', 'operation'));
  if (!CARRIED_OUT.includes(op.state))
    out.push(problem('case_operation_not_carried_out', 'operation', '§3.1', { state: op.state }));
  return out;
}
