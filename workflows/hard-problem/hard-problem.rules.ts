/**
 * The rules of hard problems (SPEC §3.4, R7, R8), as pure functions: the
 * machine's guards, and the engine's way to tell a forbidden caller (403) from
 * a refused step (422).
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
  if (hasRole(actor, 'hotline_feed'))
    return source === 'hotline_12319' ? permit('hotline_feed') : deny('hotline_feed_reports_hotline_only');
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
export function reboundOriginsOf(
  actor: Actor,
  ctx: HardProblemContext,
  facts?: Pick<HardProblemFacts, 'holdingSquadIds'>,
): ReboundOrigin[] {
  if (actor.kind !== 'user') return [];
  const out: ReboundOrigin[] = [];
  const holders = [...ctx.report.squadIds, ...(facts?.holdingSquadIds ?? [])];
  if (
    (hasRole(actor, 'squad_leader') || hasRole(actor, 'officer')) &&
    actor.squadId !== null &&
    holders.includes(actor.squadId)
  )
    out.push('holding');
  if (hasRole(actor, 'inspector')) out.push('inspector');
  if (hasRole(actor, 'hotline_feed') || MANAGER_ROLES.some((r) => hasRole(actor, r))) out.push('complaint');
  return out;
}

/** What the who-rules of a hard problem read of the world: which squads hold an operation of it now (R12). */
export type HardProblemPermitFacts = Pick<HardProblemFacts, 'holdingSquadIds'> | undefined;

/** A rule only people follow: the oversight jobs are refused it before anything else is asked. */
const byUser =
  (rule: WhoRule<HardProblemContext, HardProblemPermitFacts>): WhoRule<HardProblemContext, HardProblemPermitFacts> =>
  (actor, ctx, facts) =>
    actor.kind !== 'user' ? deny('users_only') : rule(actor, ctx, facts);

/**
 * Who may send an event to a hard problem, rule by rule (each name is a guard
 * of the machine). The squads at the border own it (their leaders accept,
 * resolve, merge); the Duty Command Section and the commanders may do all of
 * it (R1). A rebound is reported by whoever may say where it was found
 * (`reboundOriginsOf`): the squads at the border and the host squad holding
 * an operation of it (R12), inspectors (R14), a new complaint (the hotline
 * feed, the managers).
 */
export const HARD_PROBLEM_WHO = {
  /** The hotline feed reports problems and tells of rebounds; it does not work them. */
  notHotlineFeed: byUser((actor) => (hasRole(actor, 'hotline_feed') ? deny('hotline_feed_reports_only') : PASS)),
  /** R8: the squads at the border own the problem; R1: the managers may act on any. */
  isBorderLeaderOrManager: byUser((actor, ctx) => borderLeaderOrManager(actor, ctx.report.squadIds)),
  /** §3.4: a rebound is told by one who may say where it was found. */
  mayTellRebound: byUser((actor, ctx, facts) => {
    const origins = reboundOriginsOf(actor, ctx, facts);
    if (origins.includes('holding')) return permit(hasRole(actor, 'squad_leader') ? 'squad_leader' : 'officer');
    if (origins.includes('inspector')) return permit('inspector');
    if (origins.includes('complaint'))
      return asAnyOf(actor, [...MANAGER_ROLES, 'hotline_feed'], 'not_border_squad_inspector_or_manager');
    return deny('not_border_squad_inspector_or_manager');
  }),
} satisfies Record<string, WhoRule<HardProblemContext, HardProblemPermitFacts>>;

export type HardProblemWhoRule = keyof typeof HARD_PROBLEM_WHO;

/** The who-rules of each event, in the order they are asked (the first refusal is the 403's reason). */
export const HARD_PROBLEM_WHO_OF: Readonly<Record<HardProblemEventType, readonly HardProblemWhoRule[]>> = {
  ACCEPT: ['notHotlineFeed', 'isBorderLeaderOrManager'],
  MERGE: ['notHotlineFeed', 'isBorderLeaderOrManager'],
  RESOLVE: ['notHotlineFeed', 'isBorderLeaderOrManager'],
  RECORD_CALLBACK: ['notHotlineFeed', 'isBorderLeaderOrManager'],
  REBOUND: ['mayTellRebound'],
};

/** Who may send each event to a hard problem (the same in every state that takes it). */
export function mayHardProblem(
  type: HardProblemEventType,
  actor: Actor,
  ctx: HardProblemContext,
  _state: HardProblemState,
  facts?: HardProblemPermitFacts,
): Permit {
  return permitOf(
    HARD_PROBLEM_WHO_OF[type].map((name) => HARD_PROBLEM_WHO[name]),
    actor,
    ctx,
    facts,
  );
}

/** Problems with a report (empty = it may be filed). */
export function reportProblems(report: ProblemReport, activeSquadIds: readonly number[]): Problem[] {
  const out: Problem[] = [];
  if (!(PROBLEM_SOURCES as readonly string[]).includes(report.source))
    out.push(problem('invalid_source', 'source', 'R7'));
  if (!(PROBLEM_CATEGORIES as readonly string[]).includes(report.category))
    out.push(problem('invalid_category', 'category'));
  if (blank(report.title)) out.push(problem('required', 'title'));
  if (blank(report.location)) out.push(problem('required', 'location'));
  if (blank(report.description)) out.push(problem('required', 'description'));
  if (!report.squadIds.length) out.push(problem('required', 'squads', 'R8'));
  if (new Set(report.squadIds).size !== report.squadIds.length) out.push(problem('duplicate_squads', 'squads'));
  if (report.squadIds.some((s) => !activeSquadIds.includes(s))) out.push(problem('unknown_squads', 'squads'));
  return out;
}

const what = whatRulesFor<HardProblemContext, HardProblemEvent>();

/** What an event must satisfy, rule by rule (each name is a guard of the machine): the problems it has, naming the fields. */
export const HARD_PROBLEM_WHAT = {
  /** §3.4: a duplicate is merged into a live problem that exists (never into itself, nor into a merged one, which would chain duplicates). */
  mergesIntoLiveProblem: what(['MERGE'], (_ctx, e) => mergeProblems(e)),
  /** §3.4: a resolution and a rebound say what was done or found. */
  noteGiven: what(['RESOLVE', 'REBOUND'], (_ctx, e) => (blank(e.note) ? [problem('required', 'note', '§3.4')] : [])),
  /** §3.4: the origin of a rebound follows its sender. */
  reboundOriginTold: what(['REBOUND'], (ctx, e) => {
    if (!(REBOUND_ORIGINS as readonly string[]).includes(e.origin)) return [problem('invalid_origin', 'origin')];
    // The hotline feed brings a new complaint; it cannot say an inspector or the holding found it.
    if (hasRole(e.actor, 'hotline_feed') && e.origin !== 'complaint')
      return [problem('feed_rebound_is_complaint', 'origin', '§3.4')];
    // Nobody says an inspector (or the holding, or a complaint) found what they did not.
    if (!reboundOriginsOf(e.actor, ctx, e.facts).includes(e.origin))
      return [problem('rebound_origin_not_yours', 'origin', '§3.4', { origin: e.origin })];
    return [];
  }),
  /** SPEC §3.4: hotline-sourced problems get a call-back record after resolution. */
  hotlineProblemOnly: what(['RECORD_CALLBACK'], (ctx) =>
    ctx.report.source !== 'hotline_12319' ? [problem('not_hotline_problem', undefined, 'R7')] : [],
  ),
  callerNamed: what(['RECORD_CALLBACK'], (_ctx, e) => (blank(e.caller) ? [problem('required', 'caller')] : [])),
  /** A call-back was made, not in the future and not before the resolution it answers. */
  calledAfterResolution: what(['RECORD_CALLBACK'], (ctx, e) => {
    if (blank(e.calledAt) || Number.isNaN(ms(e.calledAt))) return [problem('required', 'calledAt')];
    if (ms(e.calledAt) > ms(e.at)) return [problem('in_future', 'calledAt')];
    if (ctx.resolutions.length && ms(e.calledAt) < ms(ctx.resolutions[ctx.resolutions.length - 1].at))
      return [problem('before_resolution', 'calledAt', '§3.4')];
    return [];
  }),
  outcomeKnown: what(['RECORD_CALLBACK'], (_ctx, e) =>
    (CALLBACK_OUTCOMES as readonly string[]).includes(e.outcome) ? [] : [problem('invalid_outcome', 'outcome')],
  ),
} satisfies Record<string, WhatRule<HardProblemContext, HardProblemEvent, SomeRuleParam>>;

export type HardProblemWhatRule = keyof typeof HARD_PROBLEM_WHAT;

/** The what-rules of each event, in the order their problems are listed. */
export const HARD_PROBLEM_WHAT_OF: Readonly<Record<HardProblemEventType, readonly HardProblemWhatRule[]>> = {
  ACCEPT: [],
  MERGE: ['mergesIntoLiveProblem'],
  RESOLVE: ['noteGiven'],
  REBOUND: ['reboundOriginTold', 'noteGiven'],
  RECORD_CALLBACK: ['hotlineProblemOnly', 'callerNamed', 'calledAfterResolution', 'outcomeKnown'],
};

function mergeProblems(event: Extract<HardProblemEvent, { type: 'MERGE' }>, selfId?: number): Problem[] {
  const t = event.facts.mergeTarget;
  if (!t) return [problem('unknown_problem', 'into')];
  if (selfId !== undefined && t.id === selfId) return [problem('merge_into_itself', 'into', '§3.4')];
  // The survivor must be a live problem: merging into a merged one would chain duplicates.
  if (t.state === 'merged') return [problem('merge_into_merged', 'into', '§3.4')];
  return [];
}

/** Problems with an event's own content, given the problem as it stands (empty = the step may happen). */
export function hardProblemEventProblems(ctx: HardProblemContext, event: HardProblemEvent, selfId?: number): Problem[] {
  // The record's own id is known to the caller, not to the machine: a merge into itself is told here.
  if (event.type === 'MERGE' && selfId !== undefined) return mergeProblems(event, selfId);
  return problemsOf(
    HARD_PROBLEM_WHAT_OF[event.type].map((name) => HARD_PROBLEM_WHAT[name]),
    ctx,
    event,
  );
}

/** The rules guarding `type`, as the machine names them: who first, then what. */
export function hardProblemRules(type: HardProblemEventType): string[] {
  return [...HARD_PROBLEM_WHO_OF[type], ...HARD_PROBLEM_WHAT_OF[type]];
}
