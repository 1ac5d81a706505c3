/**
 * A meeting (联席会议), R9 and SPEC §3.6: a linkage group's monthly work
 * meeting, or the Linkage HQ's half-yearly summary meeting.
 *
 *   scheduled --RECORD--> held
 *   scheduled --CANCEL--> cancelled       (EDIT_MEETING while scheduled)
 *
 * The convener sets the date and the linkage content (agenda); once held, the
 * attendees, minutes and decisions are recorded (after the fact if need be,
 * never in the future).
 */
import { assertEvent, assign, setup } from 'xstate';
import { ruleGuards, rules, fromInput } from '../shared/rules';
import { MEETING_WHAT, MEETING_WHO } from './meeting.rules';
import type { MeetingContext, MeetingEvent, MeetingInput } from './meeting.types';

/** Bump when states, events or context change shape; add a migration in the workflow definition. */
export const MEETING_MACHINE_VERSION = 1;

const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });

export const meetingMachine = setup({
  types: {
    context: {} as MeetingContext,
    events: {} as MeetingEvent,
    input: {} as MeetingInput,
  },
  // The group's squads as they are now, from the event's facts (the engine reads the caller's own for a 403).
  guards: ruleGuards<MeetingContext, MeetingEvent>()(MEETING_WHO, MEETING_WHAT, (event) => event.facts.memberSquadIds),
  actions: {
    /** A side effect for the outbox: the engine delivers it after commit. */
    notify: (_args, _params: { topic: string }) => undefined,
    /** Every step notes the group's membership as it is now: the rotation reads who was a member when. */
    refreshMembers: assign({
      memberSquadIds: ({ context, event }) => (context.kind === 'group' ? event.facts.memberSquadIds : []),
    }),
  },
}).createMachine({
  id: 'meeting',
  initial: 'scheduled',
  context: fromInput((input) => ({
    kind: input.kind,
    groupId: input.groupId,
    arrangements: input.arrangements,
    rotationConvenerSquadId: input.rotationConvenerSquadId,
    memberSquadIds: input.memberSquadIds,
    record: null,
    createdBy: input.createdBy,
    recordedBy: null,
    recordedAt: null,
    cancelReason: null,
  })),
  states: {
    scheduled: {
      entry: notify('meeting.scheduled'),
      on: {
        EDIT_MEETING: {
          guard: rules(['isOrganiser', 'stillInGroup', 'arrangementsSound']),
          actions: [
            'refreshMembers',
            assign({
              arrangements: ({ event }) => {
                assertEvent(event, 'EDIT_MEETING');
                return event.arrangements;
              },
            }),
          ],
        },
        RECORD: {
          target: 'held',
          guard: rules(['isOrganiser', 'stillInGroup', 'recordSound']),
          actions: [
            'refreshMembers',
            assign({
              record: ({ event }) => {
                assertEvent(event, 'RECORD');
                return event.record;
              },
              recordedBy: ({ event }) => event.actor.userId,
              recordedAt: ({ event }) => event.at,
            }),
            notify('meeting.recorded'),
          ],
        },
        CANCEL: {
          target: 'cancelled',
          guard: rules(['isOrganiserOrManager', 'reasonGiven']),
          actions: [
            assign({
              cancelReason: ({ event }) => {
                assertEvent(event, 'CANCEL');
                return event.reason.trim();
              },
            }),
            notify('meeting.cancelled'),
          ],
        },
      },
    },
    held: { type: 'final' },
    cancelled: { type: 'final' },
  },
});
