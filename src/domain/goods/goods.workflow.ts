import type { EntityManager } from 'typeorm';
import type { Config } from '../../../config';
import {
  GOODS_MACHINE_VERSION,
  type GoodsContext,
  type GoodsEvent,
  type GoodsEventType,
  type GoodsInput,
  goodsEventProblems,
  goodsMachine,
  mayGoods,
} from '../../../workflows/goods';
import type { StepRecord, WorkflowDefinition } from '../../engine/workflow-definition';
import { Squad } from '../../persistence/entities';
import { insertRow, updateRow } from '../../persistence/rows';
import { amberAtOf } from '../oversight/lights';

export type GoodsWorkflow = WorkflowDefinition<GoodsContext, GoodsInput>;

/** Detained goods run by the engine: machine and rules from workflows/goods, projection here. */
export function goodsWorkflow(config: Readonly<Config>): GoodsWorkflow {
  return {
    name: 'goods',
    machine: goodsMachine,
    version: GOODS_MACHINE_VERSION,
    may: (type, actor, context) => mayGoods(type as GoodsEventType, actor, context),
    problems: (context, event) => goodsEventProblems(context, event as GoodsEvent),
    facts: async (m, actor) => {
      const active = await m.find(Squad, { select: { id: true }, where: { brigadeId: actor.brigadeId, active: true } });
      return { activeSquadIds: active.map((s) => s.id), extensionDays: config.goods.extensionDays };
    },
    project: projectGoods,
    // R13's limit moves with an extension inside one state: it lives on goods_items.due_at, swept by the goods-limits job.
    deadlines: () => [],
  };
}

/** Writes the item's queryable record from its snapshot. */
async function projectGoods(m: EntityManager, step: StepRecord<GoodsContext>): Promise<void> {
  const ctx = step.next;
  const columns: Record<string, unknown> = {
    state: step.to,
    custodian_squad_id: ctx.custody.squadId,
    storage_place: ctx.custody.place,
    due_at: new Date(ctx.dueAt),
    amber_at: amberAtOf(ctx.registeredAt, ctx.dueAt),
    extended: ctx.extension !== null,
    disposal_approved: ctx.disposalApproval !== null,
    closed_at: ctx.outcome ? new Date(ctx.outcome.at) : null,
    updated_at: step.at,
  };
  if (step.previous === null) {
    const all = {
      id: step.instanceId,
      brigade_id: step.brigadeId,
      operation_id: ctx.operationId,
      party_id: ctx.partyId,
      description: ctx.description,
      quantity: ctx.quantity,
      unit: ctx.unit,
      perishable: ctx.perishable,
      case_ref: ctx.caseRef,
      registered_at: new Date(ctx.registeredAt),
      registered_by: ctx.registeredBy,
      ...columns,
    };
    await insertRow(m, 'goods_items', all);
  } else {
    await updateRow(m, 'goods_items', step.instanceId, columns);
  }
}
