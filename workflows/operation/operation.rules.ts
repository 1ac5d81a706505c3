/**
 * The rules of the joint operation (SPEC §3.1), as pure functions. The machine
 * uses them as guards; the engine uses the same functions to tell a forbidden
 * caller (403) from a refused step (422) and to list the allowed events, so
 * the API, the forms and the machine can never disagree.
 */
import { type Actor, type Permit, MANAGER_ROLES, asAnyOf, deny, hasRole, permit } from '../shared/actor';
import { type Problem, problem } from '../shared/problem';
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

function leadSquadLeader(actor: Actor, ctx: OperationContext): Permit {
  // R6: the lead squad drafts each plan and files it with the Duty Command Section.
  return isLeaderOf(actor, ctx.plan.leadSquadId) ? permit('squad_leader') : deny('not_lead_squad_leader');
}

function manager(actor: Actor): Permit {
  return asAnyOf(actor, MANAGER_ROLES, 'not_manager');
}

function operationCommander(actor: Actor, ctx: OperationContext): Permit {
  if (!isOperationCommander(actor, ctx)) return deny('not_operation_commander');
  return permit(hasRole(actor, 'squad_leader') ? 'squad_leader' : actor.roles[0]);
}

function independentInspector(actor: Actor, ctx: OperationContext): Permit {
  if (!hasRole(actor, 'inspector')) return deny('not_inspector');
  // R14: an inspector never audits the holding of their own squad.
  if (actor.squadId !== null && actor.squadId === ctx.plan.hostSquadId) return deny('inspector_of_host_squad');
  return permit('inspector');
}

/** Who may send each event, in the state the operation is in. Returns the role the actor acts in. */
export function mayOperation(type: OperationEventType, actor: Actor, ctx: OperationContext, state: OperationState): Permit {
  if (type === 'HOLDING_ELAPSED') return actor.kind === 'system' ? permit('system') : deny('system_only');
  if (actor.kind !== 'user') return deny('users_only');
  switch (type) {
    case 'EDIT_PLAN':
    case 'FILE':
      return leadSquadLeader(actor, ctx);
    case 'DESIGNATE_COMMANDER':
      // R4: the brigade (its commanders) designates an operation's commander.
      return hasRole(actor, 'commander') ? permit('commander') : deny('not_commander');
    case 'APPROVE': {
      const p = manager(actor);
      // Four eyes: nobody approves a plan they filed themselves (an officer holding two posts) …
      if (p.ok && ctx.filedBy !== null && ctx.filedBy === actor.userId) return deny('own_filing');
      // … nor one they drafted, whoever filed it (a manager drafts a brigade-led plan the lead squad files, R4).
      if (p.ok && ctx.createdBy !== null && ctx.createdBy === actor.userId) return deny('own_draft');
      return p;
    }
    case 'RETURN':
      return manager(actor);
    case 'CANCEL':
      // The lead squad withdraws its own draft; once filed only a manager cancels.
      return state === 'draft' ? leadSquadLeader(actor, ctx) : manager(actor);
    case 'START':
    case 'COMPLETE':
      return operationCommander(actor, ctx);
    case 'LOG_INCIDENT': {
      // R11: the commander, or anyone of a squad taking part, records what happened.
      if (isOperationCommander(actor, ctx)) return operationCommander(actor, ctx);
      if (actor.squadId !== null && ctx.plan.squadIds.includes(actor.squadId)) {
        return asAnyOf(actor, ['squad_leader', 'officer'], 'not_participant');
      }
      return deny('not_participant');
    }
    case 'LOG_HOLDING_CHECK':
      // R12: the host squad holds the site.
      if (actor.squadId === null || actor.squadId !== ctx.plan.hostSquadId) return deny('not_host_squad');
      return asAnyOf(actor, ['squad_leader', 'officer'], 'not_host_squad');
    case 'SPOT_CHECK':
    case 'AUDIT_PASS':
    case 'AUDIT_FAIL':
      return independentInspector(actor, ctx);
  }
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
  if (plan.kind === 'regular' && facts.groupSquadIds) {
    // R3/R6: a regular operation is run by the squads of its group.
    const outside = squads.filter((s) => !facts.groupSquadIds!.includes(s));
    if (outside.length) out.push(problem('squads_outside_group', 'squads', 'R3', { count: outside.length }));
  }
  if (plan.holdingDays < limits.holdingDaysMin || plan.holdingDays > limits.holdingDaysMax) {
    out.push(problem('holding_days_out_of_bounds', 'holdingDays', 'R12', { min: limits.holdingDaysMin, max: limits.holdingDaysMax }));
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
  for (const section of missingSections(plan, facts.limits.requiredSections)) out.push(problem('required', section, SECTION_RULE[section]));
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
    ...PLAN_SECTIONS.filter((s) => limits.requiredSections.includes(s)).map((s) => ({ key: `section.${s}`, fields: [s] })),
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

/** Problems with a START: it really happened — after the approval, not in the future — and a late entry or an early start says why. */
function startProblems(ctx: OperationContext, event: Extract<OperationEvent, { type: 'START' }>): Problem[] {
  const out = notInFuture(event.actualStart, event.at, 'actualStart');
  const start = event.actualStart ?? event.at;
  const { lateEntryHours, earlyStartHours } = event.facts.limits;
  // An operation cannot begin before it was approved (nor count toward a month it was not approved in).
  if (ctx.approvedAt && ms(start) < ms(ctx.approvedAt)) out.push(problem('before_approval', 'actualStart', '§3.1', { approvedAt: ctx.approvedAt }));
  if (entryDelayHours(start, event.at) > lateEntryHours && blank(event.lateReason)) {
    out.push(problem('late_reason_required', 'lateReason', 'R6', { hours: lateEntryHours }));
  }
  const planned = ctx.plan.plannedStart;
  if (planned && ms(planned) - ms(start) > earlyStartHours * HOUR_MS && blank(event.earlyReason)) {
    out.push(problem('early_reason_required', 'earlyReason', 'R6', { hours: earlyStartHours }));
  }
  return out;
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
      out.push(problem('goods_not_in_ledger', `results.${i}.goodsDetained`, 'R13', { registered, reported: r.goodsDetained }));
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

/** Problems with an event's own content, given the operation as it stands (empty = the step may happen). */
export function operationEventProblems(ctx: OperationContext, event: OperationEvent): Problem[] {
  switch (event.type) {
    case 'EDIT_PLAN': {
      const out = planShapeProblems(event.plan, event.facts).filter((p) => p.code !== 'too_few_squads' && p.code !== 'required');
      if (event.plan.leadSquadId !== ctx.plan.leadSquadId) out.push(problem('lead_squad_fixed', 'leadSquad'));
      return out;
    }
    case 'FILE':
      return planFilingProblems(ctx.plan, event.facts, event.at);
    case 'RETURN':
    case 'CANCEL':
      return blank(event.reason) ? [problem('required', 'reason', '§3.5')] : [];
    case 'START':
      return startProblems(ctx, event);
    case 'LOG_INCIDENT': {
      const out = notInFuture(event.occurredAt, event.at, 'occurredAt');
      // It happened during the operation: not before it began (the figures place it in a month from the start on).
      if (event.occurredAt !== undefined && ctx.actualStart && ms(event.occurredAt) < ms(ctx.actualStart)) out.push(problem('before_start', 'occurredAt', 'R11'));
      if (blank(event.description)) out.push(problem('required', 'description', 'R11'));
      if (blank(event.response)) out.push(problem('required', 'response', 'R11'));
      return out;
    }
    case 'COMPLETE': {
      const end = event.actualEnd ?? event.at;
      const out = [...notInFuture(event.actualEnd, event.at, 'actualEnd'), ...resultProblems(ctx, event.results), ...goodsProblems(event)];
      if (ctx.actualStart && ms(end) <= ms(ctx.actualStart)) out.push(problem('end_before_start', 'actualEnd'));
      // R6: reality is recorded, never refused, but a short operation says why.
      if (actualHours(ctx, end) < event.facts.limits.minHours && blank(event.shortReason)) {
        out.push(problem('short_reason_required', 'shortReason', 'R6', { min: event.facts.limits.minHours }));
      }
      return out;
    }
    case 'LOG_HOLDING_CHECK': {
      const out: Problem[] = [];
      const today = localDate(event.at, event.facts.timeZone);
      if (event.date > today) out.push(problem('in_future', 'date'));
      // A check is of a day of the holding period (R12): not before it began, not after it ends.
      if (ctx.holdingStartedAt && ctx.holdingDeadline) {
        const days = holdingDaysOf(ctx.holdingStartedAt, ctx.holdingDeadline, event.facts.timeZone);
        if (event.date < days[0]) out.push(problem('before_holding', 'date', 'R12', { first: days[0] }));
        else if (event.date > days[days.length - 1]) out.push(problem('after_holding', 'date', 'R12', { last: days[days.length - 1] }));
      }
      return out;
    }
    case 'SPOT_CHECK':
      return blank(event.findings) ? [problem('required', 'findings', 'R14')] : [];
    case 'AUDIT_PASS': {
      const out = blank(event.findings) ? [problem('required', 'findings', 'R14')] : [];
      const coverage = event.facts.coverage;
      // R12: a holding checked on too few of its days passes only with the reason written down.
      if (coverage && coverage.share < event.facts.limits.minCoverage && blank(event.coverageReason)) {
        out.push(
          problem('coverage_reason_required', 'coverageReason', 'R12', {
            checked: coverage.checkedDays.length,
            days: coverage.holdingDays.length,
            min: Math.round(event.facts.limits.minCoverage * 100),
          }),
        );
      }
      return out;
    }
    case 'AUDIT_FAIL': {
      const out = blank(event.findings) ? [problem('required', 'findings', 'R14')] : [];
      if (blank(event.rectification)) out.push(problem('required', 'rectification', 'R14'));
      const days = event.holdingDays;
      const { holdingDaysMin, holdingDaysMax } = event.facts.limits;
      if (days !== undefined && (days < holdingDaysMin || days > holdingDaysMax)) {
        out.push(problem('holding_days_out_of_bounds', 'holdingDays', 'R12', { min: holdingDaysMin, max: holdingDaysMax }));
      }
      return out;
    }
    case 'HOLDING_ELAPSED':
      return ctx.holdingDeadline && ms(event.at) >= ms(ctx.holdingDeadline) ? [] : [problem('holding_not_over', undefined, 'R12')];
    case 'DESIGNATE_COMMANDER':
    case 'APPROVE':
      return [];
  }
}

export type { EventOf };
