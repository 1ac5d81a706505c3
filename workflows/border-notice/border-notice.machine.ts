/**
 * A border notification (信息告知, R8).
 *
 *   sent --TO_PROBLEM--> became_problem
 *   sent --TO_PLAN-----> became_plan       (an ad_hoc operation's draft)
 *   sent --CLOSE(reason)--> closed
 */
import { assertEvent, assign, setup } from 'xstate';
import { ruleGuards, rules, fromInput } from '../shared/rules';
import { BORDER_NOTICE_WHAT, BORDER_NOTICE_WHO } from './border-notice.rules';
import type { BorderNoticeContext, BorderNoticeEvent, BorderNoticeInput } from './border-notice.types';

/** Bump when states, events or context change shape; add a migration in the workflow definition. */
export const BORDER_NOTICE_MACHINE_VERSION = 1;

const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });
const decided = {
  decidedBy: ({ event }: { event: BorderNoticeEvent }) => event.actor.userId,
  decidedAt: ({ event }: { event: BorderNoticeEvent }) => event.at,
};

export const borderNoticeMachine = setup({
  types: {
    context: {} as BorderNoticeContext,
    events: {} as BorderNoticeEvent,
    input: {} as BorderNoticeInput,
  },
  // The group's squads as they are now, from the event's facts (the engine reads the same for a 403).
  guards: ruleGuards<BorderNoticeContext, BorderNoticeEvent>()(
    BORDER_NOTICE_WHO,
    BORDER_NOTICE_WHAT,
    (event) => event.facts.memberSquadIds,
  ),
  actions: {
    notify: (_args, _params: { topic: string }) => undefined,
  },
}).createMachine({
  id: 'borderNotice',
  initial: 'sent',
  context: fromInput((input) => ({
    report: input.report,
    senderSquadId: input.senderSquadId,
    groupId: input.groupId,
    sentBy: input.sentBy,
    problemId: null,
    operationId: null,
    closeReason: null,
    decidedBy: null,
    decidedAt: null,
  })),
  states: {
    sent: {
      entry: notify('border_notice.sent'),
      on: {
        TO_PROBLEM: {
          target: 'became_problem',
          guard: rules(['isGroupLeader', 'problemNamed']),
          actions: assign({
            problemId: ({ event }) => {
              assertEvent(event, 'TO_PROBLEM');
              return event.problemId;
            },
            ...decided,
          }),
        },
        TO_PLAN: {
          target: 'became_plan',
          guard: rules(['isGroupLeader', 'operationNamed']),
          actions: assign({
            operationId: ({ event }) => {
              assertEvent(event, 'TO_PLAN');
              return event.operationId;
            },
            ...decided,
          }),
        },
        CLOSE: {
          target: 'closed',
          guard: rules(['isGroupLeader', 'reasonGiven']),
          actions: assign({
            closeReason: ({ event }) => {
              assertEvent(event, 'CLOSE');
              return event.reason.trim();
            },
            ...decided,
          }),
        },
      },
    },
    became_problem: { type: 'final' },
    became_plan: { type: 'final' },
    closed: { type: 'final' },
  },
});
