/** What callers give the meeting use cases: squads and groups by code, instants as ISO 8601. */
export interface MeetingArrangementsInput {
  plannedStart?: string;
  place?: string;
  agenda?: string;
  /** Default: the squad the rotation names (R9). */
  convenerSquad?: string | null;
  /** Required when the convener is not the rotation's. */
  convenerReason?: string | null;
}

export interface NewMeetingInput extends MeetingArrangementsInput {
  kind: 'group' | 'hq_summary';
  /** The group, for a group meeting. */
  group?: string | null;
}

export type MeetingEventInput = { expectedVersion?: number } & (
  | { type: 'EDIT_MEETING'; meeting: MeetingArrangementsInput }
  | {
      type: 'RECORD';
      heldAt?: string;
      attendeeSquads: string[];
      attendees?: string[];
      minutes: string;
      decisions?: string[];
    }
  | { type: 'CANCEL'; reason: string }
);

export interface MeetingFilters {
  kind?: 'group' | 'hq_summary';
  group?: string;
  /** `YYYY-MM` or `YYYY-H1`/`YYYY-H2`. */
  period?: string;
  /** `YYYY`. */
  year?: string;
  state?: string;
}
