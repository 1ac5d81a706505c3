import { type EntityManager, In, Not } from 'typeorm';
import type { Config } from '../../../config';
import {
  GROUP_PLAN_MACHINE_VERSION,
  type GroupPlanContent,
  type GroupPlanContext,
  type GroupPlanEvent,
  type GroupPlanEventType,
  type GroupPlanFacts,
  type GroupPlanInput,
  type GroupPlanState,
  groupPlanEventProblems,
  groupPlanMachine,
  mayGroupPlan,
} from '../../../workflows/group-plan';
import type { CommandEvent, StepRecord, WorkflowDefinition } from '../../engine/workflow-definition';
import { Operation } from '../../persistence/entities';
import { insertRow, updateRow } from '../../persistence/rows';
import { groupMembers, mayReadGroupRecord, ownSquadIn } from './group-scope';

export type GroupPlanWorkflow = WorkflowDefinition<GroupPlanContext, GroupPlanInput>;

/** The facts a plan's rules read: the group as it is now, and which of the operations it links to are the group's (R5, R6). */
export async function groupPlanFacts(
  m: EntityManager,
  brigadeId: number,
  groupId: number,
  content: GroupPlanContent,
  timeZone: string,
  config: Readonly<Config>,
): Promise<GroupPlanFacts> {
  const linked = [...new Set(content.operations.map((l) => l.operationId).filter((x): x is number => x !== null))];
  const [memberSquadIds, linkable] = await Promise.all([
    groupMembers(m, brigadeId, groupId),
    linked.length
      ? m.find(Operation, {
          select: { id: true },
          where: { id: In(linked), brigadeId, groupId, state: Not('cancelled') },
        })
      : [],
  ]);
  return {
    memberSquadIds,
    linkableOperationIds: linkable.map((o) => o.id),
    timeZone,
    limits: { minOperations: config.jobs.monthlyMinimum },
  };
}

/** The monthly group plan run by the engine: machine and rules from workflows/group-plan, projection here. */
export function groupPlanWorkflow(config: Readonly<Config>): GroupPlanWorkflow {
  return {
    name: 'group_plan',
    machine: groupPlanMachine,
    version: GROUP_PLAN_MACHINE_VERSION,
    // R5: a group's plan is the group's and the managers' to read; nobody else hears of its state.
    mayRead: (actor, context) => mayReadGroupRecord(actor, context.groupId),
    may: (type, actor, context, state) =>
      mayGroupPlan(
        type as GroupPlanEventType,
        actor,
        context,
        state as GroupPlanState,
        ownSquadIn(actor, context.groupId),
      ),
    problems: (context, event) => groupPlanEventProblems(context, event as GroupPlanEvent),
    async facts(m, actor, context, command: CommandEvent) {
      const content = command.type === 'EDIT_PLAN' ? (command.content as GroupPlanContent) : context.content;
      return groupPlanFacts(m, actor.brigadeId, context.groupId, content, actor.timeZone, config);
    },
    project: projectGroupPlan,
    // R5's deadline (filed before the month starts) is watched by the plans-and-meetings job, not by a time limit.
    deadlines: () => [],
  };
}

const date = (iso: string | null) => (iso ? new Date(iso) : null);

/** Writes the plan's queryable record from its snapshot. */
async function projectGroupPlan(m: EntityManager, step: StepRecord<GroupPlanContext>): Promise<void> {
  const ctx = step.next;
  const columns: Record<string, unknown> = {
    state: step.to,
    target_count: ctx.content.targets.length,
    planned_operations: ctx.content.operations.length,
    first_filed_at: date(ctx.firstFiledAt),
    filed_at: date(ctx.filedAt),
    filed_late: ctx.filedLate,
    return_count: ctx.returnCount,
    last_return_reason: ctx.lastReturnReason,
    updated_at: step.at,
  };
  if (step.previous === null) {
    const all = {
      id: step.instanceId,
      brigade_id: step.brigadeId,
      group_id: ctx.groupId,
      month: ctx.month,
      ...columns,
      created_by: ctx.createdBy,
      created_at: step.at,
    };
    await insertRow(m, 'group_plans', all);
  } else {
    await updateRow(m, 'group_plans', step.instanceId, columns);
  }
}
