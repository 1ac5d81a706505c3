/**
 * A hard problem (难点顽症, SPEC §3.4; R7, R8, R15).
 *
 *   reported --ACCEPT--> open --RESOLVE--> resolved --REBOUND--> open
 *   reported --MERGE(into)--> merged            (RECORD_CALLBACK while resolved)
 *
 * A rebound reopens the same problem and counts it (never a new problem); a
 * merged one points at the survivor, which gains its reports.
 */
import { and, assign, setup } from 'xstate';
import { hardProblemEventProblems, mayHardProblem } from './hard-problem.rules';
import type { HardProblemContext, HardProblemEvent, HardProblemInput, HardProblemState } from './hard-problem.types';

type Ev<T extends HardProblemEvent['type']> = Extract<HardProblemEvent, { type: T }>;

/**
 * Bump when states, events or context change shape; add a migration in
 * hard-problem.migrations.ts (the workflow definition runs it on load).
 * 2: each resolution names the operation that resolved it (`operationId`).
 */
export const HARD_PROBLEM_MACHINE_VERSION = 2;

const allowed = (state: HardProblemState) => and([{ type: 'permitted', params: { state } }, 'sound']);
const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });

export const hardProblemMachine = setup({
  types: {
    context: {} as HardProblemContext,
    events: {} as HardProblemEvent,
    input: {} as HardProblemInput,
  },
  guards: {
    permitted: ({ context, event }, params: { state: HardProblemState }) => mayHardProblem(event.type, event.actor, context, params.state, event.facts).ok,
    sound: ({ context, event }) => hardProblemEventProblems(context, event).length === 0,
  },
  actions: {
    /** A side effect for the outbox: the engine delivers it after commit. */
    notify: (_args, _params: { topic: string }) => undefined,
  },
}).createMachine({
  id: 'hardProblem',
  initial: 'reported',
  context: ({ input }) => ({
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
  }),
  states: {
    reported: {
      entry: notify('problem.reported'),
      on: {
        ACCEPT: {
          target: 'open',
          guard: allowed('reported'),
          actions: assign({ acceptedBy: ({ event }) => event.actor.userId, acceptedAt: ({ event }) => event.at }),
        },
        MERGE: {
          target: 'merged',
          guard: allowed('reported'),
          actions: assign({ mergedIntoId: ({ event }) => (event as Ev<'MERGE'>).intoId }),
        },
      },
    },
    open: {
      on: {
        RESOLVE: {
          target: 'resolved',
          guard: allowed('open'),
          actions: [
            assign({
              resolutions: ({ context, event }) => {
                const e = event as Ev<'RESOLVE'>;
                return [...context.resolutions, { note: e.note.trim(), at: e.at, by: e.actor.userId, operationId: e.operationId ?? null }];
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
          guard: allowed('resolved'),
          actions: [
            assign({
              rebounds: ({ context, event }) => {
                const e = event as Ev<'REBOUND'>;
                return [...context.rebounds, { origin: e.origin, note: e.note.trim(), at: e.at, by: e.actor.userId }];
              },
              repeatCount: ({ context }) => context.repeatCount + 1,
            }),
            notify('problem.rebound'),
          ],
        },
        RECORD_CALLBACK: {
          guard: allowed('resolved'),
          actions: assign({
            callbacks: ({ context, event }) => {
              const e = event as Ev<'RECORD_CALLBACK'>;
              return [...context.callbacks, { caller: e.caller.trim(), calledAt: e.calledAt, outcome: e.outcome, note: (e.note ?? '').trim(), recordedBy: e.actor.userId }];
            },
          }),
        },
      },
    },
    merged: { type: 'final' },
  },
});
