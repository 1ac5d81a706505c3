/**
 * A hard problem (难点顽症, SPEC §3.4; R7, R8, R15).
 *
 *   reported --ACCEPT--> open --RESOLVE--> resolved --REBOUND--> open
 *   reported --MERGE(into)--> merged            (RECORD_CALLBACK while resolved)
 *
 * A rebound reopens the same problem and counts it (never a new problem); a
 * merged one points at the survivor, which gains its reports.
 */
import { assertEvent, assign, setup } from 'xstate';
import { ruleGuards, rules, fromInput } from '../shared/rules';
import { HARD_PROBLEM_WHAT, HARD_PROBLEM_WHO } from './hard-problem.rules';
import type { HardProblemContext, HardProblemEvent, HardProblemInput } from './hard-problem.types';

/**
 * Bump when states, events or context change shape; add a migration in
 * hard-problem.migrations.ts (the workflow definition runs it on load).
 * 2: each resolution names the operation that resolved it (`operationId`).
 */
export const HARD_PROBLEM_MACHINE_VERSION = 2;

const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });

export const hardProblemMachine = setup({
  types: {
    context: {} as HardProblemContext,
    events: {} as HardProblemEvent,
    input: {} as HardProblemInput,
  },
  // Who-rules read the squads holding an operation of the problem from the event's facts (the engine loads the same for a 403).
  guards: ruleGuards<HardProblemContext, HardProblemEvent>()(
    HARD_PROBLEM_WHO,
    HARD_PROBLEM_WHAT,
    (event) => event.facts,
  ),
  actions: {
    /** A side effect for the outbox: the engine delivers it after commit. */
    notify: (_args, _params: { topic: string }) => undefined,
  },
}).createMachine({
  id: 'hardProblem',
  initial: 'reported',
  context: fromInput((input) => ({
    report: input.report,
    reportedBy: input.reportedBy,
    reportedAt: input.reportedAt,
    acceptedBy: null,
    acceptedAt: null,
    resolutions: [],
    rebounds: [],
    repeatCount: 0,
    callbacks: [],
    mergedIntoId: null,
    fromNoticeId: input.fromNoticeId,
  })),
  states: {
    reported: {
      entry: notify('problem.reported'),
      on: {
        ACCEPT: {
          target: 'open',
          guard: rules(['notHotlineFeed', 'isBorderLeaderOrManager']),
          actions: assign({ acceptedBy: ({ event }) => event.actor.userId, acceptedAt: ({ event }) => event.at }),
        },
        MERGE: {
          target: 'merged',
          guard: rules(['notHotlineFeed', 'isBorderLeaderOrManager', 'mergesIntoLiveProblem']),
          actions: assign({
            mergedIntoId: ({ event }) => {
              assertEvent(event, 'MERGE');
              return event.intoId;
            },
          }),
        },
      },
    },
    open: {
      on: {
        RESOLVE: {
          target: 'resolved',
          guard: rules(['notHotlineFeed', 'isBorderLeaderOrManager', 'noteGiven']),
          actions: [
            assign({
              resolutions: ({ context, event }) => {
                assertEvent(event, 'RESOLVE');
                return [
                  ...context.resolutions,
                  {
                    note: event.note.trim(),
                    at: event.at,
                    by: event.actor.userId,
                    operationId: event.operationId ?? null,
                  },
                ];
              },
            }),
            notify('problem.resolved'),
          ],
        },
      },
    },
    resolved: {
      on: {
        REBOUND: {
          target: 'open',
          guard: rules(['mayTellRebound', 'reboundOriginTold', 'noteGiven']),
          actions: [
            assign({
              rebounds: ({ context, event }) => {
                assertEvent(event, 'REBOUND');
                return [
                  ...context.rebounds,
                  { origin: event.origin, note: event.note.trim(), at: event.at, by: event.actor.userId },
                ];
              },
              repeatCount: ({ context }) => context.repeatCount + 1,
            }),
            notify('problem.rebound'),
          ],
        },
        RECORD_CALLBACK: {
          guard: rules([
            'notHotlineFeed',
            'isBorderLeaderOrManager',
            'hotlineProblemOnly',
            'callerNamed',
            'calledAfterResolution',
            'outcomeKnown',
          ]),
          actions: assign({
            callbacks: ({ context, event }) => {
              assertEvent(event, 'RECORD_CALLBACK');
              return [
                ...context.callbacks,
                {
                  caller: event.caller.trim(),
                  calledAt: event.calledAt,
                  outcome: event.outcome,
                  note: (event.note ?? '').trim(),
                  recordedBy: event.actor.userId,
                },
              ];
            },
          }),
        },
      },
    },
    merged: { type: 'final' },
  },
});
