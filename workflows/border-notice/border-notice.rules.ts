/** The rules of border notifications (R8) as pure functions. */
import { type Actor, type Permit, deny, hasRole, permit } from '../shared/actor';
import { type Problem, problem } from '../shared/problem';
import { type WhatRule, type WhoRule, permitOf, problemsOf, whatRulesFor, type SomeRuleParam } from '../shared/rules';
import { ms } from '../shared/time';
import type {
  BorderNoticeContext,
  BorderNoticeEvent,
  BorderNoticeEventType,
  BorderNoticeReport,
  BorderNoticeState,
} from './border-notice.types';

const blank = (s: string | null | undefined) => !s || s.trim() === '';

/** R8: an officer or a squad leader, of a squad, sends a notification. */
export function maySendNotice(actor: Actor): Permit {
  if (actor.kind !== 'user' || actor.squadId === null) return deny('needs_own_squad');
  if (hasRole(actor, 'squad_leader')) return permit('squad_leader');
  if (hasRole(actor, 'officer')) return permit('officer');
  return deny('not_officer_or_squad_leader');
}

/**
 * Who acts on a notice: a squad leader of the group it was told to (R8: the
 * squad notifies its group, which may start an ad-hoc joint operation) — not
 * a leader of another group's squad the sender named at the border; for a
 * sender without a group (a mobile squad), a leader of a squad at the border.
 * `memberSquadIds`: the group's squads as they are now.
 */
export const BORDER_NOTICE_WHO = {
  isGroupLeader: (actor: Actor, ctx: BorderNoticeContext, memberSquadIds: readonly number[]) => {
    if (actor.kind !== 'user' || !hasRole(actor, 'squad_leader') || actor.squadId === null)
      return deny('not_group_leader');
    const mayAct =
      ctx.groupId !== null ? memberSquadIds.includes(actor.squadId) : ctx.report.squadIds.includes(actor.squadId);
    return mayAct ? permit('squad_leader') : deny('not_group_leader');
  },
} satisfies Record<string, WhoRule<BorderNoticeContext, readonly number[]>>;

export type BorderNoticeWhoRule = keyof typeof BORDER_NOTICE_WHO;

/** The who-rules of each event (every decision on a notice is the group's). */
export const BORDER_NOTICE_WHO_OF: Readonly<Record<BorderNoticeEventType, readonly BorderNoticeWhoRule[]>> = {
  TO_PROBLEM: ['isGroupLeader'],
  TO_PLAN: ['isGroupLeader'],
  CLOSE: ['isGroupLeader'],
};

export function mayBorderNotice(
  type: BorderNoticeEventType,
  actor: Actor,
  ctx: BorderNoticeContext,
  _state: BorderNoticeState,
  memberSquadIds: readonly number[],
): Permit {
  return permitOf(
    BORDER_NOTICE_WHO_OF[type].map((name) => BORDER_NOTICE_WHO[name]),
    actor,
    ctx,
    memberSquadIds,
  );
}

export function noticeReportProblems(
  report: BorderNoticeReport,
  senderSquadId: number,
  activeSquadIds: readonly number[],
  at: string,
): Problem[] {
  const out: Problem[] = [];
  if (blank(report.location)) out.push(problem('required', 'location'));
  if (blank(report.what)) out.push(problem('required', 'what', 'R8'));
  if (report.squadIds.length < 2) out.push(problem('border_needs_two_squads', 'squads', 'R8'));
  else if (!report.squadIds.includes(senderSquadId)) out.push(problem('own_squad_not_at_border', 'squads', 'R8'));
  if (new Set(report.squadIds).size !== report.squadIds.length) out.push(problem('duplicate_squads', 'squads'));
  if (report.squadIds.some((s) => !activeSquadIds.includes(s))) out.push(problem('unknown_squads', 'squads'));
  if (blank(report.seenAt) || Number.isNaN(ms(report.seenAt))) out.push(problem('required', 'seenAt'));
  else if (ms(report.seenAt) > ms(at)) out.push(problem('in_future', 'seenAt'));
  return out;
}

const what = whatRulesFor<BorderNoticeContext, BorderNoticeEvent>();

const positiveId = (id: number) => Number.isSafeInteger(id) && id > 0;

/** What an event must satisfy, rule by rule (each name is a guard of the machine). */
export const BORDER_NOTICE_WHAT = {
  /** A notice that became a problem names it. */
  problemNamed: what(['TO_PROBLEM'], (_ctx, e) => (positiveId(e.problemId) ? [] : [problem('required', 'problemId')])),
  /** A notice that became a plan (R8: an ad-hoc operation) names it. */
  operationNamed: what(['TO_PLAN'], (_ctx, e) =>
    positiveId(e.operationId) ? [] : [problem('required', 'operationId')],
  ),
  /** §3.5: a notice closed without action says why. */
  reasonGiven: what(['CLOSE'], (_ctx, e) => (blank(e.reason) ? [problem('required', 'reason', '§3.5')] : [])),
} satisfies Record<string, WhatRule<BorderNoticeContext, BorderNoticeEvent, SomeRuleParam>>;

export type BorderNoticeWhatRule = keyof typeof BORDER_NOTICE_WHAT;

export const BORDER_NOTICE_WHAT_OF: Readonly<Record<BorderNoticeEventType, readonly BorderNoticeWhatRule[]>> = {
  TO_PROBLEM: ['problemNamed'],
  TO_PLAN: ['operationNamed'],
  CLOSE: ['reasonGiven'],
};

export function borderNoticeEventProblems(ctx: BorderNoticeContext, event: BorderNoticeEvent): Problem[] {
  return problemsOf(
    BORDER_NOTICE_WHAT_OF[event.type].map((name) => BORDER_NOTICE_WHAT[name]),
    ctx,
    event,
  );
}

/** The rules guarding `type`, as the machine names them: who first, then what. */
export function borderNoticeRules(type: BorderNoticeEventType): string[] {
  return [...BORDER_NOTICE_WHO_OF[type], ...BORDER_NOTICE_WHAT_OF[type]];
}
