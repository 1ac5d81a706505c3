import type { EntityManager } from 'typeorm';
import type { Config } from '../../../config';
import {
  HARD_PROBLEM_MACHINE_VERSION,
  HARD_PROBLEM_SNAPSHOT_MIGRATIONS,
  type HardProblemContext,
  type HardProblemEvent,
  type HardProblemEventType,
  type HardProblemFacts,
  type HardProblemInput,
  type HardProblemState,
  hardProblemEventProblems,
  hardProblemMachine,
  mayHardProblem,
} from '../../../workflows/hard-problem';
import type { CommandEvent, StepRecord, WorkflowDefinition } from '../../engine/workflow-definition';
import {
  closeDeadline,
  holdingHostSquads,
  insertProblemReport,
  insertResolution,
  linkOperation,
  mergeProblemRows,
  problemStateForUpdate,
} from './problems.queries';
import { insertRow, updateRow } from '../../persistence/rows';

export type HardProblemWorkflow = WorkflowDefinition<HardProblemContext, HardProblemInput>;

/** A place as duplicates are matched on it: lower case, without spaces, punctuation or symbols (“外滩 中山东一路”= “外滩·中山东一路”). */
export function locationKey(location: string): string {
  return location
    .toLowerCase()
    .replace(/[\p{P}\p{Z}\p{S}\s]+/gu, '')
    .slice(0, 300);
}

/**
 * R12: the host squads holding, now, an operation whose plan targets the
 * problem or that resolved it — they find its rebound in holding (§3.4).
 */
export function holdingSquadsOf(m: EntityManager, brigadeId: number, problemId: number): Promise<number[]> {
  return holdingHostSquads(m, brigadeId, problemId);
}

/** The facts a problem's rules read: the survivor MERGE names; for REBOUND, the squads holding an operation of it. */
export async function hardProblemFacts(
  m: EntityManager,
  brigadeId: number,
  command: CommandEvent,
  id: number,
): Promise<HardProblemFacts> {
  if (command.type === 'REBOUND')
    return { mergeTarget: null, holdingSquadIds: await holdingSquadsOf(m, brigadeId, id) };
  if (command.type !== 'MERGE') return { mergeTarget: null };
  const intoId = Number(command.intoId);
  // The survivor is held until this step commits: two problems merged into each other at once cannot both go.
  const target = Number.isSafeInteger(intoId) ? await problemStateForUpdate(m, brigadeId, intoId) : null;
  return { mergeTarget: target ? { id: target.id, state: target.state as HardProblemState } : null };
}

/** Hard problems run by the engine: machine and rules from workflows/hard-problem, projection here. */
export function hardProblemWorkflow(config: Readonly<Config>): HardProblemWorkflow {
  return {
    name: 'hard_problem',
    machine: hardProblemMachine,
    version: HARD_PROBLEM_MACHINE_VERSION,
    migrations: HARD_PROBLEM_SNAPSHOT_MIGRATIONS,
    may: (type, actor, context, state, facts) =>
      mayHardProblem(
        type as HardProblemEventType,
        actor,
        context,
        state as HardProblemState,
        facts as HardProblemFacts | undefined,
      ),
    // R12: who may report a rebound found in holding depends on which squads hold an operation of the problem now.
    permitFacts: async (m, actor, _context, command, id) =>
      command.type === 'REBOUND' ? { holdingSquadIds: await holdingSquadsOf(m, actor.brigadeId, id) } : undefined,
    problems: (context, event) => hardProblemEventProblems(context, event as HardProblemEvent),
    facts: (m, actor, _context, command, id) => hardProblemFacts(m, actor.brigadeId, command, id),
    project: projectHardProblem,
    // §3.5: a report waits so long to be accepted; a resolved hotline complaint so long for its call-back.
    deadlines: (context, state, enteredAt) => {
      const after = (hours: number) => new Date(enteredAt.getTime() + hours * 3_600_000);
      if (state === 'reported') return [{ kind: 'accept', dueAt: after(config.problems.acceptHours) }];
      if (state === 'resolved' && context.report.source === 'hotline_12319')
        return [{ kind: 'callback', dueAt: after(config.problems.callbackHours) }];
      return [];
    },
  };
}

async function addReport(
  m: EntityManager,
  step: StepRecord<HardProblemContext>,
  kind: string,
  source: string | null,
  description: string,
): Promise<void> {
  await insertProblemReport(m, {
    brigadeId: step.brigadeId,
    problemId: step.instanceId,
    kind,
    source,
    description: description.slice(0, 5000),
    byUserId: step.actor.userId,
    at: step.at,
  });
}

export { linkOperation };

/** Writes the problem's queryable record from its snapshot (and, on a merge, hands its reports and the plans that target it to the survivor). */
async function projectHardProblem(m: EntityManager, step: StepRecord<HardProblemContext>): Promise<void> {
  const ctx = step.next;
  const lastResolution = ctx.resolutions[ctx.resolutions.length - 1];
  const lastRebound = ctx.rebounds[ctx.rebounds.length - 1];
  const columns: Record<string, unknown> = {
    state: step.to,
    squad_ids: ctx.report.squadIds,
    merged_into_id: ctx.mergedIntoId,
    repeat_count: ctx.repeatCount,
    callback_count: ctx.callbacks.length,
    accepted_at: ctx.acceptedAt ? new Date(ctx.acceptedAt) : null,
    // Resolved now, not once: a reopened problem has no current resolution (its resolutions stay in its history).
    resolved_at: step.to === 'resolved' && lastResolution ? new Date(lastResolution.at) : null,
    reopened_at: lastRebound ? new Date(lastRebound.at) : null,
    updated_at: step.at,
  };
  if (step.previous === null) {
    const all = {
      id: step.instanceId,
      brigade_id: step.brigadeId,
      source: ctx.report.source,
      category: ctx.report.category,
      title: ctx.report.title,
      location: ctx.report.location,
      location_key: locationKey(ctx.report.location),
      reported_at: new Date(ctx.reportedAt),
      from_notice_id: ctx.fromNoticeId,
      created_by: ctx.reportedBy,
      ...columns,
    };
    await insertRow(m, 'hard_problems', all);
    await addReport(m, step, 'report', ctx.report.source, ctx.report.description);
    return;
  }
  await updateRow(m, 'hard_problems', step.instanceId, columns);
  const event = step.event;
  if (event.type === 'REBOUND') {
    await addReport(m, step, 'rebound', String(event.origin), String(event.note ?? ''));
  } else if (event.type === 'MERGE' && ctx.mergedIntoId !== null) {
    // §3.4: the survivor gains the duplicate's reports (and so its sources) and the plans that target it; the
    // duplicate keeps none, so no operation lists both. (A duplicate has no resolutions to hand over: only a
    // reported problem is merged.)
    await mergeProblemRows(m, step.brigadeId, step.instanceId, ctx.mergedIntoId, step.at);
  } else if (event.type === 'RECORD_CALLBACK') {
    // The call-back is a step within `resolved`: the engine closes time limits on a change of state only.
    await closeDeadline(m, step.instanceId, 'callback', step.at);
  } else if (event.type === 'RESOLVE' && typeof lastResolution?.operationId === 'number') {
    // "Resolved by" is its own link: the plan's targets are the plan's (an edit of it never takes this away).
    await insertResolution(m, {
      problemId: step.instanceId,
      seq: step.seq,
      operationId: lastResolution.operationId,
      brigadeId: step.brigadeId,
      at: step.at,
    });
  }
}
