import type { Actor } from '../shared/actor';

/**
 * R9 (联席会议): every linkage group holds a work meeting every month, convened
 * in rotation (轮值召集); the Linkage HQ holds a summary meeting every half year.
 */
export const MEETING_KINDS = ['group', 'hq_summary'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export const MEETING_STATES = ['scheduled', 'held', 'cancelled'] as const;
export type MeetingState = (typeof MEETING_STATES)[number];

/** What the convener sets beforehand (R9: the meeting plan and the linkage content). */
export interface MeetingArrangements {
  /** ISO 8601 instant. */
  plannedStart: string;
  place: string;
  /** The linkage content to be discussed (联动内容). */
  agenda: string;
  /** The squad whose leader convenes a group meeting (null for the HQ's meeting). */
  convenerSquadId: number | null;
  /** Why another squad convenes than the one the rotation named. */
  convenerReason: string | null;
}

/** What is recorded once the meeting was held. */
export interface MeetingRecord {
  /** ISO 8601 instant; never in the future. */
  heldAt: string;
  /** Squads represented. */
  attendeeSquadIds: number[];
  /** People present, as written (brigade leaders, street officials … are not all users). */
  attendees: string[];
  minutes: string;
  decisions: string[];
}

export interface MeetingContext {
  kind: MeetingKind;
  groupId: number | null;
  arrangements: MeetingArrangements;
  /** R9: the convener the rotation named when the meeting was arranged (null for the HQ's meeting). */
  rotationConvenerSquadId: number | null;
  /**
   * The group's member squads as of the last step, in member order: the
   * rotation reads them to know who was a member when (a change of membership
   * keeps the rotation fair).
   */
  memberSquadIds: number[];
  record: MeetingRecord | null;
  createdBy: number | null;
  recordedBy: number | null;
  recordedAt: string | null;
  cancelReason: string | null;
}

export interface MeetingFacts {
  /** The group's member squads now, in member order (empty for the HQ's meeting). */
  memberSquadIds: number[];
  /** Squads of the brigade in use now. */
  activeSquadIds: number[];
  timeZone: string;
}

interface Envelope {
  actor: Actor;
  at: string;
  facts: MeetingFacts;
}

export type MeetingEvent = Envelope &
  (
    | { type: 'EDIT_MEETING'; arrangements: MeetingArrangements }
    | { type: 'RECORD'; record: MeetingRecord }
    | { type: 'CANCEL'; reason: string }
  );

export type MeetingEventType = MeetingEvent['type'];

export const MEETING_EVENT_TYPES: readonly MeetingEventType[] = ['EDIT_MEETING', 'RECORD', 'CANCEL'];

export interface MeetingInput {
  kind: MeetingKind;
  groupId: number | null;
  arrangements: MeetingArrangements;
  rotationConvenerSquadId: number | null;
  memberSquadIds: number[];
  createdBy: number | null;
}
