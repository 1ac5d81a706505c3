import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  getStateNodes,
  initialTransition,
  transition,
} from 'xstate';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../clock';
import {
  CommitOutcomeUnknownError,
  ConflictError,
  EventNotAcceptedError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  SnapshotError,
  StaleVersionError,
} from '../errors';
import type { Database } from '../persistence/data-source';
import { WorkflowHistory } from '../persistence/entities';
import {
  insertForId,
  insertGuardedStatement,
  runsCompoundStatements,
  updatesJoinedTables,
  writeTogether,
} from '../persistence/dialect';
import { updateRowStatement } from '../persistence/rows';
import { asDatetimeColumn, readJson, sql, type Statement } from '../persistence/sql';
import { GENESIS_HASH, stepHash } from './history-hash';
import { RecentRecords, type RecentRecord } from './recent-records';
import type { Permit } from '../../workflows/shared/actor';
import type { CommandEvent, DeadlineSpec, EngineActor, StepRecord, WorkflowDefinition } from './workflow-definition';
import type { StoredSnapshot } from '../../workflows/shared/rules';

/** The fields the engine adds to every event; they are not part of the stored payload. */
const ENVELOPE = new Set(['type', 'actor', 'at', 'effectiveAt', 'facts']);

export interface StepResult<TContext = unknown> {
  id: number;
  state: string;
  version: number;
  context: TContext;
  /** Role the actor acted in. */
  role: string;
}

/** A record just created: the step's result, and the record as a `load` right after would give it (no statement read it). */
export interface CreatedRecord<TContext = unknown> extends StepResult<TContext> {
  loaded: LoadedInstance<TContext>;
  /** When it was created: its first step's time, as the step's rows (`stepRows`) were written with it. */
  at: Date;
}

/** The stored instance row, as the engine reads it. */
export interface InstanceRow {
  id: number;
  brigadeId: number;
  machineVersion: number;
  version: number;
  snapshot: unknown;
  /** The hash of the record's last history step (its chain head); null only for a record written outside the engine. */
  headHash: string | null;
  /**
   * How many time limits its state opened when entered (WorkflowInstance.openDeadlines); null when not known —
   * never written, or written at another version than the row's (a step by an instance of an earlier release).
   */
  openDeadlines: number | null;
}

export interface LoadedInstance<TContext = unknown> {
  row: InstanceRow;
  snapshot: AnyMachineSnapshot;
  state: string;
  context: TContext;
  /** Restored from this process's copy of the record (RecentRecords), not read: good for a step that then succeeds only. */
  copy?: true;
}

/** The event types a state takes (its own transitions and its ancestors'), read through XState's public API. */
export function acceptedEvents(snapshot: AnyMachineSnapshot): string[] {
  const types = new Set<string>();
  // The active state nodes of the snapshot's value: the root, then each state node down to the leaves.
  for (const node of getStateNodes(snapshot.machine.root, snapshot.value)) {
    for (const type of Object.keys(node.on)) if (!type.startsWith('xstate.') && type !== '*') types.add(type);
  }
  return [...types];
}

const TAKING = new WeakMap<AnyStateMachine, Map<string, string[]>>();

/**
 * The states (top-level, as `state` names them) in which the machine takes
 * `type`: its own transitions, a descendant's, or the machine's own.
 */
export function statesTaking(machine: AnyStateMachine, type: string): string[] {
  let byType = TAKING.get(machine);
  if (!byType) TAKING.set(machine, (byType = new Map()));
  const known = byType.get(type);
  if (known) return known;
  const takes = (node: AnyStateNode): boolean => Object.hasOwn(node.on, type) || Object.values(node.states).some(takes);
  const root = machine.root;
  const all = Object.keys(root.states);
  const found = Object.hasOwn(root.on, type) ? all : all.filter((name) => takes(root.states[name]));
  byType.set(type, found);
  return found;
}

/** Random bytes for run ids, drawn 256 ids at a time: one call to the system's random source per 256 steps, not per step. */
const ATTEMPT_IDS = { bytes: Buffer.alloc(0), at: 0 };

/** A run's id for its history row (96 random bits, 16 characters): what a run whose COMMIT answer was lost looks for. */
export function newAttemptId(): string {
  if (ATTEMPT_IDS.at + 12 > ATTEMPT_IDS.bytes.length) {
    ATTEMPT_IDS.bytes = randomBytes(12 * 256);
    ATTEMPT_IDS.at = 0;
  }
  const id = ATTEMPT_IDS.bytes.toString('base64url', ATTEMPT_IDS.at, ATTEMPT_IDS.at + 12);
  ATTEMPT_IDS.at += 12;
  return id;
}

/** A record's row as a step of `def` stores it: what RecentRecords keeps of it. */
function copyOf(
  def: { name: string; version: number },
  brigadeId: number,
  version: number,
  snapshot: string,
  headHash: string,
  openDeadlines: number | null,
): RecentRecord {
  return { workflow: def.name, brigadeId, machineVersion: def.version, version, snapshot, headHash, openDeadlines };
}

/** The row a read of record `id` would give, from its copy. */
function rowOfCopy(id: number, copy: RecentRecord): InstanceRow {
  const { brigadeId, machineVersion, version, headHash, openDeadlines } = copy;
  return { id, brigadeId, machineVersion, version, snapshot: JSON.parse(copy.snapshot), headHash, openDeadlines };
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
  private readonly outboxListeners: Array<() => void> = [];
  private readonly stepHooks: Array<{ run: StepHook; acts: StepHookActs }> = [];
  private readonly eventListeners: EventListener[] = [];
  private readonly copyListeners: CopyListener[] = [];
  /** The records this process last stepped, as written (recent-records.ts): the next step's starting point. */
  private readonly recent = new RecentRecords();
  /** A create in a caller's transaction, as written: remembered when the caller says it committed (`remember`). */
  private readonly created = new WeakMap<CreatedRecord<unknown>, RecentRecord>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /**
   * Tells the engine the caller's transaction that made `record` (`create` with a `tx`) has committed:
   * the record's first step then starts from it, as after a create in its own transaction.
   */
  remember(record: CreatedRecord<unknown>): void {
    const copy = this.created.get(record);
    if (copy) this.recent.set(record.id, copy);
  }

  /** Called after a command that wrote outbox rows has committed (the notification worker drains then). */
  onOutboxCommitted(listener: () => void): void {
    this.outboxListeners.push(listener);
  }

  /**
   * Called inside every step's transaction, after its projection, with the
   * payload its history row keeps (a create's: its input). A hook that throws
   * refuses the step: nothing of it is written (issue 13: evidence files).
   * `acts`: whether the hook does anything at all (writes, or refuses) for a
   * step of `workflow` with this payload — when it and the projection say no,
   * the step's COMMIT goes with its writes (deferred-transaction.ts); absent, it may.
   */
  onStep(hook: StepHook, acts: StepHookActs = () => true): void {
    this.stepHooks.push({ run: hook, acts });
  }

  /**
   * Called after each command (`create` and `send`) with its workflow, event type and
   * how it ended — the error when refused or failed (the metrics count them). Keep it cheap:
   * it runs on every event.
   */
  onEvent(listener: EventListener): void {
    this.eventListeners.push(listener);
  }

  private told(workflow: string, event: string, error: unknown): void {
    for (const listener of this.eventListeners) listener(workflow, event, error);
  }

  /**
   * Called after each step computed from a copy of its record (RecentRecords) with how the copy did: `used`
   * (the step went through) or `stale` (refused or failed, and computed again from the row by the engine or
   * the caller). Many stale copies: another instance steps the same records (the metrics count them).
   */
  onCopy(listener: CopyListener): void {
    this.copyListeners.push(listener);
  }

  private toldOfCopy(workflow: string, outcome: CopyOutcome): void {
    for (const listener of this.copyListeners) listener(workflow, outcome);
  }

  /** Tells the listeners that outbox rows were committed (a caller that ran steps in its own transaction calls this after commit). */
  outboxCommitted(): void {
    for (const listener of this.outboxListeners) listener();
  }

  /** Starts a new record in the machine's initial state (history row 1, event `CREATE`). */
  async create<TContext>(
    def: WorkflowDefinition<TContext>,
    actor: EngineActor,
    role: string,
    input: unknown,
    tx?: EntityManager,
    /** In the caller's transaction (`tx`): whether the caller writes nothing after the create (see `send`'s `last`). */
    opts: { last?: boolean } = {},
  ): Promise<CreatedRecord<TContext>> {
    const run = async (m: EntityManager): Promise<CreatedRecord<TContext>> => {
      const at = this.clock.now();
      const [snapshot, actions] = initialTransition(def.machine, def.input ? def.input(input) : input);
      const state = stateName(snapshot);
      const stored = JSON.stringify(def.machine.getPersistedSnapshot(snapshot));
      const limits = def.deadlines(snapshot.context as TContext, state, at);
      const columns = [
        'brigade_id',
        'workflow',
        'machine_version',
        'state',
        'snapshot',
        'version',
        'created_at',
        'updated_at',
        'open_deadlines',
        'open_deadlines_version',
      ];
      const values = [actor.brigadeId, def.name, def.version, state, stored, 1, at, at, limits.length, 1];
      // The actor's authority, where it was not read for this command (EngineActor.holds): checked with the
      // record's first row, which is then not written when it no longer holds — nor anything after it.
      const holds = actor.holds;
      // In a deferred transaction (MariaDB) this round trip opens it too.
      const id = await insertForId(
        m,
        holds
          ? insertGuardedStatement(m, 'workflow_instances', columns, values, holds)
          : {
              text: `INSERT INTO workflow_instances (${columns.join(', ')}) VALUES (${values.map(() => '?').join(', ')})`,
              params: values,
            },
        { guarded: holds !== undefined },
      );
      if (id === null)
        throw new ConflictError(
          `Who is creating this ${def.name} changed while it was created: nothing was written`,
          'principal_changed',
        );
      const event: CommandEvent = { type: 'CREATE' };
      const step = {
        instanceId: id,
        brigadeId: actor.brigadeId,
        seq: 1,
        event,
        actor,
        role,
        at,
        effectiveAt: at,
        from: null,
        to: state,
        previous: null,
        next: snapshot.context as TContext,
      };
      const payloadText = JSON.stringify(input ?? {});
      const hash = this.hashOf(m, def.name, step, payloadText, GENESIS_HASH);
      const outbox = this.outboxStatements(def.name, step, actions);
      const given = (input ?? {}) as Record<string, unknown>;
      const acting = this.stepHooks.filter((hook) => hook.acts(def.name, given));
      // Nothing written after these (see `send`): then in a deferred transaction the COMMIT goes with them.
      const last = (tx ? opts.last === true : true) && def.projectWrites?.(step) === false && acting.length === 0;
      await writeTogether(
        m,
        null,
        [
          this.historyStatement(m, step, payloadText, GENESIS_HASH, hash, newAttemptId()),
          // The record's id is known only now: the chain head is set after its first step (on create only).
          { text: 'UPDATE workflow_instances SET head_hash = ? WHERE id = ?', params: [hash, id] },
          ...outbox,
          ...this.deadlineStatements(def, id, actor.brigadeId, state, at, limits),
          ...(def.stepRows?.(step, m) ?? []),
        ],
        { last },
      );
      wrote = outbox.length;
      if (!last) {
        await def.project(m, step);
        for (const hook of acting) await hook.run(m, def.name, step, given);
      }
      // The record as `load` would read it back: restored from the very text stored, not from the snapshot in
      // hand — when first asked for (most callers want the id only; the demo's past creates thousands).
      const written = copyOf(def, actor.brigadeId, 1, stored, hash, limits.length);
      let restored: LoadedInstance<TContext> | undefined;
      const restore = () => (restored ??= this.restored(def, rowOfCopy(id, written)));
      copy = written;
      return {
        id,
        state,
        version: 1,
        context: snapshot.context as TContext,
        role,
        at,
        get loaded() {
          return restore();
        },
      };
    };
    let wrote = 0;
    let copy = null as RecentRecord | null;
    try {
      // In the caller's transaction: it commits, and its rows are drained by the next run.
      const result = tx ? await run(tx) : await this.db.transaction(run, { deferred: true });
      if (copy && tx) this.created.set(result, copy);
      else if (copy) this.recent.set(result.id, copy);
      if (wrote && !tx) this.outboxCommitted();
      this.told(def.name, 'CREATE', null);
      return result;
    } catch (e) {
      this.told(def.name, 'CREATE', e);
      throw e;
    }
  }

  /**
   * Applies one event as one transaction. Refusals are distinct typed errors,
   * in this order (issue 11, finding 8): unknown record or another brigade's
   * (404); a caller who may not read it, or may send this event in no state
   * of it (403: nothing of its version or state is told); stale
   * `expectedVersion` (409 stale_version); an event the state does not take
   * (409 event_not_accepted); a caller who may not send it in this state
   * (403); a rule that refuses it (422). Nothing is written then.
   */
  async send<TContext>(
    def: WorkflowDefinition<TContext>,
    id: number,
    actor: EngineActor,
    command: CommandEvent,
    opts: {
      expectedVersion?: number;
      tx?: EntityManager;
      /**
       * When a step the system records after the fact happened (a sweeper
       * sending HOLDING_ELAPSED names the due time). Only the system may say
       * so, and never later than now: people's steps happen when recorded.
       */
      effectiveAt?: Date;
      /**
       * The record as the caller loaded it to prepare this command (`loadAuthorized`),
       * read again by nobody: the step is computed from it, and the conditional
       * version bump refuses it (409) if the record moved on since.
       */
      loaded?: LoadedInstance<TContext>;
    } = {},
  ): Promise<StepResult<TContext>> {
    let wrote = 0;
    let runs = 0;
    /** The step the last run computed, and the run's id in its history row: what an unknown commit is checked against. */
    let attempted: { attemptId: string; result: StepResult<TContext> } | null = null;
    /** Whether the run under way took this process's copy of the record (RecentRecords) itself, not a read of it. */
    let ownCopy = false;
    /** Whether the run under way is computed from a copy (the engine's own, or the one the caller prepared the command from). */
    let copyRun = false;
    /** What the last run wrote to the record's row: its copy, once committed. */
    let written = null as RecentRecord | null;
    const run = async (m: EntityManager) => {
      // Run again after a conflict or a lost connection (Database.transaction): the record is read afresh then.
      const first = runs++ === 0;
      const given = first ? opts.loaded : undefined;
      const own = first && !given && !opts.tx ? this.restoredCopy(def, id, actor, opts.expectedVersion) : undefined;
      ownCopy = own !== undefined;
      attempted = null;
      written = null;
      const loaded = given?.row.id === id ? given : (own ?? (await this.load<TContext>(m, def, id, actor)));
      copyRun = loaded.copy === true;
      const { row, snapshot, state, context } = loaded;
      const permitFacts = def.permitFacts ? await def.permitFacts(m, actor, context, command, id) : undefined;
      this.authorize(def, loaded, actor, command.type, permitFacts);
      // Only a caller who may act on the record hears that it moved on, or that its state does not take the event.
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
      const permit = def.may(command.type, actor, context, state, permitFacts);
      if (!permit.ok) throw new ForbiddenError(`You may not send ${command.type} in state ${state}`, permit.reason);

      const at = this.clock.now();
      const effectiveAt = actor.kind === 'system' && opts.effectiveAt && opts.effectiveAt < at ? opts.effectiveAt : at;
      const facts = await def.facts(m, actor, context, command, id);
      const event = {
        ...command,
        actor: stripActor(actor),
        at: at.toISOString(),
        effectiveAt: effectiveAt.toISOString(),
        facts,
      };
      if (!snapshot.can(event)) {
        const problems = def.problems(context, event);
        throw new RuleViolationError(
          `${command.type} refused: ${problems.map((p) => (p.rule ? `${p.code} (${p.rule})` : p.code)).join(', ') || 'a rule of the workflow'}`,
          problems.length ? problems : [{ code: 'guard_failed' }],
        );
      }
      const [next, actions] = transition(def.machine, snapshot, event);
      const nextState = stateName(next);
      const version = row.version + 1;
      // A change of state closes the limits the state left opened (none to close when it opened none) and opens
      // the next state's (`def.deadlines`), judged by when the step happened: a holding period ended at its due
      // time, not when the job noticed.
      const changed = nextState !== state;
      const limits = changed ? def.deadlines(next.context as TContext, nextState, effectiveAt) : [];
      const step = {
        instanceId: id,
        brigadeId: row.brigadeId,
        seq: version,
        event: command,
        actor,
        role: permit.role,
        at,
        effectiveAt,
        from: state,
        to: nextState,
        previous: context,
        next: next.context as TContext,
      };
      const payloadText = JSON.stringify(payloadOf(command));
      const prev = row.headHash ?? (await this.headOf(m, id, row.version));
      const hash = this.hashOf(m, def.name, step, payloadText, prev);
      const attemptId = newAttemptId();
      // The optimistic lock: only the version we read may be bumped (shared/STACK.md: not @VersionColumn).
      // The same statement moves the chain head, so two steps from one version can never both extend it.
      const stored = JSON.stringify(def.machine.getPersistedSnapshot(next));
      const { guard, follow } = this.stepStatements(m, def, step, {
        snapshot: stored,
        state: nextState,
        version,
        hash,
        expectedVersion: row.version,
        // From a copy: the chain head and machine version too, so a row put back at the same version (a restored
        // backup) or stored by another machine version (an instance of an older release) is not taken for it.
        expectedHead: loaded.copy ? { hash: row.headHash, machineVersion: row.machineVersion } : null,
        closeDeadlinesAt: changed && row.openDeadlines !== 0 ? effectiveAt : null,
        openDeadlines: changed ? limits.length : row.openDeadlines,
      });
      const outbox = this.outboxStatements(def.name, step, actions);
      const payload = JSON.parse(payloadText) as Record<string, unknown>;
      // Nothing written after these when neither the projection nor a hook acts on the step: in a deferred
      // transaction (a step in its own, on MariaDB) its COMMIT goes with them.
      const acting = this.stepHooks.filter((hook) => hook.acts(def.name, payload));
      // A step in the caller's transaction (`tx`) never commits it: the caller may write after it.
      const last = !opts.tx && def.projectWrites?.(step) === false && acting.length === 0;
      const result = { id, state: nextState, version, context: next.context as TContext, role: permit.role };
      // What an unknown commit is checked against — from here on: the COMMIT may go with the writes.
      attempted = { attemptId, result };
      // The step's writes in one round trip where the database allows (writeTogether): nothing after the
      // version bump is written when the bump missed.
      const moved = await writeTogether(
        m,
        guard,
        [
          ...follow,
          this.historyStatement(m, step, payloadText, prev, hash, attemptId),
          ...outbox,
          ...this.deadlineStatements(def, id, row.brigadeId, nextState, effectiveAt, limits),
          ...(def.stepRows?.(step, m) ?? []),
        ],
        { last },
      );
      if (!moved) {
        throw new StaleVersionError(
          `Record ${id} changed while this command ran: someone acted first`,
          row.version + 1,
          state,
        );
      }
      wrote = outbox.length;
      written = copyOf(def, row.brigadeId, version, stored, hash, changed ? limits.length : row.openDeadlines);
      // Only what acts is run: after a last write that committed, nothing else may write (or refuse).
      if (!last) {
        await def.project(m, step);
        for (const hook of acting) await hook.run(m, def.name, step, payload);
      }
      return result;
    };
    try {
      // In the caller's transaction (a step of two records at once): it commits, and its rows are drained by the next run.
      const result = opts.tx
        ? await run(opts.tx)
        : await this.fromCopyOrRow(
            id,
            // A second run reads the row (Database.transaction's reruns do too): only the first may take the copy.
            () => this.committed(id, run, () => attempted),
            () => ownCopy,
            () => this.toldOfCopy(def.name, 'stale'),
          );
      // The caller's transaction may yet roll back: the record is read at its next step.
      if (opts.tx || !written) this.recent.forget(id);
      else this.recent.set(id, written);
      if (wrote && !opts.tx) this.outboxCommitted();
      if (copyRun) this.toldOfCopy(def.name, 'used');
      this.told(def.name, command.type, null);
      return result;
    } catch (e) {
      this.recent.forget(id);
      // A COMMIT of unknown outcome says nothing of the copy: it may be written.
      if (copyRun && !(e instanceof CommitOutcomeUnknownError)) this.toldOfCopy(def.name, 'stale');
      this.told(def.name, command.type, e);
      throw e;
    }
  }

  /**
   * The record as this process last wrote it (RecentRecords), restored as a read of its row would be; none
   * when it has no copy, or the caller read another version than the copy's (the row says which is the record's).
   */
  private restoredCopy<TContext>(
    def: WorkflowDefinition<TContext>,
    id: number,
    actor: Pick<EngineActor, 'brigadeId'>,
    expectedVersion: number | undefined,
  ): LoadedInstance<TContext> | undefined {
    const copy = this.recent.get(id, def.name, actor.brigadeId);
    if (!copy || (expectedVersion !== undefined && expectedVersion !== copy.version)) return undefined;
    return { ...this.restored<TContext>(def, rowOfCopy(id, copy)), copy: true };
  }

  /**
   * Work computed from this process's copy of record `id` (RecentRecords) that is refused or fails — whatever
   * the reason: another instance may have moved the record on, and a refusal must be about the record as it
   * is — is done once more, the copy forgotten: `attempt` then reads the row. Not after a COMMIT of unknown
   * outcome: it may be written. `tookCopy`: whether the attempt that failed started from the copy. The engine's
   * own steps use it, and a caller that prepares its command from a copy (`loadAuthorized`'s `copy`;
   * OperationService.send) must: the command may change with the record.
   */
  async fromCopyOrRow<T>(
    id: number,
    attempt: () => Promise<T>,
    tookCopy: () => boolean,
    stale: () => void = () => undefined,
  ): Promise<T> {
    try {
      return await attempt();
    } catch (e) {
      if (!tookCopy() || e instanceof CommitOutcomeUnknownError) throw e;
      stale();
      this.recent.forget(id);
      return await attempt();
    }
  }

  /**
   * Runs a step in its own transaction. The connection may die with COMMIT on its way (a cluster's node
   * lost): written or not, nobody knows. The history row says: it carries the id of the run that wrote it
   * (not the chain hash: the same command sent twice by one person in one second hashes alike, and the
   * run that lost would be told it won). Ours at its seq → it committed: answered as if the COMMIT had
   * answered. Anything else → 409 commit_outcome_unknown, never run blindly again (a late commit and a
   * second run would be two steps).
   */
  private async committed<TContext>(
    id: number,
    run: (m: EntityManager) => Promise<StepResult<TContext>>,
    attempted: () => { attemptId: string; result: StepResult<TContext> } | null,
  ): Promise<StepResult<TContext>> {
    try {
      // Deferred (MariaDB): the step's reads go before its transaction, which opens with its writes and, when
      // nothing follows them, commits with them: two round trips fewer per step (issue 14).
      return await this.db.transaction(run, { deferred: true });
    } catch (e) {
      const step = attempted();
      if (!(e instanceof CommitOutcomeUnknownError) || !step) throw e;
      if (!(await this.stepWritten(id, step.result.version, step.attemptId))) throw e;
      return step.result;
    }
  }

  /** Whether record `id`'s history has, at `seq`, the step run `attemptId` wrote (read on a connection of the pool's current server). */
  private async stepWritten(id: number, seq: number, attemptId: string): Promise<boolean> {
    const { rows } = await sql<{ attempt_id: string | null }>(
      this.db.manager,
      'SELECT attempt_id FROM workflow_history WHERE instance_id = ? AND seq = ?',
      [id, seq],
    );
    return rows[0]?.attempt_id === attemptId;
  }

  /**
   * The step's writes to rows that exist: the instance's new snapshot, state,
   * version and chain head (only from `expectedVersion`: the `guard`, which
   * changes no row when the version moved on), its projection row
   * (`def.projectionRow`) and the closing of its open time limits (when the
   * state changed). On MySQL the guard is one multi-table UPDATE that does
   * all three — the rows joined left, so a record without a projection row or
   * open limits is bumped all the same: one round trip instead of three. On
   * MariaDB the three go in one round trip anyway (`writeTogether`'s compound
   * statement), and there a multi-table UPDATE is the dearer statement — it
   * builds two temporary tables of row ids (seen in the slow log): 1.3–1.9× the
   * time of the three single-table UPDATEs in a benchmark of the two blocks
   * (2026-12-07) — so, as on SQLite, the other two `follow` the guard, one
   * statement each.
   */
  private stepStatements<TContext>(
    m: EntityManager,
    def: WorkflowDefinition<TContext>,
    step: StepRecord<TContext>,
    w: {
      snapshot: unknown;
      state: string;
      version: number;
      hash: string;
      expectedVersion: number;
      /** The chain head and machine version the step was computed from, when it was not read (a copy: RecentRecords). */
      expectedHead: { hash: string | null; machineVersion: number } | null;
      closeDeadlinesAt: Date | null;
      /** How many limits the record's state opened, written with the version (null: not known). */
      openDeadlines: number | null;
    },
  ): { guard: Statement; follow: Statement[] } {
    const instance = [w.snapshot, w.state, w.version, def.version, step.at, w.hash, w.openDeadlines, w.version];
    const projection = def.projectionRow;
    const columns = projection ? projection.columns(step, m) : null;
    const close = w.closeDeadlinesAt;
    const head = w.expectedHead === null ? [] : [w.expectedHead.hash, w.expectedHead.machineVersion];
    // The actor's authority, where it was not read for this step (EngineActor.holds): checked with the bump.
    const holds = step.actor.holds;
    const also = (alias: string) =>
      `${head.length ? ` AND ${alias}head_hash = ? AND ${alias}machine_version = ?` : ''}${holds ? ` AND ${holds.text}` : ''}`;
    const alsoParams = [...head, ...(holds?.params ?? [])];
    if (projection && columns && updatesJoinedTables(m) && !runsCompoundStatements(m)) {
      const names = Object.keys(columns);
      // A multi-table UPDATE computes the other tables' new values from their rows as they were: an increment
      // reads the projection's columns before this step, whatever the order of the assignments.
      const increments = projection.increments?.(step, m, (name) => `p.${name}`) ?? [];
      const sets = [
        ...increments.map((i) => `p.${i.column} = p.${i.column} + ${i.by}`),
        ...names.map((n) => `p.${n} = ?`),
      ];
      // Rows changed in all three tables: the instance's among them exactly when its version was bumped.
      const guard = {
        text: `UPDATE workflow_instances i LEFT JOIN ${projection.table} p ON p.id = i.id${close ? ' LEFT JOIN workflow_deadlines d ON d.instance_id = i.id AND d.closed_at IS NULL' : ''} SET i.snapshot = ?, i.state = ?, i.version = ?, i.machine_version = ?, i.updated_at = ?, i.head_hash = ?, i.open_deadlines = ?, i.open_deadlines_version = ?, ${sets.join(', ')}${close ? ", d.closed_at = ?, d.outcome = CASE WHEN d.due_at >= ? THEN 'met' ELSE 'late' END" : ''} WHERE i.id = ? AND i.version = ?${also('i.')}`,
        params: [
          ...instance,
          ...increments.flatMap((i) => i.params),
          ...Object.values(columns),
          ...(close ? [close, close] : []),
          step.instanceId,
          w.expectedVersion,
          ...alsoParams,
        ],
      };
      return { guard, follow: [] };
    }
    const guard = {
      text: `UPDATE workflow_instances SET snapshot = ?, state = ?, version = ?, machine_version = ?, updated_at = ?, head_hash = ?, open_deadlines = ?, open_deadlines_version = ? WHERE id = ? AND version = ?${also('')}`,
      params: [...instance, step.instanceId, w.expectedVersion, ...alsoParams],
    };
    const follow: Statement[] = [];
    if (close) follow.push(closeDeadlinesStatement(step.instanceId, close));
    if (projection && columns)
      follow.push(
        updateRowStatement(
          projection.table,
          step.instanceId,
          columns,
          projection.increments?.(step, m, (name) => name),
        ),
      );
    return { guard, follow };
  }

  /** Loads and restores a record of the actor's brigade; 404 for anything else. */
  async load<TContext>(
    m: EntityManager,
    def: WorkflowDefinition<TContext>,
    id: number,
    actor: Pick<EngineActor, 'brigadeId'>,
  ): Promise<LoadedInstance<TContext>> {
    const found = Number.isSafeInteger(id)
      ? await sql<{
          id: number;
          brigade_id: number;
          machine_version: number;
          version: number;
          snapshot: unknown;
          head_hash: string | null;
          open_deadlines: number | null;
          open_deadlines_version: number | null;
        }>(
          m,
          'SELECT id, brigade_id, machine_version, version, snapshot, head_hash, open_deadlines, open_deadlines_version FROM workflow_instances WHERE id = ? AND workflow = ? AND brigade_id = ?',
          [id, def.name, actor.brigadeId],
        )
      : null;
    const r = found?.rows[0];
    if (!r) throw new NotFoundError(`No ${def.name} ${id}`);
    return this.restored<TContext>(def, {
      id: Number(r.id),
      brigadeId: Number(r.brigade_id),
      machineVersion: Number(r.machine_version),
      version: Number(r.version),
      snapshot: readJson(r.snapshot),
      headHash: r.head_hash ?? null,
      // Trusted at the version it was written at only (WorkflowInstance.openDeadlines).
      openDeadlines:
        r.open_deadlines === null || Number(r.open_deadlines_version) !== Number(r.version)
          ? null
          : Number(r.open_deadlines),
    });
  }

  private restored<TContext>(def: WorkflowDefinition<TContext>, row: InstanceRow): LoadedInstance<TContext> {
    const snapshot = this.restore(def, row);
    return { row, snapshot, state: stateName(snapshot), context: snapshot.context as TContext };
  }

  /**
   * Who may send `type` to this record, asked before anything of its state or
   * version is told: the caller may read the record (the definition's
   * `mayRead`), and may send this event in some state that takes it. Whether
   * they may in the state it is in now is asked after the version (a leader
   * who read a draft they may cancel, filed meanwhile, is told it moved on,
   * not refused). 403 otherwise.
   */
  authorize<TContext>(
    def: WorkflowDefinition<TContext>,
    loaded: LoadedInstance<TContext>,
    actor: EngineActor,
    type: string,
    permitFacts?: unknown,
  ): void {
    const read = def.mayRead?.(actor, loaded.context);
    if (read && !read.ok) throw new ForbiddenError(`You may not read ${def.name} ${loaded.row.id}`, read.reason);
    const states = statesTaking(def.machine, type);
    // An event no state takes is no one's to send; the caller may read the record, so the state may be named.
    if (!states.length) throw new EventNotAcceptedError(`${type} is not an event of ${def.name}`, type, loaded.state);
    const here = states.includes(loaded.state) ? def.may(type, actor, loaded.context, loaded.state, permitFacts) : null;
    if (here?.ok) return;
    const elsewhere = states
      .filter((s) => s !== loaded.state)
      .map((s) => def.may(type, actor, loaded.context, s, permitFacts));
    if (elsewhere.some((p) => p.ok)) return;
    const refused = (here ?? elsewhere[0]) as Extract<Permit, { ok: false }>;
    throw new ForbiddenError(`You may not send ${type} to ${def.name} ${loaded.row.id}`, refused.reason);
  }

  /** Loads a record of the actor's brigade and asks `authorize`: for a service that prepares a command before sending it. */
  async loadAuthorized<TContext>(
    m: EntityManager,
    def: WorkflowDefinition<TContext>,
    id: number,
    actor: EngineActor,
    type: string,
    /**
     * `copy`: a command about to be prepared from the record and sent may start from this process's copy of it
     * (RecentRecords; `expectedVersion`, the version the caller read). The caller then prepares and sends it
     * once more from `load` when it is refused or fails, whatever the reason (OperationService.send).
     */
    opts: { copy?: boolean; expectedVersion?: number } = {},
  ): Promise<LoadedInstance<TContext>> {
    const loaded =
      (opts.copy ? this.restoredCopy(def, id, actor, opts.expectedVersion) : undefined) ??
      (await this.load(m, def, id, actor));
    const permitFacts = def.permitFacts ? await def.permitFacts(m, actor, loaded.context, { type }, id) : undefined;
    this.authorize(def, loaded, actor, type, permitFacts);
    return loaded;
  }

  /**
   * The events this actor may send now: the state takes them and the rules of who-may-send let them.
   * `permitFacts`: for a workflow whose who-may rule reads the world (`def.permitFacts`), what the caller loaded for it.
   */
  allowedEvents<TContext>(
    def: WorkflowDefinition<TContext>,
    loaded: LoadedInstance<TContext>,
    actor: EngineActor,
    permitFacts?: unknown,
  ): string[] {
    return acceptedEvents(loaded.snapshot).filter(
      (type) => def.may(type, actor, loaded.context, loaded.state, permitFacts).ok,
    );
  }

  async history(m: EntityManager, instanceId: number): Promise<WorkflowHistory[]> {
    return m.find(WorkflowHistory, { where: { instanceId }, order: { seq: 'ASC' } });
  }

  private restore(def: WorkflowDefinition, row: InstanceRow): AnyMachineSnapshot {
    let persisted: StoredSnapshot = row.snapshot;
    if (row.machineVersion > def.version) {
      throw new SnapshotError(
        `${def.name} ${row.id} was stored by machine version ${row.machineVersion}, newer than ${def.version}`,
      );
    }
    for (let v = row.machineVersion; v < def.version; v++) {
      const migrate = def.migrations?.[v];
      if (!migrate) throw new SnapshotError(`${def.name} ${row.id}: no migration from machine version ${v}`);
      persisted = migrate(persisted);
    }
    // The machines invoke no actors and keep no history states (test/unit/machines-inert.test.ts), nor spawn any: a
    // stored snapshot is its state value, context and status, and `resolveState` restores it without starting an
    // actor — what `createActor(machine, { snapshot })` would give, in 1.8 µs instead of 7.6 (issue 14; JSON.parse aside).
    const stored = persisted as { value?: unknown; context?: unknown; status?: string };
    let snapshot: AnyMachineSnapshot;
    try {
      snapshot = def.machine.resolveState({
        value: stored.value as never,
        context: stored.context as never,
        status: stored.status as never,
      }) as AnyMachineSnapshot;
    } catch {
      snapshot = { status: 'error' } as AnyMachineSnapshot;
    }
    if (snapshot.status === 'error')
      throw new SnapshotError(`${def.name} ${row.id}: stored snapshot cannot be restored`);
    return snapshot;
  }

  /**
   * The step's hash over its content exactly as it will read back: the payload
   * from the very JSON text stored, the times as the column keeps them
   * (src/engine/history-hash.ts).
   */
  private hashOf(m: EntityManager, workflow: string, step: StepLike, payloadText: string, prev: string): string {
    return stepHash(prev, {
      instanceId: step.instanceId,
      workflow,
      brigadeId: step.brigadeId,
      seq: step.seq,
      event: step.event.type,
      payload: JSON.parse(payloadText),
      actorUserId: step.actor.userId,
      actorName: step.actor.name,
      role: step.role,
      from: step.from,
      to: step.to,
      at: asDatetimeColumn(m, step.at),
      effectiveAt: asDatetimeColumn(m, step.effectiveAt),
    });
  }

  /** The step's history row, chained to `prev` with hash `hash`, written by the run `attemptId` (newAttemptId). */
  private historyStatement(
    m: EntityManager,
    step: StepLike,
    payloadText: string,
    prev: string,
    hash: string,
    attemptId: string,
  ): Statement {
    return {
      text: 'INSERT INTO workflow_history (instance_id, brigade_id, seq, actor_user_id, actor_name, actor_role, event, payload, from_state, to_state, version, at, effective_at, prev_hash, hash, attempt_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      params: [
        step.instanceId,
        step.brigadeId,
        step.seq,
        step.actor.userId,
        step.actor.name,
        step.role,
        step.event.type,
        payloadText,
        step.from,
        step.to,
        step.seq,
        asDatetimeColumn(m, step.at),
        asDatetimeColumn(m, step.effectiveAt),
        prev,
        hash,
        attemptId,
      ],
    };
  }

  /** The chain head of a record written outside the engine (no head on its row): its last step's hash. */
  private async headOf(m: EntityManager, instanceId: number, version: number): Promise<string> {
    const { rows } = await sql<{ hash: string | null }>(
      m,
      'SELECT hash FROM workflow_history WHERE instance_id = ? AND seq = ?',
      [instanceId, version],
    );
    return rows[0]?.hash ?? GENESIS_HASH;
  }

  /** An outbox row per `notify` action. */
  private outboxStatements(
    workflow: string,
    step: StepLike,
    actions: ReadonlyArray<{ type: string; params?: unknown }>,
  ): Statement[] {
    return actions
      .filter((action) => action.type === 'notify')
      .map((action) => ({
        text: 'INSERT INTO outbox (brigade_id, instance_id, history_seq, workflow, topic, payload, created_at, available_at, delivered_at, attempts, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, NULL)',
        params: [
          step.brigadeId,
          step.instanceId,
          step.seq,
          workflow,
          (action.params as { topic: string }).topic,
          { event: step.event.type, from: step.from, to: step.to, actorUserId: step.actor.userId },
          step.at,
          step.at,
        ],
      }));
  }

  /** The time limits the state the record enters opens (`limits`: `def.deadlines`). */
  private deadlineStatements<TContext>(
    def: WorkflowDefinition<TContext>,
    instanceId: number,
    brigadeId: number,
    state: string,
    at: Date,
    limits: DeadlineSpec[],
  ): Statement[] {
    return limits.map((d) => ({
      text: 'INSERT INTO workflow_deadlines (brigade_id, instance_id, workflow, kind, state, starts_at, due_at, event, closed_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)',
      params: [brigadeId, instanceId, def.name, d.kind, state, at, d.dueAt, d.event ?? null],
    }));
  }
}

/** Closes the instance's open time limits in one statement: met if left in time, late if not. */
function closeDeadlinesStatement(instanceId: number, at: Date): Statement {
  return {
    text: "UPDATE workflow_deadlines SET closed_at = ?, outcome = CASE WHEN due_at >= ? THEN 'met' ELSE 'late' END WHERE instance_id = ? AND closed_at IS NULL",
    params: [at, at, instanceId],
  };
}

/** Told of each command's end (see `WorkflowEngine.onEvent`): `error` null when it stepped. */
export type EventListener = (workflow: string, event: string, error: unknown) => void;

/** How a step computed from a copy of its record did (see `WorkflowEngine.onCopy`). */
export type CopyOutcome = 'used' | 'stale';
export type CopyListener = (workflow: string, outcome: CopyOutcome) => void;

/** Whether a step hook acts on a step of `workflow` with `payload` (see `WorkflowEngine.onStep`). */
export type StepHookActs = (workflow: string, payload: Record<string, unknown>) => boolean;

/** A hook run in each step's transaction (see `WorkflowEngine.onStep`). */
export type StepHook = (
  m: EntityManager,
  workflow: string,
  step: StepRecord<unknown>,
  payload: Record<string, unknown>,
) => Promise<void>;

interface StepLike {
  instanceId: number;
  brigadeId: number;
  seq: number;
  event: CommandEvent;
  actor: EngineActor;
  role: string;
  at: Date;
  effectiveAt: Date;
  from: string | null;
  to: string;
}

/** Machines see who acted, not the engine's bookkeeping. */
function stripActor(actor: EngineActor) {
  return { kind: actor.kind, userId: actor.userId, name: actor.name, roles: actor.roles, squadId: actor.squadId };
}
