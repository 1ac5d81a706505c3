import { Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Operation } from './operation.entity';
import { WorkflowInstance } from './workflow.entity';

/**
 * A hard problem (SPEC §3.4) as a queryable record: the snapshot of its
 * workflow is the truth; this is its projection for lists, duplicates,
 * the inbox and the figures (R15).
 */
@Entity('hard_problems')
@Index('IDX_hard_problems_brigade_state', ['brigadeId', 'state'])
@Index('IDX_hard_problems_brigade_category_reported', ['brigadeId', 'category', 'reportedAt'])
export class HardProblem {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @OneToOne(() => WorkflowInstance, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id', foreignKeyConstraintName: 'FK_hard_problems_id' })
  instance?: WorkflowInstance;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @Column({ type: 'varchar', length: 40 })
  state!: string;

  /** R7: where it came from. */
  @Column({ type: 'varchar', length: 20 })
  source!: string;

  @Column({ type: 'varchar', length: 30 })
  category!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 300 })
  location!: string;

  /** The location folded for comparison (spaces and punctuation out, lower case): duplicates are matched on it. */
  @Column({ type: 'varchar', length: 300 })
  locationKey!: string;

  @Column({ type: 'json' })
  squadIds!: number[];

  @Column({ type: 'integer', nullable: true })
  mergedIntoId!: number | null;

  @Column({ type: 'integer', default: 0 })
  repeatCount!: number;

  /** Call-backs recorded (a hotline problem resolved without one waits for it, §3.4). */
  @Column({ type: 'integer', default: 0 })
  callbackCount!: number;

  @Column({ type: 'datetime' })
  reportedAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  acceptedAt!: Date | null;

  /** When its current resolution was made; null unless it is resolved now (a rebound clears it, §3.4). */
  @Column({ type: 'datetime', nullable: true })
  resolvedAt!: Date | null;

  /** When it last came back (a rebound). */
  @Column({ type: 'datetime', nullable: true })
  reopenedAt!: Date | null;

  @Column({ type: 'integer', nullable: true })
  fromNoticeId!: number | null;

  @Column({ type: 'integer', nullable: true })
  createdBy!: number | null;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}

/**
 * What a problem gathered: its first report, rebounds, and — moved over when
 * a duplicate is merged into it — the duplicate's (SPEC §3.4).
 */
@Entity('hard_problem_reports')
@Index('IDX_hard_problem_reports_problem', ['problemId', 'at'])
export class HardProblemReport {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  brigadeId!: number;

  /** The problem it belongs to now (the survivor, after a merge). */
  @Column({ type: 'integer' })
  problemId!: number;

  /** The problem it was first filed on. */
  @Column({ type: 'integer' })
  originalProblemId!: number;

  @ManyToOne(() => HardProblem, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'original_problem_id', foreignKeyConstraintName: 'FK_hard_problem_reports_original_problem_id' })
  originalProblem?: HardProblem;

  /** `report` or `rebound`. */
  @Column({ type: 'varchar', length: 20 })
  kind!: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  source!: string | null;

  @Column({ type: 'varchar', length: 5000 })
  description!: string;

  @Column({ type: 'integer', nullable: true })
  byUserId!: number | null;

  @Column({ type: 'datetime' })
  at!: Date;
}

/**
 * An operation whose plan targets a hard problem (names it, §3.4). Only the
 * plan says so: an edit of the draft replaces these. What resolved a problem
 * is kept apart, in hard_problem_resolutions.
 */
@Entity('hard_problem_operations')
@Index('IDX_hard_problem_operations_operation', ['operationId'])
export class HardProblemOperation {
  @PrimaryColumn({ type: 'integer' })
  problemId!: number;

  @PrimaryColumn({ type: 'integer' })
  operationId!: number;

  @ManyToOne(() => HardProblem, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'problem_id', foreignKeyConstraintName: 'FK_hard_problem_operations_problem_id' })
  problem?: HardProblem;

  @ManyToOne(() => Operation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'operation_id', foreignKeyConstraintName: 'FK_hard_problem_operations_operation_id' })
  operation?: Operation;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @Column({ type: 'datetime' })
  linkedAt!: Date;
}

/**
 * A resolution of a hard problem by an operation (§3.4: "resolved by"), one
 * row per RESOLVE step that named one. Apart from the plan's targets, so an
 * edit of a plan never takes a resolution with it; the problem's snapshot
 * (each resolution's `operationId`) is the truth, this its projection.
 */
@Entity('hard_problem_resolutions')
@Index('IDX_hard_problem_resolutions_operation', ['operationId'])
export class HardProblemResolution {
  @PrimaryColumn({ type: 'integer' })
  problemId!: number;

  /** The RESOLVE step's place in the problem's history (a problem resolved again after a rebound has several). */
  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @ManyToOne(() => HardProblem, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'problem_id', foreignKeyConstraintName: 'FK_hard_problem_resolutions_problem_id' })
  problem?: HardProblem;

  @Column({ type: 'integer' })
  operationId!: number;

  @ManyToOne(() => Operation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'operation_id', foreignKeyConstraintName: 'FK_hard_problem_resolutions_operation_id' })
  operation?: Operation;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @Column({ type: 'datetime' })
  resolvedAt!: Date;
}

/** A border notification (R8) as a queryable record. */
@Entity('border_notices')
@Index('IDX_border_notices_brigade_state', ['brigadeId', 'state'])
export class BorderNotice {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @OneToOne(() => WorkflowInstance, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id', foreignKeyConstraintName: 'FK_border_notices_id' })
  instance?: WorkflowInstance;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @Column({ type: 'varchar', length: 40 })
  state!: string;

  @Column({ type: 'integer', nullable: true })
  groupId!: number | null;

  @Column({ type: 'integer' })
  senderSquadId!: number;

  @Column({ type: 'json' })
  squadIds!: number[];

  @Column({ type: 'varchar', length: 300 })
  location!: string;

  @Column({ type: 'varchar', length: 5000 })
  what!: string;

  @Column({ type: 'datetime' })
  seenAt!: Date;

  @Column({ type: 'integer', nullable: true })
  problemId!: number | null;

  @Column({ type: 'integer', nullable: true })
  operationId!: number | null;

  @Column({ type: 'integer', nullable: true })
  sentBy!: number | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}
