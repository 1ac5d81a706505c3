import type { EntityManager } from 'typeorm';
import type { Config } from '../../../config';
import {
  OPERATION_MACHINE_VERSION,
  type HoldingCoverage,
  type OperationContext,
  type OperationEvent,
  type OperationEventType,
  type OperationFacts,
  type OperationInput,
  type OperationPlan,
  type OperationState,
  holdingCoverage,
  holdingDaysOf,
  mayOperation,
  operationEventProblems,
  operationMachine,
  operationSnapshotMigrations,
} from '../../../workflows/operation';
import type {
  CommandEvent,
  DeadlineSpec,
  EngineActor,
  StepRecord,
  WorkflowDefinition,
} from '../../engine/workflow-definition';
import { OperationSquad, Squad } from '../../persistence/entities';
import { squadsOfBrigade } from '../org/org.queries';
import {
  amendHoldingCheck,
  goodsCountBySquad,
  holdingRecordRows,
  noteHoldingCheckDate,
  planNumberOf,
  setPlanNumber,
  resultLinesStatements,
  newSquadRowsStatement,
  newSquadRowValues,
} from './operations.queries';
import { type Increment, insertRow, insertRowStatement } from '../../persistence/rows';
import { secondsBetween } from '../../persistence/dialect';
import { asDatetimeColumn, type Statement } from '../../persistence/sql';
import { DWELL_STATES } from '../figures/facts';
import { takeNumber } from '../numbering/record-number';
import { numberRowStatements } from '../numbering/numbering.queries';
import { localDate } from '../../../workflows/shared/time';

const HOUR = 3_600_000;

export type OperationWorkflow = WorkflowDefinition<OperationContext, OperationInput>;

/** The limits the rules read from config (R3, R6, R12). */
export function operationLimits(config: Readonly<Config>): OperationFacts['limits'] {
  return {
    minHours: config.operations.minHours,
    minSquads: config.operations.minSquads,
    holdingDaysMin: config.operations.holdingDaysMin,
    holdingDaysMax: config.operations.holdingDaysMax,
    lateEntryHours: config.operations.lateEntryHours,
    earlyStartHours: config.operations.earlyStartHours,
    minCoverage: config.holding.minCoverage,
    requiredSections: config.operations.requiredSections,
  };
}

/** Facts about the organisation for checking a plan, read in the command's transaction. */
export async function planFacts(
  m: EntityManager,
  actor: Pick<EngineActor, 'brigadeId' | 'timeZone'>,
  plan: Pick<OperationPlan, 'groupId'>,
  config: Readonly<Config>,
): Promise<OperationFacts> {
  return planFactsOf(await squadsOfBrigade(m, actor.brigadeId), actor, plan, config);
}

/** `planFacts` from the brigade's squads already read in the command's transaction (a create has them from its codes). */
export function planFactsOf(
  squads: ReadonlyArray<Pick<Squad, 'id' | 'groupId' | 'active'>>,
  actor: Pick<EngineActor, 'timeZone'>,
  plan: Pick<OperationPlan, 'groupId'>,
  config: Readonly<Config>,
): OperationFacts {
  return {
    activeSquadIds: squads.filter((s) => s.active).map((s) => s.id),
    groupSquadIds: plan.groupId === null ? null : squads.filter((s) => s.groupId === plan.groupId).map((s) => s.id),
    timeZone: actor.timeZone,
    limits: operationLimits(config),
  };
}

/** The joint operation run by the engine: machine and rules from workflows/operation, projection and limits here. */
export function operationWorkflow(config: Readonly<Config>): OperationWorkflow {
  const limits = operationLimits(config);
  return {
    name: 'operation',
    machine: operationMachine,
    version: OPERATION_MACHINE_VERSION,
    migrations: operationSnapshotMigrations,
    may: (type, actor, context, state) =>
      mayOperation(type as OperationEventType, actor, context, state as OperationState),
    problems: (context, event) => operationEventProblems(context, event as OperationEvent),
    async facts(m, actor, context, command: CommandEvent, id) {
      // Only a plan's checks read the organisation; other steps need the clock's zone and the limits, and a few what is recorded.
      if (command.type === 'FILE') return planFacts(m, actor, context.plan, config);
      if (command.type === 'EDIT_PLAN') return planFacts(m, actor, command.plan as OperationPlan, config);
      const base: OperationFacts = { activeSquadIds: [], groupSquadIds: null, timeZone: actor.timeZone, limits };
      switch (command.type) {
        case 'LOG_HOLDING_CHECK':
          return {
            ...base,
            checkedDays: (await holdingRecordsOf(m, id, context.holdingRound)).checks.map((c) => c.date),
          };
        case 'AUDIT_PASS':
        case 'AUDIT_FAIL':
          // The audit comes after holding ended: every holding day is over.
          return {
            ...base,
            coverage: await holdingCoverageOf(
              m,
              id,
              context,
              actor.timeZone,
              new Date(context.holdingDeadline ?? Date.now()),
            ),
          };
        case 'COMPLETE':
          // R13: a line that says how many goods were detained is checked against the ledger; lines that do not
          // say take the ledger's count as they are written (resultLinesStatements), and ask for no read of it.
          return (command.results as Array<{ goodsDetained?: number }>).some((r) => r.goodsDetained !== undefined)
            ? { ...base, goodsBySquad: await goodsBySquadOf(m, id) }
            : base;
        default:
          return base;
      }
    },
    project: projectOperation,
    projectWrites,
    projectionRow: { table: 'operations', columns: operationColumns, increments: operationDwell },
    stepRows: (step, m) => {
      if (step.previous === null) return createRows(step, m);
      const e = step.event as unknown as OperationEvent;
      return STEP_ROWS[e.type]?.(step, e as never, m) ?? [];
    },
    deadlines: (context, state, enteredAt) => operationDeadlines(config, context, state, enteredAt),
  };
}

/** §3.5 time limits of each waiting state, and R12's end of holding. */
export function operationDeadlines(
  config: Readonly<Config>,
  ctx: OperationContext,
  state: string,
  enteredAt: Date,
): DeadlineSpec[] {
  const t = config.timeLimits;
  switch (state) {
    case 'filed':
      return [{ kind: 'decision', dueAt: new Date(enteredAt.getTime() + t.decisionHours * HOUR) }];
    case 'in_progress': {
      const start = ctx.actualStart ? Date.parse(ctx.actualStart) : enteredAt.getTime();
      const plannedEnd = start + (ctx.plan.plannedHours ?? config.operations.minHours) * HOUR;
      return [{ kind: 'results', dueAt: new Date(plannedEnd + t.resultsHours * HOUR) }];
    }
    case 'holding':
      return ctx.holdingDeadline
        ? [{ kind: 'holding_end', dueAt: new Date(ctx.holdingDeadline), event: 'HOLDING_ELAPSED' }]
        : [];
    case 'awaiting_audit':
      return [{ kind: 'audit', dueAt: new Date(enteredAt.getTime() + t.auditHours * HOUR) }];
    default:
      return [];
  }
}

const date = (iso: string | null) => (iso ? new Date(iso) : null);

/** R12: the holding checks (one per day) and spot checks of a round of holding, as recorded. */
export async function holdingRecordsOf(m: EntityManager, operationId: number, round: number) {
  const rows = await holdingRecordRows(m, operationId, round);
  const rebound = (v: unknown) => v === true || Number(v) === 1;
  return {
    checks: rows.flatMap((r) =>
      r.kind === 'holding_check' && r.date ? [{ date: r.date, reboundObserved: rebound(r.rebound_observed) }] : [],
    ),
    spotChecks: rows
      .filter((r) => r.kind === 'spot_check')
      .map((r) => ({ reboundObserved: rebound(r.rebound_observed) })),
  };
}

/** R12: the coverage of the operation's current (or last) round of holding, days missed counted up to `now`. */
export async function holdingCoverageOf(
  m: EntityManager,
  operationId: number,
  ctx: OperationContext,
  timeZone: string,
  now: Date,
): Promise<HoldingCoverage | undefined> {
  if (!ctx.holdingStartedAt || !ctx.holdingDeadline) return undefined;
  const { checks, spotChecks } = await holdingRecordsOf(m, operationId, ctx.holdingRound);
  return holdingCoverage(
    holdingDaysOf(ctx.holdingStartedAt, ctx.holdingDeadline, timeZone),
    checks,
    spotChecks,
    localDate(now.toISOString(), timeZone),
  );
}

/** R13: items registered in the operation's goods ledger, per detaining squad. */
export function goodsBySquadOf(m: EntityManager, operationId: number): Promise<Record<number, number>> {
  return goodsCountBySquad(m, operationId);
}

/**
 * The squads taking part, with their planned forces. Rows are touched by their
 * primary key only (insert new, update kept, delete dropped): a range delete
 * would take gap locks on MySQL and deadlock concurrent plans.
 */
async function projectSquads(
  m: EntityManager,
  operationId: number,
  brigadeId: number,
  plan: OperationPlan,
  before: OperationPlan,
) {
  const planned = (squadId: number, i: number) => {
    const force = forceOf(plan, squadId);
    return { position: i + 1, plannedOfficers: force.officers, plannedVehicles: force.vehicles };
  };
  const existing = new Set(before.squadIds);
  const dropped = [...existing].filter((s) => !plan.squadIds.includes(s));
  for (const squadId of dropped) await m.delete(OperationSquad, { operationId, squadId });
  const fresh = plan.squadIds.map((squadId, i) => ({ squadId, i })).filter(({ squadId }) => !existing.has(squadId));
  if (fresh.length) {
    await m.insert(
      OperationSquad,
      fresh.map(({ squadId, i }) => ({
        operationId,
        squadId,
        brigadeId,
        ...planned(squadId, i),
        officers: null,
        vehicles: null,
        educated: null,
        handled: null,
        goodsDetained: null,
      })),
    );
  }
  for (const [i, squadId] of plan.squadIds.entries()) {
    if (existing.has(squadId)) await m.update(OperationSquad, { operationId, squadId }, planned(squadId, i));
  }
}

/** The operation's row as the snapshot says: every step rewrites it (the engine, with the instance: `projectionRow`). */
function operationColumns(
  step: Pick<StepRecord<OperationContext>, 'next' | 'to' | 'at' | 'effectiveAt'>,
  m: EntityManager,
): Record<string, unknown> {
  const { next: ctx } = step;
  const plan = ctx.plan;
  return {
    group_id: plan.groupId,
    kind: plan.kind,
    state: step.to,
    title: plan.title,
    problem_source: plan.problemSource,
    location: plan.location,
    lead_squad_id: plan.leadSquadId,
    host_squad_id: plan.hostSquadId,
    designated_commander_id: ctx.designatedCommanderId,
    planned_start: date(plan.plannedStart),
    planned_hours: plan.plannedHours,
    holding_days: plan.holdingDays,
    filed_at: date(ctx.filedAt),
    return_count: ctx.returnCount,
    last_return_reason: ctx.lastReturnReason,
    approved_at: date(ctx.approvedAt),
    actual_start: date(ctx.actualStart),
    late_entry_hours: ctx.lateEntryHours,
    actual_end: date(ctx.actualEnd),
    actual_hours: ctx.actualHours,
    counts_toward_minimum: ctx.countsTowardMinimum,
    holding_deadline: date(ctx.holdingDeadline),
    updated_at: step.at,
    // Where operations wait longest (figures): when it entered the state it is in, as its history keeps the step's time.
    state_since: asDatetimeColumn(m, step.effectiveAt),
  };
}

/**
 * Where operations wait longest (figures): the state a step leaves gets the
 * time since the step before (the row's `state_since`, as its history keeps the
 * step's time) and one stay more. `column` names a column of the row in the
 * engine's statement.
 */
function operationDwell(
  step: StepRecord<OperationContext>,
  m: EntityManager,
  column: (name: string) => string,
): Increment[] {
  const left = DWELL_STATES.find((s) => s === step.from);
  return left
    ? [
        {
          column: `dwell_${left}_seconds`,
          by: `COALESCE(${secondsBetween(m, column('state_since'), '?')}, 0)`,
          params: [asDatetimeColumn(m, step.effectiveAt)],
        },
        { column: `dwell_${left}_stays`, by: '1', params: [] },
      ]
    : [];
}

/**
 * Whether `projectOperation` writes for a step: an edit of the plan (its squads), and the events of `EVENT_ROWS` — a filing only when it is not the plan's first (a first filing is
 * numbered in the engine's writes, `STEP_ROWS`).
 */
function projectWrites(step: StepRecord<OperationContext>): boolean {
  const type = step.event.type as OperationEvent['type'];
  // The first step's rows are all `createRows`, written with the engine's writes.
  if (step.previous === null) return false;
  if (type === 'EDIT_PLAN') return true;
  return type === 'FILE' ? !firstFiling(step) : EVENT_ROWS[type] !== undefined;
}

/** The rows of the other steps that need reading first: an edit of the plan's squads, and `EVENT_ROWS`. */
async function projectOperation(m: EntityManager, step: StepRecord<OperationContext>): Promise<void> {
  if (step.event.type === 'EDIT_PLAN' && step.previous)
    await projectSquads(m, step.instanceId, step.brigadeId, step.next.plan, step.previous.plan);
  const e = step.event as unknown as OperationEvent;
  await EVENT_ROWS[e.type]?.(m, step, e as never);
}

/**
 * What a plan's create writes (its first step's rows), as column values: the operation's row, and its squads'
 * in order. `createRows` writes them; OperationService.createAndGet answers from them (`rowAsRead`).
 */
export function createdRowValues(
  step: Pick<StepRecord<OperationContext>, 'instanceId' | 'brigadeId' | 'next' | 'to' | 'at' | 'effectiveAt'>,
  m: EntityManager,
): { operation: Record<string, unknown>; squads: Array<Record<string, unknown>> } {
  const plan = step.next.plan;
  return {
    operation: {
      id: step.instanceId,
      brigade_id: step.brigadeId,
      ...operationColumns(step, m),
      created_by: step.next.createdBy,
      created_at: step.at,
    },
    squads: newSquadRowValues(
      step.instanceId,
      step.brigadeId,
      plan.squadIds.map((squadId) => ({ squadId, ...forceOf(plan, squadId) })),
    ),
  };
}

/** The first step's rows: the operation's, then its squads' (one statement), written with the engine's writes. */
function createRows(step: StepRecord<OperationContext>, m: EntityManager): Statement[] {
  const rows = createdRowValues(step, m);
  return [insertRowStatement('operations', rows.operation), ...newSquadRowsStatement(rows.squads)];
}

/** The officers and vehicles a plan puts in for a squad (none said: null). */
function forceOf(plan: OperationPlan, squadId: number): { officers: number | null; vehicles: number | null } {
  const force = plan.forces.find((f) => f.squadId === squadId);
  return { officers: force?.officers ?? null, vehicles: force?.vehicles ?? null };
}

type EventOf<T extends OperationEvent['type']> = Extract<OperationEvent, { type: T }>;

/** The rows of a step that need nothing read: written with the engine's writes of the step (`stepRows`). */
const STEP_ROWS: {
  [T in OperationEvent['type']]?: (step: StepRecord<OperationContext>, e: EventOf<T>, m: EntityManager) => Statement[];
} = {
  // A plan's first filing takes the brigade's next number (after the step's other writes: the counter's lock is
  // held from there to the COMMIT only). A plan filed before keeps its number (`numberPlan`, which reads).
  FILE: (step, _e, m) =>
    firstFiling(step)
      ? numberRowStatements(
          m,
          { brigadeId: step.brigadeId, kind: 'operation', year: yearOf(step) },
          'operations',
          step.instanceId,
        )
      : [],
  // R13: the goods a squad detained are what the ledger registered for it (the rule refused any other number).
  COMPLETE: (step, e) => resultLinesStatements(step.instanceId, e.results),
  LOG_INCIDENT: (step, e) => [
    insertRowStatement('operation_incidents', {
      operation_id: step.instanceId,
      brigade_id: step.brigadeId,
      type: e.incidentType,
      severity: e.severity,
      occurred_at: e.occurredAt ? new Date(e.occurredAt) : step.at,
      injuries: e.injuries,
      description: e.description,
      response: e.response,
      informed: e.informed ?? '',
      reported_by: step.actor.userId,
      history_seq: step.seq,
    }),
  ],
};

type EventRows = {
  [T in OperationEvent['type']]?: (
    m: EntityManager,
    step: StepRecord<OperationContext>,
    e: EventOf<T>,
  ) => Promise<void>;
};

/**
 * A holding record of an operation's step (R12, R14): what every kind has in common, then its own columns.
 * One statement whose text is the same for every row (the entity manager's insert writes the numbers into
 * the text on SQLite, a statement prepared anew each time, and reads the row back for its defaults).
 */
async function insertHoldingRecord(
  m: EntityManager,
  step: StepRecord<OperationContext>,
  row: {
    kind: 'holding_check' | 'spot_check' | 'audit_pass' | 'audit_fail';
    round: number;
    date: string | null;
    officersOnPost: number | null;
    reboundObserved: boolean | null;
    notes: string;
    rectification: string | null;
  },
): Promise<void> {
  await insertRow(m, 'holding_records', {
    operation_id: step.instanceId,
    brigade_id: step.brigadeId,
    kind: row.kind,
    round: row.round,
    date: row.date,
    officers_on_post: row.officersOnPost,
    rebound_observed: row.reboundObserved,
    notes: row.notes,
    rectification: row.rectification,
    by_user_id: step.actor.userId,
    at: step.at,
    history_seq: step.seq,
    amendments: 0,
  });
}

/** An audit or spot check (R12): judged on the round that just ended; a failed audit has already opened the next. */
async function inspection(
  m: EntityManager,
  step: StepRecord<OperationContext>,
  e: EventOf<'SPOT_CHECK' | 'AUDIT_PASS' | 'AUDIT_FAIL'>,
): Promise<void> {
  const round = step.next.holdingRound;
  await insertHoldingRecord(m, step, {
    kind: e.type === 'SPOT_CHECK' ? 'spot_check' : e.type === 'AUDIT_PASS' ? 'audit_pass' : 'audit_fail',
    round: e.type === 'AUDIT_FAIL' ? round - 1 : round,
    date: null,
    officersOnPost: null,
    reboundObserved: e.type === 'SPOT_CHECK' ? e.reboundObserved : null,
    notes: e.findings,
    rectification: e.type === 'AUDIT_FAIL' ? e.rectification : null,
  });
}

/** The rows an event adds beside the operation's own that read first (its number, holding records); result lines and incidents are `STEP_ROWS`. */
const EVENT_ROWS: EventRows = {
  FILE: (m, step) => numberPlan(m, step),
  async LOG_HOLDING_CHECK(m, step, e) {
    const round = step.next.holdingRound;
    await noteHoldingCheckDate(m, step.instanceId, e.date);
    // R12: one entry per holding day; a second check of the day amends it (both checks stay in the history).
    const check = {
      officersOnPost: e.officersOnPost,
      reboundObserved: e.reboundObserved,
      notes: e.notes ?? '',
      byUserId: step.actor.userId,
      at: step.at,
      historySeq: step.seq,
    };
    if (await amendHoldingCheck(m, { operationId: step.instanceId, round, date: e.date }, check)) return;
    await insertHoldingRecord(m, step, {
      kind: 'holding_check',
      round,
      date: e.date,
      officersOnPost: e.officersOnPost,
      reboundObserved: e.reboundObserved,
      notes: e.notes ?? '',
      rectification: null,
    });
  },
  SPOT_CHECK: inspection,
  AUDIT_PASS: inspection,
  AUDIT_FAIL: inspection,
};

/** A plan never filed nor returned has no number yet: its filing now is its first (`STEP_ROWS` numbers it). */
function firstFiling(step: StepRecord<OperationContext>): boolean {
  return step.previous !== null && step.previous.filedAt === null && step.previous.returnCount === 0;
}

/** The year of the brigade's numbering a step falls in (its local date's). */
function yearOf(step: StepRecord<OperationContext>): number {
  return Number(localDate(step.at.toISOString(), step.actor.timeZone).slice(0, 4));
}

/** A plan filed again (returned, or withdrawn and filed) keeps the number it was given; one without takes the next. */
async function numberPlan(m: EntityManager, step: StepRecord<OperationContext>): Promise<void> {
  if (firstFiling(step) || (await planNumberOf(m, step.instanceId)) !== null) return;
  const no = await takeNumber(m, step.brigadeId, 'operation', yearOf(step));
  await setPlanNumber(m, step.instanceId, no);
}
