import { type AnyMachineSnapshot, createActor, initialTransition, transition } from 'xstate';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../clock';
import {
  EventNotAcceptedError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  SnapshotError,
  StaleVersionError,
} from '../errors';
import type { Database } from '../persistence/data-source';
import { OutboxMessage, WorkflowDeadline, WorkflowHistory, WorkflowInstance } from '../persistence/entities';
import type { CommandEvent, EngineActor, WorkflowDefinition } from './workflow-definition';

/** The fields the engine adds to every event; they are not part of the stored payload. */
const ENVELOPE = new Set(['type', 'actor', 'at', 'facts']);

export interface StepResult<TContext = unknown> {
  id: number;
  state: string;
  version: number;
  context: TContext;
  /** Role the actor acted in. */
  role: string;
}

export interface LoadedInstance<TContext = unknown> {
  row: WorkflowInstance;
  snapshot: AnyMachineSnapshot;
  state: string;
  context: TContext;
}

/** The event types a state takes (its own transitions and its ancestors'). */
export function acceptedEvents(snapshot: AnyMachineSnapshot): string[] {
  const types = new Set<string>();
  for (const node of snapshot._nodes) {
    for (const type of Object.keys(node.on ?? {})) if (!type.startsWith('xstate.') && type !== '*') types.add(type);
  }
  return [...types];
}

function stateName(snapshot: AnyMachineSnapshot): string {
  return typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value);
}

function payloadOf(event: CommandEvent): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([k, v]) => !ENVELOPE.has(k) && v !== undefined));
}

/**
 * The workflow engine: generic over the machines in workflows/. Every command
 * is one transaction — load, restore the snapshot (checking its machine
 * version), authorize, compute the next snapshot with XState's pure
 * `transition()`, store it with a conditional version bump, append history,
 * write outbox and deadline rows, and project the queryable record.
 */
export class WorkflowEngine {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Starts a new record in the machine's initial state (history row 1, event `CREATE`). */
  async create<TContext>(
    def: WorkflowDefinition<TContext>,
    actor: EngineActor,
    role: string,
    input: unknown,
    tx?: EntityManager,
  ): Promise<StepResult<TContext>> {
    const run = async (m: EntityManager) => {
      const at = this.clock.now();
      const [snapshot, actions] = initialTransition(def.machine, def.input ? def.input(input) : input);
      const state = stateName(snapshot);
      const inserted = await m.insert(WorkflowInstance, {
        brigadeId: actor.brigadeId,
        workflow: def.name,
        machineVersion: def.version,
        state,
        snapshot: def.machine.getPersistedSnapshot(snapshot),
        version: 1,
        createdAt: at,
        updatedAt: at,
      });
      const id = Number(inserted.identifiers[0].id);
      const event: CommandEvent = { type: 'CREATE' };
      const step = {
        instanceId: id,
        brigadeId: actor.brigadeId,
        seq: 1,
        event,
        actor,
        role,
        at,
        from: null,
        to: state,
        previous: null,
        next: snapshot.context as TContext,
      };
      await this.appendHistory(m, step, input);
      await this.writeOutbox(m, def.name, step, actions);
      await this.openDeadlines(m, def, id, actor.brigadeId, snapshot.context as TContext, state, at);
      await def.project(m, step);
      return { id, state, version: 1, context: snapshot.context as TContext, role };
    };
    return tx ? run(tx) : this.db.transaction(run);
  }

  /**
   * Applies one event as one transaction. Refusals are distinct typed errors:
   * unknown record (404), stale `expectedVersion` (409 stale_version), an
   * event the state does not take (409 event_not_accepted), a caller who may
   * not send it (403), a rule that refuses it (422). Nothing is written then.
   */
  async send<TContext>(
    def: WorkflowDefinition<TContext>,
    id: number,
    actor: EngineActor,
    command: CommandEvent,
    opts: { expectedVersion?: number } = {},
  ): Promise<StepResult<TContext>> {
    return this.db.transaction(async (m) => {
      const loaded = await this.load<TContext>(m, def, id, actor);
      const { row, snapshot, state, context } = loaded;
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== row.version) {
        throw new StaleVersionError(
          `Record ${id} is at version ${row.version}, not ${opts.expectedVersion}: someone acted first`,
          row.version,
          state,
        );
      }
      if (!acceptedEvents(snapshot).includes(command.type)) {
        throw new EventNotAcceptedError(`${command.type} is not accepted in state ${state}`, command.type, state);
      }
      const permit = def.may(command.type, actor, context, state);
      if (!permit.ok) throw new ForbiddenError(`You may not send ${command.type} in state ${state}`, permit.reason);

      const at = this.clock.now();
      const facts = await def.facts(m, actor, context, command);
      const event = { ...command, actor: stripActor(actor), at: at.toISOString(), facts };
      if (!snapshot.can(event)) {
        const problems = def.problems(context, event);
        throw new RuleViolationError(
          `${command.type} refused: ${problems.map((p) => p.rule ? `${p.code} (${p.rule})` : p.code).join(', ') || 'a rule of the workflow'}`,
          problems.length ? problems : [{ code: 'guard_failed' }],
        );
      }
      const [next, actions] = transition(def.machine, snapshot, event);
      const nextState = stateName(next);
      const version = row.version + 1;
      const result = await m
        .createQueryBuilder()
        .update(WorkflowInstance)
        .set({
          snapshot: def.machine.getPersistedSnapshot(next) as object,
          state: nextState,
          version,
          machineVersion: def.version,
          updatedAt: at,
        })
        .where('id = :id AND version = :version', { id, version: row.version })
        .execute();
      if (result.affected !== 1) {
        throw new StaleVersionError(`Record ${id} changed while this command ran: someone acted first`, row.version + 1, state);
      }
      const step = {
        instanceId: id,
        brigadeId: row.brigadeId,
        seq: version,
        event: command,
        actor,
        role: permit.role,
        at,
        from: state,
        to: nextState,
        previous: context,
        next: next.context as TContext,
      };
      await this.appendHistory(m, step, payloadOf(command));
      await this.writeOutbox(m, def.name, step, actions);
      if (nextState !== state) {
        await this.closeDeadlines(m, id, at);
        await this.openDeadlines(m, def, id, row.brigadeId, next.context as TContext, nextState, at);
      }
      await def.project(m, step);
      return { id, state: nextState, version, context: next.context as TContext, role: permit.role };
    });
  }

  /** Loads and restores a record of the actor's brigade; 404 for anything else. */
  async load<TContext>(
    m: EntityManager,
    def: WorkflowDefinition<TContext>,
    id: number,
    actor: Pick<EngineActor, 'brigadeId'>,
  ): Promise<LoadedInstance<TContext>> {
    const row = Number.isSafeInteger(id)
      ? await m.findOneBy(WorkflowInstance, { id, workflow: def.name, brigadeId: actor.brigadeId })
      : null;
    if (!row) throw new NotFoundError(`No ${def.name} ${id}`);
    const snapshot = this.restore(def, row);
    return { row, snapshot, state: stateName(snapshot), context: snapshot.context as TContext };
  }

  /** The events this actor may send now: the state takes them and the rules of who-may-send let them. */
  allowedEvents<TContext>(def: WorkflowDefinition<TContext>, loaded: LoadedInstance<TContext>, actor: EngineActor): string[] {
    return acceptedEvents(loaded.snapshot).filter((type) => def.may(type, actor, loaded.context, loaded.state).ok);
  }

  async history(m: EntityManager, instanceId: number): Promise<WorkflowHistory[]> {
    return m.find(WorkflowHistory, { where: { instanceId }, order: { seq: 'ASC' } });
  }

  private restore(def: WorkflowDefinition, row: WorkflowInstance): AnyMachineSnapshot {
    let persisted = row.snapshot as any;
    if (row.machineVersion > def.version) {
      throw new SnapshotError(`${def.name} ${row.id} was stored by machine version ${row.machineVersion}, newer than ${def.version}`);
    }
    for (let v = row.machineVersion; v < def.version; v++) {
      const migrate = def.migrations?.[v];
      if (!migrate) throw new SnapshotError(`${def.name} ${row.id}: no migration from machine version ${v}`);
      persisted = migrate(persisted);
    }
    const snapshot = createActor(def.machine, { snapshot: persisted }).getSnapshot() as AnyMachineSnapshot;
    if (snapshot.status === 'error') throw new SnapshotError(`${def.name} ${row.id}: stored snapshot cannot be restored`);
    return snapshot;
  }

  private async appendHistory(m: EntityManager, step: StepLike, payload: unknown): Promise<void> {
    await m.insert(WorkflowHistory, {
      instanceId: step.instanceId,
      brigadeId: step.brigadeId,
      seq: step.seq,
      actorUserId: step.actor.userId,
      actorName: step.actor.name,
      actorRole: step.role,
      event: step.event.type,
      payload: (payload ?? {}) as object,
      fromState: step.from,
      toState: step.to,
      version: step.seq,
      at: step.at,
    });
  }

  private async writeOutbox(m: EntityManager, workflow: string, step: StepLike, actions: ReadonlyArray<{ type: string; params?: unknown }>) {
    const rows = actions
      .filter((a) => a.type === 'notify')
      .map((a) => ({
        brigadeId: step.brigadeId,
        instanceId: step.instanceId,
        historySeq: step.seq,
        workflow,
        topic: (a.params as { topic: string }).topic,
        payload: { event: step.event.type, from: step.from, to: step.to, actorUserId: step.actor.userId },
        createdAt: step.at,
        availableAt: step.at,
        deliveredAt: null,
        attempts: 0,
        lastError: null,
      }));
    if (rows.length) await m.insert(OutboxMessage, rows);
  }

  /** Closes the instance's open time limits in one statement: met if left in time, late if not. */
  private async closeDeadlines(m: EntityManager, instanceId: number, at: Date): Promise<void> {
    await m
      .createQueryBuilder()
      .update(WorkflowDeadline)
      .set({ closedAt: at, outcome: () => 'CASE WHEN due_at >= :at THEN \'met\' ELSE \'late\' END' })
      .where('instance_id = :id AND closed_at IS NULL', { id: instanceId, at })
      .execute();
  }

  private async openDeadlines<TContext>(
    m: EntityManager,
    def: WorkflowDefinition<TContext>,
    instanceId: number,
    brigadeId: number,
    context: TContext,
    state: string,
    at: Date,
  ): Promise<void> {
    const specs = def.deadlines(context, state, at);
    if (!specs.length) return;
    await m.insert(
      WorkflowDeadline,
      specs.map((d) => ({
        brigadeId,
        instanceId,
        workflow: def.name,
        kind: d.kind,
        state,
        startsAt: at,
        dueAt: d.dueAt,
        event: d.event ?? null,
        closedAt: null,
        outcome: null,
      })),
    );
  }
}

interface StepLike {
  instanceId: number;
  brigadeId: number;
  seq: number;
  event: CommandEvent;
  actor: EngineActor;
  role: string;
  at: Date;
  from: string | null;
  to: string;
}

/** Machines see who acted, not the engine's bookkeeping. */
function stripActor(actor: EngineActor) {
  return { kind: actor.kind, userId: actor.userId, name: actor.name, roles: actor.roles, squadId: actor.squadId };
}
