import type { Actor } from '../shared/actor';

/**
 * A border notification (信息告知, R8): an officer meets a mobile violation at
 * a border that their squad cannot handle alone and tells the group; a squad
 * leader of the group turns it into a hard problem or an ad-hoc joint
 * operation (不定期联动), or closes it with a reason.
 */
export const BORDER_NOTICE_STATES = ['sent', 'became_problem', 'became_plan', 'closed'] as const;
export type BorderNoticeState = (typeof BORDER_NOTICE_STATES)[number];

export interface BorderNoticeReport {
  location: string;
  /** What was seen. */
  what: string;
  /** The squads at the border (the sender's own among them). */
  squadIds: number[];
  /** ISO instant it was seen; never in the future. */
  seenAt: string;
}

export interface BorderNoticeContext {
  report: BorderNoticeReport;
  /** The sender's squad and its linkage group (R3), fixed when sent. */
  senderSquadId: number;
  groupId: number | null;
  sentBy: number | null;
  /** What it became. */
  problemId: number | null;
  operationId: number | null;
  closeReason: string | null;
  decidedBy: number | null;
  decidedAt: string | null;
}

export interface BorderNoticeFacts {
  /** The squads of the notice's group now (R3). */
  memberSquadIds: number[];
}

interface Envelope {
  actor: Actor;
  at: string;
  facts: BorderNoticeFacts;
}

export type BorderNoticeEvent = Envelope &
  (
    | { type: 'TO_PROBLEM'; problemId: number }
    | { type: 'TO_PLAN'; operationId: number }
    | { type: 'CLOSE'; reason: string }
  );

export type BorderNoticeEventType = BorderNoticeEvent['type'];
export const BORDER_NOTICE_EVENT_TYPES: readonly BorderNoticeEventType[] = ['TO_PROBLEM', 'TO_PLAN', 'CLOSE'];

export interface BorderNoticeInput {
  report: BorderNoticeReport;
  senderSquadId: number;
  groupId: number | null;
  sentBy: number | null;
}
