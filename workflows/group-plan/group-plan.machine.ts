/**
 * The monthly group plan (联动小组月度计划), R5 and SPEC §3.6:
 *
 *   draft --FILE--> filed
 *     ^               |
 *     +----RETURN-----+      (the Duty Command Section sends it back, with a reason)
 *
 * A squad leader of the group drafts, edits and files it; filing is a record
 * with the Duty Command Section (备案), not an approval. A filed plan is
 * revised by being returned and filed again. Filing after the month has begun
 * is allowed (reality is recorded) but marked late.
 */
import { and, assign, setup } from 'xstate';
import { ms } from '../shared/time';
import { groupPlanEventProblems, mayGroupPlan } from './group-plan.rules';
import type { GroupPlanContext, GroupPlanEvent, GroupPlanInput, GroupPlanState } from './group-plan.types';

type Ev<T extends GroupPlanEvent['type']> = Extract<GroupPlanEvent, { type: T }>;

/** Bump when states, events or context change shape; add a migration in the workflow definition. */
export const GROUP_PLAN_MACHINE_VERSION = 1;

const allowed = (state: GroupPlanState) => and([{ type: 'permitted', params: { state } }, 'sound']);

const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });

export const groupPlanMachine = setup({
  types: {
    context: {} as GroupPlanContext,
    events: {} as GroupPlanEvent,
    input: {} as GroupPlanInput,
  },
  guards: {
    permitted: ({ context, event }, params: { state: GroupPlanState }) => mayGroupPlan(event.type, event.actor, context, params.state, event.facts.memberSquadIds).ok,
    sound: ({ context, event }) => groupPlanEventProblems(context, event).length === 0,
  },
  actions: {
    /** A side effect for the outbox: the engine delivers it after commit. */
    notify: (_args, _params: { topic: string }) => undefined,
  },
}).createMachine({
  id: 'group_plan',
  initial: 'draft',
  context: ({ input }) => ({
    groupId: input.groupId,
    month: input.month,
    dueAt: input.dueAt,
    content: input.content,
    createdBy: input.createdBy,
    filedBy: null,
    filedAt: null,
    firstFiledAt: null,
    filedLate: null,
    returnCount: 0,
    lastReturnReason: null,
    returnedBy: null,
  }),
  states: {
    draft: {
      on: {
        EDIT_PLAN: {
          guard: allowed('draft'),
          actions: assign({ content: ({ event }) => (event as Ev<'EDIT_PLAN'>).content }),
        },
        FILE: {
          target: 'filed',
          guard: allowed('draft'),
          actions: [
            assign(({ context, event }) => {
              const first = context.firstFiledAt ?? event.at;
              return {
                filedBy: event.actor.userId,
                filedAt: event.at,
                firstFiledAt: first,
                // R5: filed before the month starts; a later filing is recorded, and marked late.
                filedLate: ms(first) > ms(context.dueAt),
              };
            }),
            notify('group_plan.filed'),
          ],
        },
      },
    },
    filed: {
      on: {
        RETURN: {
          target: 'draft',
          guard: allowed('filed'),
          actions: [
            assign({
              returnCount: ({ context }) => context.returnCount + 1,
              lastReturnReason: ({ event }) => (event as Ev<'RETURN'>).reason.trim(),
              returnedBy: ({ event }) => event.actor.userId,
              filedBy: null,
              filedAt: null,
            }),
            notify('group_plan.returned'),
          ],
        },
      },
    },
  },
});
