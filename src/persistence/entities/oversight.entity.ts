import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Brigade } from './org.entity';

/**
 * One scheduled slot of a job (`<job>:<slot instant>`), claimed by the first
 * instance to insert it: when several instances share the database, each slot
 * runs on exactly one of them (node-cron's distributed mode, our coordinator).
 */
@Entity('job_slots')
export class JobSlot {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  slotKey!: string;

  @Column({ type: 'varchar', length: 60 })
  job!: string;

  @Column({ type: 'varchar', length: 100 })
  instance!: string;

  @Column({ type: 'datetime' })
  claimedAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  finishedAt!: Date | null;
}

/** The job-run log: every run of a job, scheduled or by hand, what it found and did, and its error if any. */
@Entity('job_runs')
@Index('IDX_job_runs_job_started', ['job', 'startedAt'])
export class JobRun {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 60 })
  job!: string;

  /** The period it looked at (e.g. `2026-10`), when it works per period. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  period!: string | null;

  /** How it was started: `schedule`, `manual` (a manager's button) or `cli`. */
  @Column({ type: 'varchar', length: 20 })
  via!: string;

  @Column({ type: 'varchar', length: 100 })
  instance!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  slotKey!: string | null;

  @Column({ type: 'integer', nullable: true })
  triggeredBy!: number | null;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'datetime' })
  startedAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  finishedAt!: Date | null;

  /** `running`, `ok`, `failed`. */
  @Column({ type: 'varchar', length: 20 })
  status!: string;

  @Column({ type: 'integer' })
  found!: number;

  @Column({ type: 'integer' })
  did!: number;

  @Column({ type: 'json' })
  summary!: unknown;

  @Column({ type: 'text', nullable: true })
  error!: string | null;
}

/**
 * A brigade's part of a run of an oversight job (`BrigadeJob`): what the job
 * found and did in that brigade, its summary and error. A brigade's pages and
 * API show its own parts only; a run by hand has one part, the caller's
 * brigade's, and a scheduled run one per brigade.
 */
@Entity('job_run_brigades')
@Index('UQ_job_run_brigades_run_brigade', ['runId', 'brigadeId'], { unique: true })
@Index('IDX_job_run_brigades_brigade_run', ['brigadeId', 'runId'])
export class JobRunBrigade {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  runId!: number;

  @ManyToOne(() => JobRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'FK_job_run_brigades_run_id' })
  run?: JobRun;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @ManyToOne(() => Brigade, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'brigade_id', foreignKeyConstraintName: 'FK_job_run_brigades_brigade_id' })
  brigade?: Brigade;

  /** `running`, `ok`, `failed`. */
  @Column({ type: 'varchar', length: 20 })
  status!: string;

  @Column({ type: 'integer' })
  found!: number;

  @Column({ type: 'integer' })
  did!: number;

  /** This brigade's part of the run's summary. */
  @Column({ type: 'json' })
  summary!: unknown;

  @Column({ type: 'text', nullable: true })
  error!: string | null;
}

/**
 * A flag: a rule of the practice that does not hold (R6 monthly minimum, a
 * time limit passed …), for a group, squad or record, in a period, with the
 * figures behind it. Raised and closed by the jobs; resolved by a manager with
 * a note, or by later data ("resolved by data").
 */
@Entity('flags')
@Index('UQ_flags_dedupe', ['dedupeKey'], { unique: true })
@Index('IDX_flags_brigade_status', ['brigadeId', 'status'])
@Index('IDX_flags_brigade_period', ['brigadeId', 'period'])
export class Flag {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  brigadeId!: number;

  /** The rule's source: `R6`, `R5`, `R9`, `R14`, `§3.5`. */
  @Column({ type: 'varchar', length: 10 })
  rule!: string;

  /** `monthly_minimum`, `early_warning`, `audit_overdue`, `time_limit`, `plan_missing`, `meeting_missing`, `hq_meeting_missing`. */
  @Column({ type: 'varchar', length: 40 })
  kind!: string;

  @Column({ type: 'integer', nullable: true })
  groupId!: number | null;

  @Column({ type: 'integer', nullable: true })
  squadId!: number | null;

  /** The record it is about (`operation`, …) and its id. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  recordType!: string | null;

  @Column({ type: 'integer', nullable: true })
  recordId!: number | null;

  /** `YYYY-MM`, `YYYY-H1`, or the day a limit passed. */
  @Column({ type: 'varchar', length: 20 })
  period!: string;

  /** One flag per rule, subject and period: re-running never duplicates it. */
  @Column({ type: 'varchar', length: 200 })
  dedupeKey!: string;

  /** The figures behind it (counts, the operations that counted and those that did not, and why). */
  @Column({ type: 'json' })
  figures!: unknown;

  /** `open`, `resolved` (by a manager), `resolved_by_data` (a later run found the rule holds). */
  @Column({ type: 'varchar', length: 20 })
  status!: string;

  @Column({ type: 'datetime' })
  raisedAt!: Date;

  @Column({ type: 'datetime' })
  lastCheckedAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'integer', nullable: true })
  resolvedBy!: number | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  resolutionNote!: string | null;

  @Column({ type: 'integer', nullable: true })
  jobRunId!: number | null;
}
