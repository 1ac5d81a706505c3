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
import { assertEvent, assign, setup } from 'xstate';
import { ruleGuards, rules, fromInput } from '../shared/rules';
import { ms } from '../shared/time';
import { GROUP_PLAN_WHAT, GROUP_PLAN_WHO } from './group-plan.rules';
import type { GroupPlanContext, GroupPlanEvent, GroupPlanInput } from './group-plan.types';

/** Bump when states, events or context change shape; add a migration in the workflow definition. */
export const GROUP_PLAN_MACHINE_VERSION = 1;

const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });

export const groupPlanMachine = setup({
  types: {
    context: {} as GroupPlanContext,
    events: {} as GroupPlanEvent,
    input: {} as GroupPlanInput,
  },
  // The group's squads as they are now, from the event's facts (the engine reads the caller's own for a 403).
  guards: ruleGuards<GroupPlanContext, GroupPlanEvent>()(
    GROUP_PLAN_WHO,
    GROUP_PLAN_WHAT,
    (event) => event.facts.memberSquadIds,
  ),
  actions: {
    /** A side effect for the outbox: the engine delivers it after commit. */
    notify: (_args, _params: { topic: string }) => undefined,
  },
}).createMachine({
  id: 'group_plan',
  initial: 'draft',
  context: fromInput((input) => ({
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
  })),
  states: {
    draft: {
      on: {
        EDIT_PLAN: {
          guard: rules(['isGroupLeader', 'stillInGroup', 'contentSound']),
          actions: assign({
            content: ({ event }) => {
              assertEvent(event, 'EDIT_PLAN');
              return event.content;
            },
          }),
        },
        FILE: {
          target: 'filed',
          guard: rules(['isGroupLeader', 'stillInGroup', 'planFitToFile']),
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
          guard: rules(['isManager', 'reasonGiven']),
          actions: [
            assign({
              returnCount: ({ context }) => context.returnCount + 1,
              lastReturnReason: ({ event }) => {
                assertEvent(event, 'RETURN');
                return event.reason.trim();
              },
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
