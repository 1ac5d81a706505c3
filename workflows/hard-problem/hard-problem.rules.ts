/**
 * The rules of hard problems (SPEC §3.4, R7, R8), as pure functions: the
 * machine's guards, and the engine's way to tell a forbidden caller (403) from
 * a refused step (422).
 */
import { type Actor, type Permit, MANAGER_ROLES, asAnyOf, deny, hasRole, permit } from '../shared/actor';
import { type Problem, problem } from '../shared/problem';
import { ms } from '../shared/time';
import {
  CALLBACK_OUTCOMES,
  PROBLEM_CATEGORIES,
  PROBLEM_SOURCES,
  REBOUND_ORIGINS,
  type HardProblemContext,
  type HardProblemEvent,
  type HardProblemEventType,
  type HardProblemFacts,
  type HardProblemState,
  type ProblemReport,
  type ProblemSource,
  type ReboundOrigin,
} from './hard-problem.types';

const blank = (s: string | null | undefined) => !s || s.trim() === '';

/** A squad leader of one of the squads at the border. */
export function isBorderLeader(actor: Actor, squadIds: readonly number[]): boolean {
  return hasRole(actor, 'squad_leader') && actor.squadId !== null && squadIds.includes(actor.squadId);
}

function borderLeaderOrManager(actor: Actor, squadIds: readonly number[]): Permit {
  if (isBorderLeader(actor, squadIds)) return permit('squad_leader');
  return asAnyOf(actor, MANAGER_ROLES, 'not_border_leader_or_manager');
}

/**
 * Who may report a hard problem: anyone of the brigade's field staff and
 * managers (R7: problems come from many places; R8: officers notify), and the
 * hotline feed — which may report hotline complaints only.
 */
export function mayReportProblem(actor: Actor, source: ProblemSource): Permit {
  if (hasRole(actor, 'hotline_feed')) return source === 'hotline_12319' ? permit('hotline_feed') : deny('hotline_feed_reports_hotline_only');
  return asAnyOf(actor, ['squad_leader', 'officer', 'duty_officer', 'commander', 'inspector'], 'may_not_report');
}

/**
 * §3.4: where the actor may say a rebound was found — the origin follows the
 * sender. `holding`: the squads at the border (R8, R12: they hold the site),
 * or the host squad holding an operation that targets or resolved the problem
 * (`facts.holdingSquadIds`), their officers and leaders; `inspector`: only an
 * inspector (R14); `complaint`: a new complaint, brought by the hotline feed
 * or taken by the managers (the Duty Command Section, the commanders).
 */
export function reboundOriginsOf(actor: Actor, ctx: HardProblemContext, facts?: Pick<HardProblemFacts, 'holdingSquadIds'>): ReboundOrigin[] {
  if (actor.kind !== 'user') return [];
  const out: ReboundOrigin[] = [];
  const holders = [...ctx.report.squadIds, ...(facts?.holdingSquadIds ?? [])];
  if ((hasRole(actor, 'squad_leader') || hasRole(actor, 'officer')) && actor.squadId !== null && holders.includes(actor.squadId)) out.push('holding');
  if (hasRole(actor, 'inspector')) out.push('inspector');
  if (hasRole(actor, 'hotline_feed') || MANAGER_ROLES.some((r) => hasRole(actor, r))) out.push('complaint');
  return out;
}

/**
 * Who may send each event to a hard problem. The squads at the border own it
 * (their leaders accept, resolve, merge); the Duty Command Section and the
 * commanders may do all of it (R1). A rebound is reported by whoever may say
 * where it was found (`reboundOriginsOf`): the squads at the border and the
 * host squad holding an operation of it (R12), inspectors (R14), a new
 * complaint (the hotline feed, the managers).
 */
export function mayHardProblem(
  type: HardProblemEventType,
  actor: Actor,
  ctx: HardProblemContext,
  _state: HardProblemState,
  facts?: Pick<HardProblemFacts, 'holdingSquadIds'>,
): Permit {
  if (actor.kind !== 'user') return deny('users_only');
  const squads = ctx.report.squadIds;
  switch (type) {
    case 'ACCEPT':
    case 'MERGE':
    case 'RESOLVE':
    case 'RECORD_CALLBACK':
      if (hasRole(actor, 'hotline_feed')) return deny('hotline_feed_reports_only');
      return borderLeaderOrManager(actor, squads);
    case 'REBOUND': {
      const origins = reboundOriginsOf(actor, ctx, facts);
      if (origins.includes('holding')) return permit(hasRole(actor, 'squad_leader') ? 'squad_leader' : 'officer');
      if (origins.includes('inspector')) return permit('inspector');
      if (origins.includes('complaint')) return asAnyOf(actor, [...MANAGER_ROLES, 'hotline_feed'], 'not_border_squad_inspector_or_manager');
      return deny('not_border_squad_inspector_or_manager');
    }
  }
}

/** Problems with a report (empty = it may be filed). */
export function reportProblems(report: ProblemReport, activeSquadIds: readonly number[]): Problem[] {
  const out: Problem[] = [];
  if (!(PROBLEM_SOURCES as readonly string[]).includes(report.source)) out.push(problem('invalid_source', 'source', 'R7'));
  if (!(PROBLEM_CATEGORIES as readonly string[]).includes(report.category)) out.push(problem('invalid_category', 'category'));
  if (blank(report.title)) out.push(problem('required', 'title'));
  if (blank(report.location)) out.push(problem('required', 'location'));
  if (blank(report.description)) out.push(problem('required', 'description'));
  if (!report.squadIds.length) out.push(problem('required', 'squads', 'R8'));
  if (new Set(report.squadIds).size !== report.squadIds.length) out.push(problem('duplicate_squads', 'squads'));
  if (report.squadIds.some((s) => !activeSquadIds.includes(s))) out.push(problem('unknown_squads', 'squads'));
  return out;
}

/** Problems with an event's own content, given the problem as it stands (empty = the step may happen). */
export function hardProblemEventProblems(ctx: HardProblemContext, event: HardProblemEvent, selfId?: number): Problem[] {
  switch (event.type) {
    case 'ACCEPT':
      return [];
    case 'MERGE': {
      const t = event.facts.mergeTarget;
      if (!t) return [problem('unknown_problem', 'into')];
      if (selfId !== undefined && t.id === selfId) return [problem('merge_into_itself', 'into', '§3.4')];
      // The survivor must be a live problem: merging into a merged one would chain duplicates.
      if (t.state === 'merged') return [problem('merge_into_merged', 'into', '§3.4')];
      return [];
    }
    case 'RESOLVE':
      return blank(event.note) ? [problem('required', 'note', '§3.4')] : [];
    case 'REBOUND': {
      const out: Problem[] = [];
      if (!(REBOUND_ORIGINS as readonly string[]).includes(event.origin)) out.push(problem('invalid_origin', 'origin'));
      // §3.4: the hotline feed brings a new complaint; it cannot say an inspector or the holding found it.
      else if (hasRole(event.actor, 'hotline_feed') && event.origin !== 'complaint') out.push(problem('feed_rebound_is_complaint', 'origin', '§3.4'));
      // §3.4: the origin follows the sender — nobody says an inspector (or the holding, or a complaint) found what they did not.
      else if (!reboundOriginsOf(event.actor, ctx, event.facts).includes(event.origin)) out.push(problem('rebound_origin_not_yours', 'origin', '§3.4', { origin: event.origin }));
      if (blank(event.note)) out.push(problem('required', 'note', '§3.4'));
      return out;
    }
    case 'RECORD_CALLBACK': {
      const out: Problem[] = [];
      // SPEC §3.4: hotline-sourced problems get a call-back record after resolution.
      if (ctx.report.source !== 'hotline_12319') out.push(problem('not_hotline_problem', undefined, 'R7'));
      if (blank(event.caller)) out.push(problem('required', 'caller'));
      if (blank(event.calledAt) || Number.isNaN(ms(event.calledAt))) out.push(problem('required', 'calledAt'));
      else if (ms(event.calledAt) > ms(event.at)) out.push(problem('in_future', 'calledAt'));
      else if (ctx.resolutions.length && ms(event.calledAt) < ms(ctx.resolutions[ctx.resolutions.length - 1].at)) out.push(problem('before_resolution', 'calledAt', '§3.4'));
      if (!(CALLBACK_OUTCOMES as readonly string[]).includes(event.outcome)) out.push(problem('invalid_outcome', 'outcome'));
      return out;
    }
  }
}
