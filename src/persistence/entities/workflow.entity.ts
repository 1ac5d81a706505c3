import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Brigade } from './org.entity';

/** One record run by a machine in workflows/: its persisted snapshot, state and optimistic-lock version. */
@Entity('workflow_instances')
@Index('IDX_workflow_instances_workflow_state', ['workflow', 'state'])
@Index('IDX_workflow_instances_brigade_updated', ['brigadeId', 'updatedAt'])
export class WorkflowInstance {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @ManyToOne(() => Brigade, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'brigade_id', foreignKeyConstraintName: 'FK_workflow_instances_brigade_id' })
  brigade?: Brigade;

  @Column({ type: 'varchar', length: 40 })
  workflow!: string;

  /** The machine version the snapshot was stored with. */
  @Column({ type: 'integer' })
  machineVersion!: number;

  @Column({ type: 'varchar', length: 40 })
  state!: string;

  @Column({ type: 'json' })
  snapshot!: unknown;

  /** Optimistic lock: bumped by a conditional UPDATE on every event. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;

  /**
   * The hash of the last history step (the chain head), moved by the same
   * conditional UPDATE that bumps the version; null only for a record written
   * outside the engine.
   */
  @Column({ type: 'varchar', length: 64, nullable: true })
  headHash!: string | null;

  /**
   * How many time limits the record's state opened when it was entered, written
   * with every version bump (carried over while the state stays): a step leaving a
   * state that opened none has none to close. Trusted only when
   * `openDeadlinesVersion` is the record's version: a step by an instance of an
   * earlier release bumps the version and knows nothing of it. Null (unknown) on a
   * row written before it was kept: its next change of state closes as always.
   * Limits closed otherwise (a problem's, by kind) leave it as it is: it never
   * says fewer than are open.
   */
  @Column({ type: 'integer', nullable: true })
  openDeadlines!: number | null;

  /** The version `openDeadlines` was written at. */
  @Column({ type: 'integer', nullable: true })
  openDeadlinesVersion!: number | null;
}

/** The append-only history of an instance: one row per accepted event (and one for its creation). */
@Entity('workflow_history')
@Index('UQ_workflow_history_instance_seq', ['instanceId', 'seq'], { unique: true })
@Index('IDX_workflow_history_brigade_event_at_instance', ['brigadeId', 'event', 'at', 'id', 'instanceId'])
export class WorkflowHistory {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  instanceId!: number;

  @ManyToOne(() => WorkflowInstance, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'instance_id', foreignKeyConstraintName: 'FK_workflow_history_instance_id' })
  instance?: WorkflowInstance;

  @Column({ type: 'integer' })
  brigadeId!: number;

  /** 1, 2, 3 … per instance; 1 is the creation. */
  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'integer', nullable: true })
  actorUserId!: number | null;

  @Column({ type: 'varchar', length: 100 })
  actorName!: string;

  /** The role the actor acted in (or `system`). */
  @Column({ type: 'varchar', length: 20 })
  actorRole!: string;

  @Column({ type: 'varchar', length: 40 })
  event!: string;

  @Column({ type: 'json' })
  payload!: unknown;

  @Column({ type: 'varchar', length: 40, nullable: true })
  fromState!: string | null;

  @Column({ type: 'varchar', length: 40 })
  toState!: string;

  /** The version the instance has after this event. */
  @Column({ type: 'integer' })
  version!: number;

  /** When the step was recorded. */
  @Column({ type: 'datetime' })
  at!: Date;

  /**
   * When it happened: the same as `at`, except for steps the system records
   * after the fact (HOLDING_ELAPSED: the due time, not the minute the job noticed).
   */
  @Column({ type: 'datetime' })
  effectiveAt!: Date;

  /** The previous step's hash (64 zeros for step 1): where this step was chained. */
  @Column({ type: 'varchar', length: 64 })
  prevHash!: string;

  /**
   * SHA-256 over `prevHash` and this step's canonical content
   * (src/engine/history-hash.ts): a step changed behind the application's
   * back no longer matches, and `verify-history` says where.
   */
  @Column({ type: 'varchar', length: 64 })
  hash!: string;

  /**
   * The run of the command that wrote the row (random): a run whose COMMIT answer was
   * lost finds out by it whether the step at its seq is its own (two runs of one command
   * in one second hash alike). Not hashed; null on rows older than it.
   */
  @Column({ type: 'varchar', length: 24, nullable: true })
  attemptId!: string | null;
}

/** A side effect of an event, written in its transaction and delivered after commit (at least once). */
@Entity('outbox')
@Index('IDX_outbox_pending', ['deliveredAt', 'availableAt'])
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  brigadeId!: number;

  /** The record whose event this is; null for side effects of the jobs (a flag raised). */
  @Column({ type: 'integer', nullable: true })
  instanceId!: number | null;

  @ManyToOne(() => WorkflowInstance, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'instance_id', foreignKeyConstraintName: 'FK_outbox_instance_id' })
  instance?: WorkflowInstance | null;

  @Column({ type: 'integer' })
  historySeq!: number;

  @Column({ type: 'varchar', length: 40 })
  workflow!: string;

  @Column({ type: 'varchar', length: 60 })
  topic!: string;

  @Column({ type: 'json' })
  payload!: unknown;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  availableAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  deliveredAt!: Date | null;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  /** The worker holding this row now (src/domain/notifications/outbox.worker.ts), until `claimedUntil`. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  claimedBy!: string | null;

  @Column({ type: 'datetime', nullable: true })
  claimedUntil!: Date | null;
}

/**
 * A time limit on a waiting state (SPEC §3.5) or a timed step (holding's end).
 * Opened when the state is entered, closed when it is left; swept by the jobs,
 * which send `event` (if any) through the engine.
 */
@Entity('workflow_deadlines')
@Index('IDX_workflow_deadlines_open', ['closedAt', 'dueAt'])
@Index('IDX_workflow_deadlines_instance', ['instanceId'])
@Index('IDX_workflow_deadlines_brigade_kind_due_outcome', [
  'brigadeId',
  'workflow',
  'kind',
  'dueAt',
  'id',
  'instanceId',
  'closedAt',
  'outcome',
])
export class WorkflowDeadline {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @Column({ type: 'integer' })
  instanceId!: number;

  @ManyToOne(() => WorkflowInstance, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'instance_id', foreignKeyConstraintName: 'FK_workflow_deadlines_instance_id' })
  instance?: WorkflowInstance;

  @Column({ type: 'varchar', length: 40 })
  workflow!: string;

  @Column({ type: 'varchar', length: 40 })
  kind!: string;

  /** The state this limit watches. */
  @Column({ type: 'varchar', length: 40 })
  state!: string;

  @Column({ type: 'datetime' })
  startsAt!: Date;

  @Column({ type: 'datetime' })
  dueAt!: Date;

  /** Event the sweeper sends when due (e.g. HOLDING_ELAPSED); null for a limit that only flags. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  event!: string | null;

  @Column({ type: 'datetime', nullable: true })
  closedAt!: Date | null;

  /** `met` (left the state in time), `late` (left it after the limit). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  outcome!: string | null;
}
