import { MANAGER_ROLES } from '../../../workflows/shared/actor';
import { maySendNotice } from '../../../workflows/border-notice';
import type { ProblemReport } from '../../../workflows/hard-problem';
import type { Principal } from '../org/org.service';
import { maskHotlineRef, maskPerson, masked } from '../privacy/mask';

/**
 * Hard problems (§3.4): who reads what, beside the machine's rules for the
 * problem's steps (workflows/hard-problem/hard-problem.rules.ts).
 */

/** The 12319 hotline feed: a system account whose only role is `hotline_feed`. */
export function isHotlineFeed(p: Principal): boolean {
  return p.roles.length > 0 && p.roles.every((r) => r === 'hotline_feed');
}

/**
 * Who reads a problem: everyone of the brigade, but the hotline feed only the
 * problems it reported — its own complaints, and those it told of a rebound
 * on (R7: it brings complaints in; what others reported is not its business).
 * `reporterIds`: who reported it, its rebounds and the duplicates merged into it.
 */
export function mayReadProblem(p: Principal, problem: { reporterIds: readonly number[] }): boolean {
  return !isHotlineFeed(p) || problem.reporterIds.includes(p.userId);
}

/**
 * The reader whose own reports a list is kept to (the hotline feed), or null:
 * the same rule as `mayReadProblem`, for a query.
 */
export function problemListReporter(p: Principal): number | null {
  return isHotlineFeed(p) ? p.userId : null;
}

/**
 * Who reads a complainant's name and contact and the 12319 ticket number in
 * full: the managers (the Duty Command Section follows every complaint), the
 * leaders of the squads at the border (they call the complainant back, §3.4)
 * and whoever took the report. Everyone else — officers, other squads,
 * inspectors, legal, administrators — sees them masked (`王**`,
 * `12319-*********0042`).
 */
export function maySeeComplainant(
  p: Principal,
  problem: { squadIds: readonly number[]; reportedBy: number | null },
): boolean {
  if (p.kind !== 'user') return false;
  if (MANAGER_ROLES.some((r) => p.roles.includes(r))) return true;
  if (problem.reportedBy !== null && problem.reportedBy === p.userId) return true;
  return p.roles.includes('squad_leader') && p.squadId !== null && problem.squadIds.includes(p.squadId);
}

/** A report as `p` may see it: a copy, the complainant and the hotline reference masked unless they may see them. */
export function reportAsSeenBy<T extends Pick<ProblemReport, 'complainant' | 'hotlineRef' | 'squadIds'>>(
  p: Principal,
  report: T,
  reportedBy: number | null,
): T {
  if (maySeeComplainant(p, { squadIds: report.squadIds, reportedBy })) return report;
  return {
    ...report,
    complainant: masked(report.complainant, maskPerson),
    hotlineRef: masked(report.hotlineRef, maskHotlineRef),
  };
}

/**
 * Who records work in the street — border notices (R8), hard problems seen at
 * the border, the holding of a site (R12): an officer or a squad leader of a
 * squad, as `maySendNotice` says. The phone's bottom bar is theirs (issue 13).
 */
export function mayRecordFieldWork(p: Principal): boolean {
  return maySendNotice(p).ok;
}
