import type { EntityManager } from 'typeorm';
import type { Config } from '../../../config';
import {
  CASE_TRANSFER_MACHINE_VERSION,
  type CaseTransferContext,
  type CaseTransferEvent,
  type CaseTransferEventType,
  type CaseTransferFacts,
  type CaseTransferInput,
  type CaseTransferState,
  OPEN_TRANSFER_STATES,
  caseTransferMachine,
  competentSquad,
  mayTransfer,
  transferEventProblems,
} from '../../../workflows/case-transfer';
import type { DeadlineSpec, EngineActor, StepRecord, WorkflowDefinition } from '../../engine/workflow-definition';
import { ConflictError } from '../../errors';
import { Squad } from '../../persistence/entities';
import { claimCaseForTransfer, endCaseTransfer, transferReferences } from './cases.queries';
import { insertRow, updateRow } from '../../persistence/rows';
import { amberAtOf } from '../oversight/lights';

const DAY = 86_400_000;

export type CaseTransferWorkflow = WorkflowDefinition<CaseTransferContext, CaseTransferInput>;

/** The facts a transfer's rules read: the squads in use. */
export async function transferFacts(
  m: EntityManager,
  actor: Pick<EngineActor, 'brigadeId'>,
): Promise<CaseTransferFacts> {
  const active = await m.find(Squad, { select: { id: true }, where: { brigadeId: actor.brigadeId, active: true } });
  return { activeSquadIds: active.map((s) => s.id) };
}

/**
 * §3.5 for R10: the receiving squad answers a proposal within `answerDays`;
 * the legal section designates in a dispute within `designationDays`. Both
 * are watched (the time-limits job flags them), neither sends an event.
 */
export function transferDeadlines(config: Readonly<Config>, state: string, enteredAt: Date): DeadlineSpec[] {
  const t = config.transfers;
  if (state === 'proposed')
    return [{ kind: 'transfer_answer', dueAt: new Date(enteredAt.getTime() + t.answerDays * DAY) }];
  if (state === 'disputed')
    return [{ kind: 'transfer_designation', dueAt: new Date(enteredAt.getTime() + t.designationDays * DAY) }];
  return [];
}

/** Case transfers run by the engine: machine and rules from workflows/case-transfer, projection and limits here. */
export function caseTransferWorkflow(config: Readonly<Config>): CaseTransferWorkflow {
  return {
    name: 'case_transfer',
    machine: caseTransferMachine,
    version: CASE_TRANSFER_MACHINE_VERSION,
    may: (type, actor, context, state) =>
      mayTransfer(type as CaseTransferEventType, actor, context, state as CaseTransferState),
    problems: (context, event) => transferEventProblems(context, event as CaseTransferEvent),
    facts: (m, actor) => transferFacts(m, actor),
    project: (m, step) => projectTransfer(config, m, step),
    deadlines: (_context, state, enteredAt) => transferDeadlines(config, state, enteredAt),
  };
}

/**
 * Writes the transfer's queryable record, and the case's side of it in the
 * same transaction: a proposal marks the case as having an open transfer (one
 * at a time, and only from the squad handling it — a conditional update, so
 * two proposals at once cannot both pass); the end of a transfer clears it and,
 * when the case moved, hands it to the competent squad (R10).
 */
async function projectTransfer(
  config: Readonly<Config>,
  m: EntityManager,
  step: StepRecord<CaseTransferContext>,
): Promise<void> {
  const ctx = step.next;
  const state = step.to as CaseTransferState;
  const open = OPEN_TRANSFER_STATES.includes(state);
  const limit = open ? transferDeadlines(config, state, step.at)[0] : undefined;
  const amberAt = limit ? amberAtOf(step.at, limit.dueAt) : null;
  const columns: Record<string, unknown> = {
    state,
    designated_squad_id: ctx.designatedSquadId,
    closed_at: open ? null : step.at,
    due_at: limit?.dueAt ?? null,
    amber_at: amberAt,
    updated_at: step.at,
  };
  if (step.previous === null) {
    const claimed = await claimCaseForTransfer(m, {
      caseId: ctx.caseId,
      brigadeId: step.brigadeId,
      fromSquadId: ctx.fromSquadId,
      transferId: step.instanceId,
      at: step.at,
    });
    if (!claimed)
      throw new ConflictError(
        'The case already has a transfer under way, or has moved to another squad',
        'transfer_open',
      );
    const all = {
      id: step.instanceId,
      brigade_id: step.brigadeId,
      case_id: ctx.caseId,
      from_squad_id: ctx.fromSquadId,
      to_squad_id: ctx.toSquadId,
      proposed_at: step.at,
      created_by: ctx.proposedBy,
      ...columns,
    };
    await insertRow(m, 'case_transfers', all);
    return;
  }
  await updateRow(m, 'case_transfers', step.instanceId, columns);
  if (!open) {
    await endCaseTransfer(m, ctx.caseId, competentSquad(ctx, state), step.at);
  }
}

/**
 * For the time-limits job (§3.5): what a late transfer's flag names — the
 * receiving squad for an answer, nobody's squad for a designation (the legal
 * section's) — and its case number as the flag's title.
 */
export async function transferFlagContext(
  m: EntityManager,
  late: ReadonlyArray<{ workflow: string; instanceId: number; kind: string }>,
): Promise<
  Map<
    number,
    {
      rule: string;
      kind: string;
      groupId: null;
      squadId: number | null;
      recordType: string;
      recordId: number;
      title: string;
    }
  >
> {
  const ids = late.filter((d) => d.workflow === 'case_transfer').map((d) => d.instanceId);
  if (!ids.length) return new Map();
  const rows = await transferReferences(m, ids);
  const kindOf = new Map(late.map((d) => [d.instanceId, d.kind]));
  return new Map(
    rows.map((r) => [
      Number(r.id),
      {
        rule: '§3.5',
        kind: 'time_limit',
        groupId: null,
        squadId: kindOf.get(Number(r.id)) === 'transfer_answer' ? Number(r.to_squad_id) : null,
        recordType: 'case_transfer',
        recordId: Number(r.id),
        title: r.reference,
      },
    ]),
  );
}
