import type { AnyStateMachine, EventObject } from 'xstate';
import type { Increment } from '../persistence/rows';
import type { Statement } from '../persistence/sql';
import type { EntityManager } from 'typeorm';
import type { Actor, Permit } from '../../workflows/shared/actor';
import type { Problem } from '../../workflows/shared/problem';
import type { StoredSnapshot } from '../../workflows/shared/rules';

/** An actor as the engine sees it: who, and in which brigade (whose data they may touch, and whose clock they read). */
export interface EngineActor extends Actor {
  brigadeId: number;
  timeZone: string;
  /**
   * A condition, in SQL, that the actor's authority rests on: an API token's principal kept in memory
   * rather than read for the request holds only while the token and its user are as they were
   * (org.queries.ts `principalHolds`). A step by such an actor is written only where it holds: it is part
   * of the step's conditional version bump, so a step it misses is refused (StaleVersionError) with
   * nothing written, and the caller (signed-in.ts `asSignedIn`) reads the principal afresh and, if it
   * changed, runs the command again.
   * Only `WorkflowEngine.send` checks it: a principal kept in memory is used for nothing else.
   */
  holds?: Statement;
}

/** The event a caller sends: a type and its payload, without the envelope the engine adds. */
export interface CommandEvent {
  type: string;
  [field: string]: unknown;
}

/** One accepted step, handed to the workflow's projection (same transaction). */
export interface StepRecord<TContext> {
  instanceId: number;
  brigadeId: number;
  /** The history sequence number of this step (= the instance's version after it). */
  seq: number;
  event: CommandEvent;
  actor: EngineActor;
  role: string;
  /** When the step was recorded. */
  at: Date;
  /** When it happened: `at`, or for a step the system records after the fact, the due time. */
  effectiveAt: Date;
  from: string | null;
  to: string;
  previous: TContext | null;
  next: TContext;
}

/** Whether a caller may read a record, or why not (a reason of who-may-do-what, as a 403 names it). */
export type ReadPermit = { ok: true } | { ok: false; reason: string };

export interface DeadlineSpec {
  /** e.g. `decision`, `results`, `holding_end`, `audit` (SPEC §3.5). */
  kind: string;
  dueAt: Date;
  /** Sent by the sweeper when due; none for a limit that is only watched. */
  event?: string;
}

/**
 * Everything the generic engine needs to run one kind of record. The machine
 * and its rules come from workflows/; facts, projection and time limits are
 * the domain's, because they touch the database and the config.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the engine holds definitions of every workflow (each its own context and input) in one registry
export interface WorkflowDefinition<TContext = any, TInput = any> {
  name: string;
  machine: AnyStateMachine;
  /** Stored beside every snapshot; a snapshot of an older version goes through `migrations`. */
  version: number;
  /** Migration of a persisted snapshot from version N to N + 1, keyed by N. */
  migrations?: Record<number, (persisted: StoredSnapshot) => StoredSnapshot>;
  /**
   * Who may read a record of this kind, when not everyone of the brigade may
   * (a group's plans and meetings). Asked before anything else about a command,
   * so a caller who may not read the record learns nothing of its state or version.
   */
  mayRead?(actor: EngineActor, context: TContext): ReadPermit;
  /**
   * Who may send `type` in `state` (the same who-rules the machine's guards name, composed per event).
   * `facts`: what `permitFacts` loaded, for a rule of who-may that reads the world (none otherwise).
   */
  may(type: string, actor: EngineActor, context: TContext, state: string, facts?: unknown): Permit;
  /**
   * Facts of the world the who-may rule itself reads (e.g. which squads hold an
   * operation of a hard problem, R12), loaded before the permission is decided.
   * Most workflows decide from the actor and the record alone and leave it out.
   */
  permitFacts?(
    tx: EntityManager,
    actor: EngineActor,
    context: TContext,
    command: CommandEvent,
    id: number,
  ): Promise<unknown>;
  /** Why the machine refuses `event` (the same functions its guards use). */
  problems(context: TContext, event: EventObject): Problem[];
  /** Facts of the world the rules need, loaded inside the command's transaction (`id`: the record's). */
  facts(tx: EntityManager, actor: EngineActor, context: TContext, command: CommandEvent, id: number): Promise<unknown>;
  /**
   * Writes the queryable record from the new snapshot (same transaction). With
   * `projectionRow`, a step after the first finds its row written already and
   * writes only the rest (rows of its own: incidents, results …).
   */
  project(tx: EntityManager, step: StepRecord<TContext>): Promise<void>;
  /**
   * Whether `project` writes anything for a step. When it says no and no step
   * hook acts, nothing is written after the engine's own writes of the step, so
   * in a transaction of the step's own (deferred, on MariaDB) its COMMIT goes
   * with them: one round trip fewer, and `project` is not called at all.
   * Absent: it may write.
   */
  projectWrites?(step: StepRecord<TContext>): boolean;
  /**
   * The record's queryable row, keyed by the instance's id, as the columns a
   * step sets. The engine writes it for every step after the first — on
   * MySQL in the very statement that bumps the instance's version and closes
   * its time limits (one multi-table UPDATE), on MariaDB in the same round
   * trip (one compound statement), on SQLite right after — so the row never
   * lags its instance. The first step's row is `project`'s or `stepRows`'.
   */
  projectionRow?: {
    table: string;
    columns(step: StepRecord<TContext>, tx: EntityManager): Record<string, unknown>;
    /**
     * Columns increased by an SQL expression over the row as it was before the
     * step (`column(name)` names one of its columns in the engine's statement).
     */
    increments?(step: StepRecord<TContext>, tx: EntityManager, column: (name: string) => string): Increment[];
  };
  /**
   * Rows of the step's own that need nothing read first (an incident logged, result lines; the first
   * step's record rows): written with the engine's own writes of the step, after its version bump (or,
   * on create, its history) and before `project` (one round trip on MariaDB: `writeTogether`).
   */
  stepRows?(step: StepRecord<TContext>, tx: EntityManager): Statement[];
  /** The time limits of a state just entered. */
  deadlines(context: TContext, state: string, enteredAt: Date): DeadlineSpec[];
  /** Input for `initialTransition`. */
  input?(input: TInput): unknown;
}
