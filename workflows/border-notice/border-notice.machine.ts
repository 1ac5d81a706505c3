/**
 * A border notification (信息告知, R8).
 *
 *   sent --TO_PROBLEM--> became_problem
 *   sent --TO_PLAN-----> became_plan       (an ad_hoc operation's draft)
 *   sent --CLOSE(reason)--> closed
 */
import { and, assign, setup } from 'xstate';
import { borderNoticeEventProblems, mayBorderNotice } from './border-notice.rules';
import type { BorderNoticeContext, BorderNoticeEvent, BorderNoticeInput, BorderNoticeState } from './border-notice.types';

type Ev<T extends BorderNoticeEvent['type']> = Extract<BorderNoticeEvent, { type: T }>;

/** Bump when states, events or context change shape; add a migration in the workflow definition. */
export const BORDER_NOTICE_MACHINE_VERSION = 1;

const allowed = (state: BorderNoticeState) => and([{ type: 'permitted', params: { state } }, 'sound']);
const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });
const decided = { decidedBy: ({ event }: { event: BorderNoticeEvent }) => event.actor.userId, decidedAt: ({ event }: { event: BorderNoticeEvent }) => event.at };

export const borderNoticeMachine = setup({
  types: {
    context: {} as BorderNoticeContext,
    events: {} as BorderNoticeEvent,
    input: {} as BorderNoticeInput,
  },
  guards: {
    permitted: ({ context, event }, params: { state: BorderNoticeState }) => mayBorderNotice(event.type, event.actor, context, params.state, event.facts.memberSquadIds).ok,
    sound: ({ context, event }) => borderNoticeEventProblems(context, event).length === 0,
  },
  actions: {
    notify: (_args, _params: { topic: string }) => undefined,
  },
}).createMachine({
  id: 'borderNotice',
  initial: 'sent',
  context: ({ input }) => ({
    report: input.report,
    senderSquadId: input.senderSquadId,
    groupId: input.groupId,
    sentBy: input.sentBy,
    problemId: null,
    operationId: null,
    closeReason: null,
    decidedBy: null,
    decidedAt: null,
  }),
  states: {
    sent: {
      entry: notify('border_notice.sent'),
      on: {
        TO_PROBLEM: { target: 'became_problem', guard: allowed('sent'), actions: assign({ problemId: ({ event }) => (event as Ev<'TO_PROBLEM'>).problemId, ...decided }) },
        TO_PLAN: { target: 'became_plan', guard: allowed('sent'), actions: assign({ operationId: ({ event }) => (event as Ev<'TO_PLAN'>).operationId, ...decided }) },
        CLOSE: { target: 'closed', guard: allowed('sent'), actions: assign({ closeReason: ({ event }) => (event as Ev<'CLOSE'>).reason.trim(), ...decided }) },
      },
    },
    became_problem: { type: 'final' },
    became_plan: { type: 'final' },
    closed: { type: 'final' },
  },
});
