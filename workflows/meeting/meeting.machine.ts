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
import { and, assign, setup } from 'xstate';
import { mayMeeting, meetingEventProblems } from './meeting.rules';
import type { MeetingContext, MeetingEvent, MeetingInput, MeetingState } from './meeting.types';

type Ev<T extends MeetingEvent['type']> = Extract<MeetingEvent, { type: T }>;

/** Bump when states, events or context change shape; add a migration in the workflow definition. */
export const MEETING_MACHINE_VERSION = 1;

const allowed = (state: MeetingState) => and([{ type: 'permitted', params: { state } }, 'sound']);

const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });

export const meetingMachine = setup({
  types: {
    context: {} as MeetingContext,
    events: {} as MeetingEvent,
    input: {} as MeetingInput,
  },
  guards: {
    permitted: ({ context, event }, params: { state: MeetingState }) => mayMeeting(event.type, event.actor, context, params.state, event.facts.memberSquadIds).ok,
    sound: ({ context, event }) => meetingEventProblems(context, event).length === 0,
  },
  actions: {
    /** A side effect for the outbox: the engine delivers it after commit. */
    notify: (_args, _params: { topic: string }) => undefined,
    /** Every step notes the group's membership as it is now: the rotation reads who was a member when. */
    refreshMembers: assign({ memberSquadIds: ({ context, event }) => (context.kind === 'group' ? event.facts.memberSquadIds : []) }),
  },
}).createMachine({
  id: 'meeting',
  initial: 'scheduled',
  context: ({ input }) => ({
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
  }),
  states: {
    scheduled: {
      entry: notify('meeting.scheduled'),
      on: {
        EDIT_MEETING: {
          guard: allowed('scheduled'),
          actions: ['refreshMembers', assign({ arrangements: ({ event }) => (event as Ev<'EDIT_MEETING'>).arrangements })],
        },
        RECORD: {
          target: 'held',
          guard: allowed('scheduled'),
          actions: [
            'refreshMembers',
            assign({
              record: ({ event }) => (event as Ev<'RECORD'>).record,
              recordedBy: ({ event }) => event.actor.userId,
              recordedAt: ({ event }) => event.at,
            }),
            notify('meeting.recorded'),
          ],
        },
        CANCEL: {
          target: 'cancelled',
          guard: allowed('scheduled'),
          actions: [assign({ cancelReason: ({ event }) => (event as Ev<'CANCEL'>).reason.trim() }), notify('meeting.cancelled')],
        },
      },
    },
    held: { type: 'final' },
    cancelled: { type: 'final' },
  },
});
