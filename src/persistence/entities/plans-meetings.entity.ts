import { Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn } from 'typeorm';
import { LinkageGroup, Squad } from './org.entity';
import { WorkflowInstance } from './workflow.entity';

/**
 * R5: a linkage group's plan for one month, as a queryable record (the
 * snapshot of its workflow is the truth; this is its projection for lists,
 * the inbox and the plans-and-meetings job). One per group and month.
 */
@Entity('group_plans')
@Index('UQ_group_plans_group_month', ['groupId', 'month'], { unique: true })
@Index('IDX_group_plans_brigade_month', ['brigadeId', 'month'])
export class GroupPlan {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @OneToOne(() => WorkflowInstance, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id', foreignKeyConstraintName: 'FK_group_plans_id' })
  instance?: WorkflowInstance;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @Column({ type: 'integer' })
  groupId!: number;

  @ManyToOne(() => LinkageGroup, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_group_plans_group_id' })
  group?: LinkageGroup;

  /** `YYYY-MM`. */
  @Column({ type: 'varchar', length: 7 })
  month!: string;

  @Column({ type: 'varchar', length: 40 })
  state!: string;

  @Column({ type: 'integer' })
  targetCount!: number;

  /** Joint operations the schedule plans (R6: at least the monthly minimum). */
  @Column({ type: 'integer' })
  plannedOperations!: number;

  @Column({ type: 'datetime', nullable: true })
  firstFiledAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  filedAt!: Date | null;

  /** R5: the first filing came after the month had begun. */
  @Column({ type: 'boolean', nullable: true })
  filedLate!: boolean | null;

  @Column({ type: 'integer', default: 0 })
  returnCount!: number;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  lastReturnReason!: string | null;

  @Column({ type: 'integer', nullable: true })
  createdBy!: number | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}

/**
 * R9: a meeting — a group's work meeting or the HQ's half-yearly summary — as
 * a queryable record. Its period is the month (`YYYY-MM`) or half-year
 * (`YYYY-H1`) it falls in, by its date as held (or as planned, until then).
 */
@Entity('meetings')
@Index('IDX_meetings_group_at', ['groupId', 'meetingAt'])
@Index('IDX_meetings_brigade_kind_period', ['brigadeId', 'kind', 'period'])
export class Meeting {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @OneToOne(() => WorkflowInstance, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id', foreignKeyConstraintName: 'FK_meetings_id' })
  instance?: WorkflowInstance;

  @Column({ type: 'integer' })
  brigadeId!: number;

  /** `group` or `hq_summary`. */
  @Column({ type: 'varchar', length: 20 })
  kind!: string;

  @Column({ type: 'integer', nullable: true })
  groupId!: number | null;

  @ManyToOne(() => LinkageGroup, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_meetings_group_id' })
  group?: LinkageGroup | null;

  @Column({ type: 'varchar', length: 7 })
  period!: string;

  @Column({ type: 'varchar', length: 40 })
  state!: string;

  @Column({ type: 'integer', nullable: true })
  convenerSquadId!: number | null;

  @ManyToOne(() => Squad, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'convener_squad_id', foreignKeyConstraintName: 'FK_meetings_convener_squad_id' })
  convenerSquad?: Squad | null;

  /** R9: the convener the rotation named when the meeting was arranged. */
  @Column({ type: 'integer', nullable: true })
  rotationConvenerSquadId!: number | null;

  @Column({ type: 'datetime' })
  plannedStart!: Date;

  @Column({ type: 'datetime', nullable: true })
  heldAt!: Date | null;

  /** When it was held, or is planned: the order the rotation counts meetings in. */
  @Column({ type: 'datetime' })
  meetingAt!: Date;

  /** The group's member squads (ids, in member order) as of the meeting's last step: the rotation reads who was a member when. */
  @Column({ type: 'json' })
  memberSquadIds!: number[];

  @Column({ type: 'integer', nullable: true })
  createdBy!: number | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}
