/**
 * The rules of the joint operation (SPEC §3.1), as pure functions. The machine
 * uses them as guards; the engine uses the same functions to tell a forbidden
 * caller (403) from a refused step (422) and to list the allowed events, so
 * the API, the forms and the machine can never disagree.
 */
import { type Actor, type Permit, MANAGER_ROLES, asAnyOf, deny, hasRole, permit } from '../shared/actor';
import { type Problem, problem } from '../shared/problem';
import {
  PASS,
  type WhatRule,
  type WhoRule,
  permitOf,
  problemsOf,
  whatRulesFor,
  type SomeRuleParam,
} from '../shared/rules';
import { HOUR_MS, hoursBetween, localDate, ms } from '../shared/time';
import {
  type HoldingCoverage,
  type OperationContext,
  type OperationEvent,
  type OperationEventType,
  type OperationFacts,
  type OperationPlan,
  type OperationState,
  type PlanSection,
  type ResultLine,
  PLAN_SECTIONS,
} from './operation.types';

type EventOf<T extends OperationEventType> = Extract<OperationEvent, { type: T }>;

// ---------------------------------------------------------------- who

function isLeaderOf(actor: Actor, squadId: number | null): boolean {
  return squadId !== null && hasRole(actor, 'squad_leader') && actor.squadId === squadId;
}

/** R4: the host squad's leader commands, unless the brigade designated another commander. */
export function isOperationCommander(actor: Actor, ctx: OperationContext): boolean {
  if (actor.kind !== 'user') return false;
  if (ctx.designatedCommanderId !== null) return actor.userId === ctx.designatedCommanderId;
  return isLeaderOf(actor, ctx.plan.hostSquadId);
}

/** R1: the Duty Command Section's duty officers and the commanders decide on plans. */
function manager(actor: Actor): Permit {
  return asAnyOf(actor, MANAGER_ROLES, 'not_manager');
}

function operationCommander(actor: Actor, ctx: OperationContext): Permit {
  if (!isOperationCommander(actor, ctx)) return deny('not_operation_commander');
  return permit(hasRole(actor, 'squad_leader') ? 'squad_leader' : actor.roles[0]);
}

/** A rule only people follow: the oversight jobs are refused it before anything else is asked. */
const byUser =
  (rule: WhoRule<OperationContext>): WhoRule<OperationContext> =>
  (actor, ctx, facts) =>
    actor.kind !== 'user' ? deny('users_only') : rule(actor, ctx, facts);

/**
 * Who may send an event, rule by rule (each name is a guard of the machine).
 * A rule that grants gives the role the actor acts in; one that excludes
 * (`notOwnFiling`) passes or refuses.
 */
export const OPERATION_WHO = {
  /** HOLDING_ELAPSED is the oversight job's to send, when the holding period is over. */
  isSystem: (actor) => (actor.kind === 'system' ? permit('system') : deny('system_only')),
  /** R6: the lead squad drafts each plan and files it with the Duty Command Section. */
  isLeadSquadLeader: byUser((actor, ctx) =>
    isLeaderOf(actor, ctx.plan.leadSquadId) ? permit('squad_leader') : deny('not_lead_squad_leader'),
  ),
  /** R4: the brigade (its commanders) designates an operation's commander. */
  isBrigadeCommander: byUser((actor) => (hasRole(actor, 'commander') ? permit('commander') : deny('not_commander'))),
  isManager: byUser(manager),
  /** Four eyes: nobody approves a plan they filed themselves (an officer holding two posts) … */
  notOwnFiling: byUser((actor, ctx) =>
    ctx.filedBy !== null && ctx.filedBy === actor.userId ? deny('own_filing') : PASS,
  ),
  /** … nor one they drafted, whoever filed it (a manager drafts a brigade-led plan the lead squad files, R4). */
  notOwnDraft: byUser((actor, ctx) =>
    ctx.createdBy !== null && ctx.createdBy === actor.userId ? deny('own_draft') : PASS,
  ),
  /** R4: the host squad's leader, or the commander the brigade designated. */
  isOperationCommander: byUser(operationCommander),
  /** R11: the commander, or anyone of a squad taking part, records what happened. */
  isCommanderOrParticipant: byUser((actor, ctx) => {
    if (isOperationCommander(actor, ctx)) return operationCommander(actor, ctx);
    if (actor.squadId !== null && ctx.plan.squadIds.includes(actor.squadId))
      return asAnyOf(actor, ['squad_leader', 'officer'], 'not_participant');
    return deny('not_participant');
  }),
  /** R12: the host squad holds the site. */
  isHostSquadMember: byUser((actor, ctx) => {
    if (actor.squadId === null || actor.squadId !== ctx.plan.hostSquadId) return deny('not_host_squad');
    return asAnyOf(actor, ['squad_leader', 'officer'], 'not_host_squad');
  }),
  /** R14: inspectors check and audit the holding. */
  isInspector: byUser((actor) => (hasRole(actor, 'inspector') ? permit('inspector') : deny('not_inspector'))),
  /** R14: an inspector never audits the holding of their own squad. */
  independentOfHostSquad: byUser((actor, ctx) =>
    actor.squadId !== null && actor.squadId === ctx.plan.hostSquadId ? deny('inspector_of_host_squad') : PASS,
  ),
} satisfies Record<string, WhoRule<OperationContext>>;

export type OperationWhoRule = keyof typeof OPERATION_WHO;

/** The who-rules of each event in `state`, in the order they are asked (the first refusal is the 403's reason). */
export function operationWhoRules(type: OperationEventType, state: OperationState): OperationWhoRule[] {
  switch (type) {
    case 'HOLDING_ELAPSED':
      return ['isSystem'];
    case 'EDIT_PLAN':
    case 'FILE':
      return ['isLeadSquadLeader'];
    case 'DESIGNATE_COMMANDER':
      return ['isBrigadeCommander'];
    case 'APPROVE':
      return ['isManager', 'notOwnFiling', 'notOwnDraft'];
    case 'RETURN':
      return ['isManager'];
    case 'CANCEL':
      // The lead squad withdraws its own draft; once filed only a manager cancels.
      return state === 'draft' ? ['isLeadSquadLeader'] : ['isManager'];
    case 'START':
    case 'COMPLETE':
      return ['isOperationCommander'];
    case 'LOG_INCIDENT':
      return ['isCommanderOrParticipant'];
    case 'LOG_HOLDING_CHECK':
      return ['isHostSquadMember'];
    case 'SPOT_CHECK':
    case 'AUDIT_PASS':
    case 'AUDIT_FAIL':
      return ['isInspector', 'independentOfHostSquad'];
  }
}

/** Who may send each event, in the state the operation is in. Returns the role the actor acts in. */
export function mayOperation(
  type: OperationEventType,
  actor: Actor,
  ctx: OperationContext,
  state: OperationState,
): Permit {
  return permitOf(
    operationWhoRules(type, state).map((name) => OPERATION_WHO[name]),
    actor,
    ctx,
    undefined,
  );
}

/** Who may draft a new plan: the leader of the lead squad (R6); for a brigade-led operation also a manager (R4). */
export function mayCreateOperation(actor: Actor, plan: Pick<OperationPlan, 'kind' | 'leadSquadId'>): Permit {
  if (isLeaderOf(actor, plan.leadSquadId)) return permit('squad_leader');
  if (plan.kind === 'brigade_led') return asAnyOf(actor, MANAGER_ROLES, 'not_lead_squad_leader');
  return deny('not_lead_squad_leader');
}

// ---------------------------------------------------------------- what

const blank = (s: string | null | undefined) => !s || s.trim() === '';

/** Problems with a plan as it stands, before anything is checked against the clock. */
export function planShapeProblems(plan: OperationPlan, facts: OperationFacts): Problem[] {
  const out: Problem[] = [];
  const { limits } = facts;
  const squads = plan.squadIds;
  if (new Set(squads).size !== squads.length) out.push(problem('duplicate_squads', 'squads'));
  if (squads.length < limits.minSquads) {
    out.push(problem('too_few_squads', 'squads', 'R3', { min: limits.minSquads, actual: squads.length }));
  }
  if (!squads.includes(plan.leadSquadId)) out.push(problem('lead_not_taking_part', 'leadSquad'));
  if (plan.hostSquadId === null) out.push(problem('required', 'hostSquad'));
  else if (!squads.includes(plan.hostSquadId)) out.push(problem('host_not_taking_part', 'hostSquad', 'R4'));
  const unknown = squads.filter((s) => !facts.activeSquadIds.includes(s));
  if (unknown.length) out.push(problem('unknown_squads', 'squads', undefined, { count: unknown.length }));
  if (plan.kind === 'regular' || plan.kind === 'ad_hoc') {
    if (plan.groupId === null) out.push(problem('required', 'group'));
  }
  const groupSquadIds = facts.groupSquadIds;
  if (plan.kind === 'regular' && groupSquadIds) {
    // R3/R6: a regular operation is run by the squads of its group.
    const outside = squads.filter((s) => !groupSquadIds.includes(s));
    if (outside.length) out.push(problem('squads_outside_group', 'squads', 'R3', { count: outside.length }));
  }
  if (plan.holdingDays < limits.holdingDaysMin || plan.holdingDays > limits.holdingDaysMax) {
    out.push(
      problem('holding_days_out_of_bounds', 'holdingDays', 'R12', {
        min: limits.holdingDaysMin,
        max: limits.holdingDaysMax,
      }),
    );
  }
  const forceSquads = plan.forces.map((f) => f.squadId);
  if (new Set(forceSquads).size !== forceSquads.length) out.push(problem('duplicate_squads', 'forces'));
  if (forceSquads.some((s) => !squads.includes(s))) out.push(problem('forces_of_absent_squad', 'forces'));
  return out;
}

/** The rule each section of the operations order answers to (SPEC §3.1). */
const SECTION_RULE: Record<PlanSection, string> = {
  situation: 'R7',
  mission: '§3.1',
  execution: '§3.1',
  command: 'R4',
  contingency: 'R11',
  goodsArrangements: 'R13',
  holdingPlan: 'R12',
};

/** The sections of the operations order the brigade requires that the plan leaves empty, in the order of the order. */
export function missingSections(plan: OperationPlan, required: readonly PlanSection[]): PlanSection[] {
  return PLAN_SECTIONS.filter((s) => required.includes(s) && blank(plan[s]));
}

/** Everything a plan needs before it can be filed (SPEC §3.1: complete and valid). */
export function planFilingProblems(plan: OperationPlan, facts: OperationFacts, at: string): Problem[] {
  const out = planShapeProblems(plan, facts);
  if (blank(plan.title)) out.push(problem('required', 'title'));
  if (plan.problemSource === null) out.push(problem('required', 'problemSource', 'R7'));
  if (blank(plan.location)) out.push(problem('required', 'location'));
  // The operations order: every section the brigade requires (operations.requiredSections), each named.
  for (const section of missingSections(plan, facts.limits.requiredSections))
    out.push(problem('required', section, SECTION_RULE[section]));
  if (plan.plannedStart === null) out.push(problem('required', 'plannedStart'));
  else if (ms(plan.plannedStart) < ms(at)) out.push(problem('planned_start_in_past', 'plannedStart'));
  if (plan.plannedHours === null) out.push(problem('required', 'plannedHours'));
  else if (plan.plannedHours < facts.limits.minHours) {
    // R6: each operation lasts at least 4 hours.
    out.push(problem('planned_hours_below_minimum', 'plannedHours', 'R6', { min: facts.limits.minHours }));
  }
  const missingForces = plan.squadIds.filter((s) => !plan.forces.some((f) => f.squadId === s && f.officers > 0));
  if (missingForces.length) out.push(problem('forces_missing', 'forces', 'R16', { count: missingForces.length }));
  return out;
}

/** One line of the "ready to file" checklist: a rule checked at filing, and whether the plan meets it. */
export interface FilingCheck {
  /** `basics`, `squads`, `forces`, `plannedStart`, `plannedHours`, `holdingDays`, or `section.<name>`. */
  key: string;
  ok: boolean;
  /** What filing would refuse now on this line. */
  problems: Problem[];
  params?: Record<string, string | number>;
}

/**
 * The rules checked at filing (R3, R4, R6, R7, R11–R13), one line each, met or
 * not: the same `planFilingProblems` FILE refuses with, sorted by the fields
 * they name, so the checklist on the form and FILE can never disagree.
 */
export function filingChecklist(plan: OperationPlan, facts: OperationFacts, at: string): FilingCheck[] {
  const problems = planFilingProblems(plan, facts, at);
  const { limits } = facts;
  const lines: Array<{ key: string; fields: string[]; params?: FilingCheck['params'] }> = [
    { key: 'basics', fields: ['title', 'location', 'problemSource', 'group', 'hostSquad', 'leadSquad', 'kind'] },
    { key: 'squads', fields: ['squads'], params: { min: limits.minSquads } },
    { key: 'forces', fields: ['forces'] },
    { key: 'plannedStart', fields: ['plannedStart'] },
    { key: 'plannedHours', fields: ['plannedHours'], params: { min: limits.minHours } },
    { key: 'holdingDays', fields: ['holdingDays'], params: { min: limits.holdingDaysMin, max: limits.holdingDaysMax } },
    ...PLAN_SECTIONS.filter((s) => limits.requiredSections.includes(s)).map((s) => ({
      key: `section.${s}`,
      fields: [s],
    })),
  ];
  return lines.map((l) => {
    const mine = problems.filter((p) => p.field !== undefined && l.fields.includes(p.field));
    return { key: l.key, ok: mine.length === 0, problems: mine, ...(l.params ? { params: l.params } : {}) };
  });
}

function notInFuture(iso: string | undefined, at: string, field: string): Problem[] {
  return iso !== undefined && ms(iso) > ms(at) ? [problem('in_future', field)] : [];
}

function resultProblems(ctx: OperationContext, results: ResultLine[]): Problem[] {
  const out: Problem[] = [];
  const squads = results.map((r) => r.squadId);
  if (new Set(squads).size !== squads.length) out.push(problem('duplicate_squads', 'results'));
  if (squads.some((s) => !ctx.plan.squadIds.includes(s))) out.push(problem('results_of_absent_squad', 'results'));
  const missing = ctx.plan.squadIds.filter((s) => !squads.includes(s));
  if (missing.length) out.push(problem('results_missing', 'results', undefined, { count: missing.length }));
  return out;
}

/** R6: how many hours after it happened a start is recorded (0 when on time). */
export function entryDelayHours(actualStart: string, at: string): number {
  return Math.max(0, hoursBetween(actualStart, at));
}

/** Problems with the results: one line per squad taking part, and goods as the ledger has them (R13). */
function goodsProblems(event: Extract<OperationEvent, { type: 'COMPLETE' }>): Problem[] {
  const ledger = event.facts.goodsBySquad;
  if (!ledger) return [];
  const out: Problem[] = [];
  event.results.forEach((r, i) => {
    const registered = ledger[r.squadId] ?? 0;
    // The account tells one story: the results say what the ledger registered for the squad.
    if (r.goodsDetained !== undefined && r.goodsDetained !== registered) {
      out.push(
        problem('goods_not_in_ledger', `results.${i}.goodsDetained`, 'R13', { registered, reported: r.goodsDetained }),
      );
    }
  });
  return out;
}

const nextDay = (date: string): string => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/** R12: the calendar days (brigade time) a holding period touches, from the day it began to the day it ends. */
export function holdingDaysOf(startedAt: string, deadline: string, timeZone: string): string[] {
  const first = localDate(startedAt, timeZone);
  // A period ending at midnight does not touch the day that begins then.
  const last = localDate(new Date(Math.max(ms(startedAt), ms(deadline) - 1)).toISOString(), timeZone);
  const days: string[] = [];
  for (let d = first; d <= last && days.length < 1000; d = nextDay(d)) days.push(d);
  return days;
}

/** R12: what the audit sees of a round of holding: days checked of holding days, days missed (up to `today`), spot checks, rebounds. */
export function holdingCoverage(
  holdingDays: string[],
  checks: ReadonlyArray<{ date: string; reboundObserved: boolean }>,
  spotChecks: ReadonlyArray<{ reboundObserved: boolean }>,
  today: string,
): HoldingCoverage {
  const checked = new Set(checks.map((c) => c.date).filter((d) => holdingDays.includes(d)));
  const checkedDays = holdingDays.filter((d) => checked.has(d));
  return {
    holdingDays,
    checkedDays,
    missedDays: holdingDays.filter((d) => !checked.has(d) && d <= today),
    spotChecks: spotChecks.length,
    rebounds: checks.filter((c) => c.reboundObserved).length + spotChecks.filter((c) => c.reboundObserved).length,
    share: holdingDays.length ? checkedDays.length / holdingDays.length : 0,
  };
}

/** The hours an operation lasted, from its recorded start to `actualEnd`. */
export function actualHours(ctx: OperationContext, actualEnd: string): number {
  return ctx.actualStart ? Math.round(hoursBetween(ctx.actualStart, actualEnd) * 100) / 100 : 0;
}

const what = whatRulesFor<OperationContext, OperationEvent>();

/**
 * What an event must satisfy, rule by rule (each name is a guard of the
 * machine): the problems it has, naming the fields (a 422 lists them all).
 */
export const OPERATION_WHAT = {
  /** An edit keeps the plan well formed (it may stay incomplete until filed). */
  planShapeSound: what(['EDIT_PLAN'], (_ctx, e) =>
    planShapeProblems(e.plan, e.facts).filter((p) => p.code !== 'too_few_squads' && p.code !== 'required'),
  ),
  /** The lead squad drafts the plan (R6): an edit does not hand it to another. */
  leadSquadFixed: what(['EDIT_PLAN'], (ctx, e) =>
    e.plan.leadSquadId !== ctx.plan.leadSquadId ? [problem('lead_squad_fixed', 'leadSquad')] : [],
  ),
  /** SPEC §3.1: a plan is filed complete and valid. */
  planFitToFile: what(['FILE'], (ctx, e) => planFilingProblems(ctx.plan, e.facts, e.at)),
  /** §3.5: returns and cancellations always carry a reason. */
  reasonGiven: what(['RETURN', 'CANCEL'], (_ctx, e) =>
    blank(e.reason) ? [problem('required', 'reason', '§3.5')] : [],
  ),
  /** What is recorded as having happened did not happen later than it is recorded. */
  notInFuture: what(['START', 'LOG_INCIDENT', 'COMPLETE', 'LOG_HOLDING_CHECK'], (_ctx, e) => {
    switch (e.type) {
      case 'START':
        return notInFuture(e.actualStart, e.at, 'actualStart');
      case 'LOG_INCIDENT':
        return notInFuture(e.occurredAt, e.at, 'occurredAt');
      case 'COMPLETE':
        return notInFuture(e.actualEnd, e.at, 'actualEnd');
      case 'LOG_HOLDING_CHECK':
        return e.date > localDate(e.at, e.facts.timeZone) ? [problem('in_future', 'date')] : [];
    }
  }),
  /** An operation cannot begin before it was approved (nor count toward a month it was not approved in). */
  startsAfterApproval: what(['START'], (ctx, e) => {
    const start = e.actualStart ?? e.at;
    return ctx.approvedAt && ms(start) < ms(ctx.approvedAt)
      ? [problem('before_approval', 'actualStart', '§3.1', { approvedAt: ctx.approvedAt })]
      : [];
  }),
  /** R6: a start recorded long after it happened says why. */
  lateEntryExplained: what(['START'], (_ctx, e) => {
    const { lateEntryHours } = e.facts.limits;
    return entryDelayHours(e.actualStart ?? e.at, e.at) > lateEntryHours && blank(e.lateReason)
      ? [problem('late_reason_required', 'lateReason', 'R6', { hours: lateEntryHours })]
      : [];
  }),
  /** R6: a start long before the planned one says why. */
  earlyStartExplained: what(['START'], (ctx, e) => {
    const { earlyStartHours } = e.facts.limits;
    const planned = ctx.plan.plannedStart;
    return planned && ms(planned) - ms(e.actualStart ?? e.at) > earlyStartHours * HOUR_MS && blank(e.earlyReason)
      ? [problem('early_reason_required', 'earlyReason', 'R6', { hours: earlyStartHours })]
      : [];
  }),
  /** R11: an incident happened during the operation: not before it began (the figures place it in a month from the start on). */
  duringOperation: what(['LOG_INCIDENT'], (ctx, e) =>
    e.occurredAt !== undefined && ctx.actualStart && ms(e.occurredAt) < ms(ctx.actualStart)
      ? [problem('before_start', 'occurredAt', 'R11')]
      : [],
  ),
  /** R11: what happened, and how it was handled, are recorded. */
  incidentDescribed: what(['LOG_INCIDENT'], (_ctx, e) => [
    ...(blank(e.description) ? [problem('required', 'description', 'R11')] : []),
    ...(blank(e.response) ? [problem('required', 'response', 'R11')] : []),
  ]),
  /** One line of results per squad taking part. */
  resultsPerSquad: what(['COMPLETE'], (ctx, e) => resultProblems(ctx, e.results)),
  /** R13: the goods in the results are those the ledger registered. */
  goodsAsLedger: what(['COMPLETE'], (_ctx, e) => goodsProblems(e)),
  endsAfterStart: what(['COMPLETE'], (ctx, e) =>
    ctx.actualStart && ms(e.actualEnd ?? e.at) <= ms(ctx.actualStart) ? [problem('end_before_start', 'actualEnd')] : [],
  ),
  /** R6: reality is recorded, never refused, but a short operation says why. */
  shortOperationExplained: what(['COMPLETE'], (ctx, e) =>
    actualHours(ctx, e.actualEnd ?? e.at) < e.facts.limits.minHours && blank(e.shortReason)
      ? [problem('short_reason_required', 'shortReason', 'R6', { min: e.facts.limits.minHours })]
      : [],
  ),
  /** R12: a check is of a day of the holding period: not before it began, not after it ends. */
  withinHolding: what(['LOG_HOLDING_CHECK'], (ctx, e) => {
    if (!ctx.holdingStartedAt || !ctx.holdingDeadline) return [];
    const days = holdingDaysOf(ctx.holdingStartedAt, ctx.holdingDeadline, e.facts.timeZone);
    if (e.date < days[0]) return [problem('before_holding', 'date', 'R12', { first: days[0] })];
    if (e.date > days[days.length - 1])
      return [problem('after_holding', 'date', 'R12', { last: days[days.length - 1] })];
    return [];
  }),
  /** R14: an inspector's check and audit say what they found. */
  findingsGiven: what(['SPOT_CHECK', 'AUDIT_PASS', 'AUDIT_FAIL'], (_ctx, e) =>
    blank(e.findings) ? [problem('required', 'findings', 'R14')] : [],
  ),
  /** R12: a holding checked on too few of its days passes only with the reason written down. */
  lowCoverageExplained: what(['AUDIT_PASS'], (_ctx, e) => {
    const coverage = e.facts.coverage;
    if (!coverage || coverage.share >= e.facts.limits.minCoverage || !blank(e.coverageReason)) return [];
    return [
      problem('coverage_reason_required', 'coverageReason', 'R12', {
        checked: coverage.checkedDays.length,
        days: coverage.holdingDays.length,
        min: Math.round(e.facts.limits.minCoverage * 100),
      }),
    ];
  }),
  /** R14: a failed audit asks for a rectification. */
  rectificationGiven: what(['AUDIT_FAIL'], (_ctx, e) =>
    blank(e.rectification) ? [problem('required', 'rectification', 'R14')] : [],
  ),
  /** R12: a holding restarted after a failed audit lasts within the brigade's bounds. */
  holdingDaysInBounds: what(['AUDIT_FAIL'], (_ctx, e) => {
    const { holdingDaysMin, holdingDaysMax } = e.facts.limits;
    return e.holdingDays !== undefined && (e.holdingDays < holdingDaysMin || e.holdingDays > holdingDaysMax)
      ? [problem('holding_days_out_of_bounds', 'holdingDays', 'R12', { min: holdingDaysMin, max: holdingDaysMax })]
      : [];
  }),
  /** R12: the holding period is over only at its deadline. */
  holdingOver: what(['HOLDING_ELAPSED'], (ctx, e) =>
    ctx.holdingDeadline && ms(e.at) >= ms(ctx.holdingDeadline) ? [] : [problem('holding_not_over', undefined, 'R12')],
  ),
} satisfies Record<string, WhatRule<OperationContext, OperationEvent, SomeRuleParam>>;

export type OperationWhatRule = keyof typeof OPERATION_WHAT;

/** The what-rules of each event, in the order their problems are listed. */
export const OPERATION_WHAT_OF: Readonly<Record<OperationEventType, readonly OperationWhatRule[]>> = {
  EDIT_PLAN: ['planShapeSound', 'leadSquadFixed'],
  FILE: ['planFitToFile'],
  DESIGNATE_COMMANDER: [],
  APPROVE: [],
  RETURN: ['reasonGiven'],
  CANCEL: ['reasonGiven'],
  START: ['notInFuture', 'startsAfterApproval', 'lateEntryExplained', 'earlyStartExplained'],
  LOG_INCIDENT: ['notInFuture', 'duringOperation', 'incidentDescribed'],
  COMPLETE: ['notInFuture', 'resultsPerSquad', 'goodsAsLedger', 'endsAfterStart', 'shortOperationExplained'],
  LOG_HOLDING_CHECK: ['notInFuture', 'withinHolding'],
  SPOT_CHECK: ['findingsGiven'],
  HOLDING_ELAPSED: ['holdingOver'],
  AUDIT_PASS: ['findingsGiven', 'lowCoverageExplained'],
  AUDIT_FAIL: ['findingsGiven', 'rectificationGiven', 'holdingDaysInBounds'],
};

/** Problems with an event's own content, given the operation as it stands (empty = the step may happen). */
export function operationEventProblems(ctx: OperationContext, event: OperationEvent): Problem[] {
  return problemsOf(
    OPERATION_WHAT_OF[event.type].map((name) => OPERATION_WHAT[name]),
    ctx,
    event,
  );
}

/** The rules guarding `type` in `state`, as the machine names them: who first, then what. */
export function operationRules(type: OperationEventType, state: OperationState): string[] {
  return [...operationWhoRules(type, state), ...OPERATION_WHAT_OF[type]];
}

export type { EventOf };
