/** The rules of border notifications (R8) as pure functions. */
import { type Actor, type Permit, deny, hasRole, permit } from '../shared/actor';
import { type Problem, problem } from '../shared/problem';
import { ms } from '../shared/time';
import type { BorderNoticeContext, BorderNoticeEvent, BorderNoticeEventType, BorderNoticeReport, BorderNoticeState } from './border-notice.types';

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
 */
export function mayBorderNotice(_type: BorderNoticeEventType, actor: Actor, ctx: BorderNoticeContext, _state: BorderNoticeState, memberSquadIds: readonly number[]): Permit {
  if (actor.kind !== 'user' || !hasRole(actor, 'squad_leader') || actor.squadId === null) return deny('not_group_leader');
  const mayAct = ctx.groupId !== null ? memberSquadIds.includes(actor.squadId) : ctx.report.squadIds.includes(actor.squadId);
  return mayAct ? permit('squad_leader') : deny('not_group_leader');
}

export function noticeReportProblems(report: BorderNoticeReport, senderSquadId: number, activeSquadIds: readonly number[], at: string): Problem[] {
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

export function borderNoticeEventProblems(_ctx: BorderNoticeContext, event: BorderNoticeEvent): Problem[] {
  switch (event.type) {
    case 'TO_PROBLEM':
      return Number.isSafeInteger(event.problemId) && event.problemId > 0 ? [] : [problem('required', 'problemId')];
    case 'TO_PLAN':
      return Number.isSafeInteger(event.operationId) && event.operationId > 0 ? [] : [problem('required', 'operationId')];
    case 'CLOSE':
      return blank(event.reason) ? [problem('required', 'reason', '§3.5')] : [];
  }
}
