import type { Actor } from '../shared/actor';
import type { ProblemSource } from '../operation/operation.types';

/**
 * R5: each linkage group files, every month, its targets and schedule for that
 * month with the Duty Command Section (月度目标任务和推进计划, 备案). Filing is
 * a record, not an approval: the Duty Command Section may return a plan for
 * revision, with a reason, and the group files it again.
 */
export const GROUP_PLAN_STATES = ['draft', 'filed'] as const;
export type GroupPlanState = (typeof GROUP_PLAN_STATES)[number];

/** One planned joint operation of the month (R6), as the group schedules it. */
export interface PlannedOperation {
  /** A day of the plan's month, `YYYY-MM-DD` in brigade time. */
  date: string;
  /** What is to be rectified, in a few words. */
  title: string;
  /** The squad that will draft the operation's own plan (R6); a member of the group. */
  leadSquadId: number | null;
  location: string;
  /** R7: where the problem came from, when known. */
  problemSource: ProblemSource | null;
  /** The joint operation this line became, once it is drafted (an operation of the group). */
  operationId: number | null;
}

/** What the group writes: targets (目标任务), the schedule of operations (推进计划), and any other arrangements. */
export interface GroupPlanContent {
  targets: string[];
  operations: PlannedOperation[];
  notes: string;
}

export interface GroupPlanContext {
  groupId: number;
  /** `YYYY-MM`. */
  month: string;
  /** R5: the plan is filed before the month starts: this instant (brigade time). */
  dueAt: string;
  content: GroupPlanContent;
  createdBy: number | null;
  filedBy: number | null;
  filedAt: string | null;
  /** The first filing: lateness is judged on it, so a return by HQ does not make a plan late. */
  firstFiledAt: string | null;
  /** R5: set at the first filing; true when it came after the month had begun. */
  filedLate: boolean | null;
  returnCount: number;
  lastReturnReason: string | null;
  returnedBy: number | null;
}

/** What the engine adds to every event: the organisation as it is now, and the limits. */
export interface GroupPlanFacts {
  /** The group's member squads now, in member order: who may act is decided on them. */
  memberSquadIds: number[];
  /** Of the operations the content links to, those that are the group's and not cancelled. */
  linkableOperationIds: number[];
  timeZone: string;
  limits: {
    /** R6: the schedule plans at least this many joint operations (config `jobs.monthlyMinimum`). */
    minOperations: number;
  };
}

interface Envelope {
  actor: Actor;
  at: string;
  facts: GroupPlanFacts;
}

export type GroupPlanEvent = Envelope &
  ({ type: 'EDIT_PLAN'; content: GroupPlanContent } | { type: 'FILE' } | { type: 'RETURN'; reason: string });

export type GroupPlanEventType = GroupPlanEvent['type'];

export const GROUP_PLAN_EVENT_TYPES: readonly GroupPlanEventType[] = ['EDIT_PLAN', 'FILE', 'RETURN'];

export interface GroupPlanInput {
  groupId: number;
  month: string;
  dueAt: string;
  content: GroupPlanContent;
  createdBy: number | null;
}
