import type { EntityManager } from 'typeorm';
import {
  BORDER_NOTICE_MACHINE_VERSION,
  type BorderNoticeContext,
  type BorderNoticeEvent,
  type BorderNoticeEventType,
  type BorderNoticeFacts,
  type BorderNoticeInput,
  type BorderNoticeState,
  borderNoticeEventProblems,
  borderNoticeMachine,
  mayBorderNotice,
} from '../../../workflows/border-notice';
import type { StepRecord, WorkflowDefinition } from '../../engine/workflow-definition';
import { insertRow, updateRow } from '../../persistence/rows';
import { groupMembers, ownSquadIn } from '../plans/group-scope';

export type BorderNoticeWorkflow = WorkflowDefinition<BorderNoticeContext, BorderNoticeInput>;

export async function borderNoticeFacts(
  m: EntityManager,
  brigadeId: number,
  groupId: number | null,
): Promise<BorderNoticeFacts> {
  return { memberSquadIds: groupId === null ? [] : await groupMembers(m, brigadeId, groupId) };
}

/** Border notifications (R8) run by the engine. */
export function borderNoticeWorkflow(): BorderNoticeWorkflow {
  return {
    name: 'border_notice',
    machine: borderNoticeMachine,
    version: BORDER_NOTICE_MACHINE_VERSION,
    may: (type, actor, context, state) =>
      mayBorderNotice(
        type as BorderNoticeEventType,
        actor,
        context,
        state as BorderNoticeState,
        ownSquadIn(actor, context.groupId),
      ),
    problems: (context, event) => borderNoticeEventProblems(context, event as BorderNoticeEvent),
    facts: (m, actor, context) => borderNoticeFacts(m, actor.brigadeId, context.groupId),
    project: projectBorderNotice,
    deadlines: () => [],
  };
}

async function projectBorderNotice(m: EntityManager, step: StepRecord<BorderNoticeContext>): Promise<void> {
  const ctx = step.next;
  const columns: Record<string, unknown> = {
    state: step.to,
    problem_id: ctx.problemId,
    operation_id: ctx.operationId,
    updated_at: step.at,
  };
  if (step.previous === null) {
    const all = {
      id: step.instanceId,
      brigade_id: step.brigadeId,
      group_id: ctx.groupId,
      sender_squad_id: ctx.senderSquadId,
      squad_ids: ctx.report.squadIds,
      location: ctx.report.location,
      what: ctx.report.what.slice(0, 5000),
      seen_at: new Date(ctx.report.seenAt),
      sent_by: ctx.sentBy,
      created_at: step.at,
      ...columns,
    };
    await insertRow(m, 'border_notices', all);
  } else {
    await updateRow(m, 'border_notices', step.instanceId, columns);
  }
}
