/**
 * The rules of the monthly group plan (R5), as pure functions: the machine's
 * guards, and the engine's way to tell a forbidden caller (403) from a refused
 * step (422) and to list the allowed events.
 */
import { type Actor, type Permit, MANAGER_ROLES, asAnyOf, deny, hasRole, permit } from '../shared/actor';
import { type Problem, problem } from '../shared/problem';
import { type WhatRule, type WhoRule, permitOf, problemsOf, whatRulesFor, type SomeRuleParam } from '../shared/rules';
import type {
  GroupPlanContent,
  GroupPlanContext,
  GroupPlanEvent,
  GroupPlanEventType,
  GroupPlanFacts,
  GroupPlanState,
} from './group-plan.types';

// ---------------------------------------------------------------- who

/** A squad leader of one of `memberSquadIds`. */
export function isGroupLeader(actor: Actor, memberSquadIds: readonly number[]): boolean {
  return (
    actor.kind === 'user' &&
    hasRole(actor, 'squad_leader') &&
    actor.squadId !== null &&
    memberSquadIds.includes(actor.squadId)
  );
}

function groupLeader(actor: Actor, memberSquadIds: readonly number[]): Permit {
  // R5: the plan is the group's, not one squad's: any leader of a member squad drafts, edits and files it.
  return isGroupLeader(actor, memberSquadIds) ? permit('squad_leader') : deny('not_group_leader');
}

/**
 * Who may send an event to a group plan, rule by rule (each name is a guard of
 * the machine). `memberSquadIds`: the group's squads as they are now (the
 * organisation changes; a plan does not keep a copy) — the machine reads them
 * from the event's facts, the engine from the caller's own squad.
 */
export const GROUP_PLAN_WHO = {
  isGroupLeader: (actor: Actor, _ctx: GroupPlanContext, memberSquadIds: readonly number[]) =>
    actor.kind !== 'user' ? deny('users_only') : groupLeader(actor, memberSquadIds),
  /** R5: the plan is filed with the Duty Command Section; it (or a commander) sends it back for revision. */
  isManager: (actor: Actor) =>
    actor.kind !== 'user' ? deny('users_only') : asAnyOf(actor, MANAGER_ROLES, 'not_manager'),
} satisfies Record<string, WhoRule<GroupPlanContext, readonly number[]>>;

export type GroupPlanWhoRule = keyof typeof GROUP_PLAN_WHO;

/** The who-rules of each event, in the order they are asked (the first refusal is the 403's reason). */
export const GROUP_PLAN_WHO_OF: Readonly<Record<GroupPlanEventType, readonly GroupPlanWhoRule[]>> = {
  EDIT_PLAN: ['isGroupLeader'],
  FILE: ['isGroupLeader'],
  RETURN: ['isManager'],
};

/** Who may send each event to a group plan, in its state (`memberSquadIds`: see `GROUP_PLAN_WHO`). */
export function mayGroupPlan(
  type: GroupPlanEventType,
  actor: Actor,
  ctx: GroupPlanContext,
  _state: GroupPlanState,
  memberSquadIds: readonly number[],
): Permit {
  return permitOf(
    GROUP_PLAN_WHO_OF[type].map((name) => GROUP_PLAN_WHO[name]),
    actor,
    ctx,
    memberSquadIds,
  );
}

/** Who may draft a group's plan: a squad leader of the group (R5). */
export function mayCreateGroupPlan(actor: Actor, memberSquadIds: readonly number[]): Permit {
  return groupLeader(actor, memberSquadIds);
}

/** Who may read a group's plans and meetings: the group's own people, and the managers (R5: filed with the Duty Command Section). */
export function mayReadGroupRecords(actor: Actor, memberSquadIds: readonly number[]): boolean {
  if (MANAGER_ROLES.some((r) => hasRole(actor, r))) return true;
  return actor.kind === 'user' && actor.squadId !== null && memberSquadIds.includes(actor.squadId);
}

// ---------------------------------------------------------------- what

const blank = (s: string | null | undefined) => !s || s.trim() === '';

/** Problems with what a plan says, whatever its completeness (a draft may be incomplete, never wrong). */
export function contentProblems(content: GroupPlanContent, month: string, facts: GroupPlanFacts): Problem[] {
  const out: Problem[] = [];
  content.operations.forEach((line, i) => {
    const field = `operations.${i}`;
    if (line.date && line.date.slice(0, 7) !== month)
      out.push(problem('date_outside_month', `${field}.date`, 'R5', { month }));
    // R3/R6: the group's operations are led by its own squads.
    if (line.leadSquadId !== null && !facts.memberSquadIds.includes(line.leadSquadId))
      out.push(problem('lead_not_in_group', `${field}.leadSquad`, 'R3'));
    if (line.operationId !== null && !facts.linkableOperationIds.includes(line.operationId)) {
      out.push(problem('operation_not_of_group', `${field}.operation`, 'R5'));
    }
  });
  const linked = content.operations.map((l) => l.operationId).filter((x): x is number => x !== null);
  if (new Set(linked).size !== linked.length) out.push(problem('operation_linked_twice', 'operations'));
  return out;
}

/** Everything a plan needs before it is filed: targets, and a schedule of at least the monthly minimum of operations (R5, R6). */
export function filingProblems(ctx: GroupPlanContext, facts: GroupPlanFacts): Problem[] {
  const out = contentProblems(ctx.content, ctx.month, facts);
  if (!ctx.content.targets.some((t) => !blank(t))) out.push(problem('required', 'targets', 'R5'));
  const { minOperations } = facts.limits;
  if (ctx.content.operations.length < minOperations) {
    out.push(
      problem('too_few_planned_operations', 'operations', 'R6', {
        min: minOperations,
        actual: ctx.content.operations.length,
      }),
    );
  }
  ctx.content.operations.forEach((line, i) => {
    const field = `operations.${i}`;
    if (blank(line.date)) out.push(problem('required', `${field}.date`));
    if (blank(line.title)) out.push(problem('required', `${field}.title`));
    if (line.leadSquadId === null) out.push(problem('required', `${field}.leadSquad`, 'R6'));
  });
  return out;
}

const what = whatRulesFor<GroupPlanContext, GroupPlanEvent>();

/** What an event must satisfy, rule by rule (each name is a guard of the machine): the problems it has, naming the fields. */
export const GROUP_PLAN_WHAT = {
  /** R3: the sender's squad is in the group as it is now (the organisation may have changed since the last step). */
  stillInGroup: what(['EDIT_PLAN', 'FILE'], (_ctx, e) =>
    isGroupLeader(e.actor, e.facts.memberSquadIds) ? [] : [problem('not_group_member', undefined, 'R3')],
  ),
  /** A draft may be incomplete, never wrong. */
  contentSound: what(['EDIT_PLAN'], (ctx, e) => contentProblems(e.content, ctx.month, e.facts)),
  /** R5, R6: targets, and a schedule of at least the monthly minimum of operations. */
  planFitToFile: what(['FILE'], (ctx, e) => filingProblems(ctx, e.facts)),
  /** §3.5: returns always carry a reason. */
  reasonGiven: what(['RETURN'], (_ctx, e) => (blank(e.reason) ? [problem('required', 'reason', '§3.5')] : [])),
} satisfies Record<string, WhatRule<GroupPlanContext, GroupPlanEvent, SomeRuleParam>>;

export type GroupPlanWhatRule = keyof typeof GROUP_PLAN_WHAT;

/** The what-rules of each event, in the order their problems are listed. */
export const GROUP_PLAN_WHAT_OF: Readonly<Record<GroupPlanEventType, readonly GroupPlanWhatRule[]>> = {
  EDIT_PLAN: ['stillInGroup', 'contentSound'],
  FILE: ['stillInGroup', 'planFitToFile'],
  RETURN: ['reasonGiven'],
};

/** Problems with an event's own content, given the plan as it stands (empty = the step may happen). */
export function groupPlanEventProblems(ctx: GroupPlanContext, event: GroupPlanEvent): Problem[] {
  return problemsOf(
    GROUP_PLAN_WHAT_OF[event.type].map((name) => GROUP_PLAN_WHAT[name]),
    ctx,
    event,
  );
}

/** The rules guarding `type`, as the machine names them: who first, then what. */
export function groupPlanRules(type: GroupPlanEventType): string[] {
  return [...GROUP_PLAN_WHO_OF[type], ...GROUP_PLAN_WHAT_OF[type]];
}
