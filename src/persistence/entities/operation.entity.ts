import { Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { LinkageGroup, Squad } from './org.entity';
import { WorkflowInstance } from './workflow.entity';

/**
 * The joint operation as a queryable record: written from the machine's
 * snapshot in the same transaction as every event (the snapshot is the truth;
 * this is its projection for lists, filters and figures). Shares its id with
 * the workflow instance.
 */
@Entity('operations')
@Index('IDX_operations_brigade_state', ['brigadeId', 'state'])
@Index('IDX_operations_brigade_planned', ['brigadeId', 'plannedStart'])
@Index('IDX_operations_group_end', ['groupId', 'actualEnd'])
// The inboxes: a squad's (or commander's) operations in a state, within the brigade; the brigade's by filing or holding deadline.
@Index('IDX_operations_lead_state_brigade', ['leadSquadId', 'state', 'brigadeId'])
@Index('IDX_operations_host_state_brigade', ['hostSquadId', 'state', 'brigadeId'])
@Index('IDX_operations_commander_state_brigade', ['designatedCommanderId', 'state', 'brigadeId'])
@Index('IDX_operations_brigade_state_filed', ['brigadeId', 'state', 'filedAt'])
@Index('IDX_operations_brigade_actual_start', ['brigadeId', 'actualStart'])
@Index('IDX_operations_brigade_state_holding', ['brigadeId', 'state', 'holdingDeadline'])
// The list filtered by group and state, newest first (the id follows in the index).
@Index('IDX_operations_brigade_group_state', ['brigadeId', 'groupId', 'state'])
// A brigade's own numbers for its plans, per year (〔2026〕第 12 号).
@Index('UQ_operations_brigade_number', ['brigadeId', 'numberYear', 'numberSeq'], { unique: true })
export class Operation {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @OneToOne(() => WorkflowInstance, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id', foreignKeyConstraintName: 'FK_operations_id' })
  instance?: WorkflowInstance;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @Column({ type: 'integer', nullable: true })
  groupId!: number | null;

  @ManyToOne(() => LinkageGroup, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_operations_group_id' })
  group?: LinkageGroup | null;

  @Column({ type: 'varchar', length: 20 })
  kind!: string;

  @Column({ type: 'varchar', length: 40 })
  state!: string;

  /** The brigade's number for the plan, given when it is first filed: the year and the number in it. */
  @Column({ type: 'integer', nullable: true })
  numberYear!: number | null;

  @Column({ type: 'integer', nullable: true })
  numberSeq!: number | null;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  problemSource!: string | null;

  @Column({ type: 'varchar', length: 300 })
  location!: string;

  @Column({ type: 'integer' })
  leadSquadId!: number;

  @ManyToOne(() => Squad, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lead_squad_id', foreignKeyConstraintName: 'FK_operations_lead_squad_id' })
  leadSquad?: Squad;

  @Column({ type: 'integer', nullable: true })
  hostSquadId!: number | null;

  @ManyToOne(() => Squad, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'host_squad_id', foreignKeyConstraintName: 'FK_operations_host_squad_id' })
  hostSquad?: Squad | null;

  @Column({ type: 'integer', nullable: true })
  designatedCommanderId!: number | null;

  @Column({ type: 'datetime', nullable: true })
  plannedStart!: Date | null;

  @Column({ type: 'double', nullable: true })
  plannedHours!: number | null;

  @Column({ type: 'integer' })
  holdingDays!: number;

  @Column({ type: 'datetime', nullable: true })
  filedAt!: Date | null;

  /** §3.5: returns are counted, and the last reason shown to the lead squad. */
  @Column({ type: 'integer', default: 0 })
  returnCount!: number;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  lastReturnReason!: string | null;

  /** The last day (brigade time) the host squad logged a holding check. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  lastHoldingCheckDate!: string | null;

  @Column({ type: 'datetime', nullable: true })
  approvedAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  actualStart!: Date | null;

  /** R6: a start recorded this many hours after it happened (beyond `operations.lateEntryHours`): a late entry. */
  @Column({ type: 'double', nullable: true })
  lateEntryHours!: number | null;

  @Column({ type: 'datetime', nullable: true })
  actualEnd!: Date | null;

  @Column({ type: 'double', nullable: true })
  actualHours!: number | null;

  /** R6: decided at completion. */
  @Column({ type: 'boolean', nullable: true })
  countsTowardMinimum!: boolean | null;

  @Column({ type: 'datetime', nullable: true })
  holdingDeadline!: Date | null;

  /** When the operation entered its current state: its last step's effective time (figures: where operations wait longest). */
  @Column({ type: 'datetime', nullable: true })
  stateSince!: Date | null;

  /** Seconds spent in `draft` (each step adds the time since the step before to the state it leaves), and the stays. */
  @Column({ type: 'double', default: 0 })
  dwellDraftSeconds!: number;

  @Column({ type: 'integer', default: 0 })
  dwellDraftStays!: number;

  /** Seconds spent in `filed` (each step adds the time since the step before to the state it leaves), and the stays. */
  @Column({ type: 'double', default: 0 })
  dwellFiledSeconds!: number;

  @Column({ type: 'integer', default: 0 })
  dwellFiledStays!: number;

  /** Seconds spent in `approved` (each step adds the time since the step before to the state it leaves), and the stays. */
  @Column({ type: 'double', default: 0 })
  dwellApprovedSeconds!: number;

  @Column({ type: 'integer', default: 0 })
  dwellApprovedStays!: number;

  /** Seconds spent in `in_progress` (each step adds the time since the step before to the state it leaves), and the stays. */
  @Column({ type: 'double', default: 0 })
  dwellInProgressSeconds!: number;

  @Column({ type: 'integer', default: 0 })
  dwellInProgressStays!: number;

  /** Seconds spent in `holding` (each step adds the time since the step before to the state it leaves), and the stays. */
  @Column({ type: 'double', default: 0 })
  dwellHoldingSeconds!: number;

  @Column({ type: 'integer', default: 0 })
  dwellHoldingStays!: number;

  /** Seconds spent in `awaiting_audit` (each step adds the time since the step before to the state it leaves), and the stays. */
  @Column({ type: 'double', default: 0 })
  dwellAwaitingAuditSeconds!: number;

  @Column({ type: 'integer', default: 0 })
  dwellAwaitingAuditStays!: number;

  @Column({ type: 'integer', nullable: true })
  createdBy!: number | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}

/** A squad taking part in an operation: its planned forces and, once completed, its results. */
@Entity('operation_squads')
@Index('IDX_operation_squads_squad', ['squadId'])
export class OperationSquad {
  @PrimaryColumn({ type: 'integer' })
  operationId!: number;

  @ManyToOne(() => Operation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'operation_id', foreignKeyConstraintName: 'FK_operation_squads_operation_id' })
  operation?: Operation;

  @PrimaryColumn({ type: 'integer' })
  squadId!: number;

  @ManyToOne(() => Squad, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'squad_id', foreignKeyConstraintName: 'FK_operation_squads_squad_id' })
  squad?: Squad;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'integer', nullable: true })
  plannedOfficers!: number | null;

  @Column({ type: 'integer', nullable: true })
  plannedVehicles!: number | null;

  @Column({ type: 'integer', nullable: true })
  officers!: number | null;

  @Column({ type: 'integer', nullable: true })
  vehicles!: number | null;

  @Column({ type: 'integer', nullable: true })
  educated!: number | null;

  @Column({ type: 'integer', nullable: true })
  handled!: number | null;

  @Column({ type: 'integer', nullable: true })
  goodsDetained!: number | null;
}

/** R11: an incident during an operation. */
@Entity('operation_incidents')
@Index('IDX_operation_incidents_operation', ['operationId'])
@Index('IDX_operation_incidents_brigade_occurred', ['brigadeId', 'occurredAt'])
export class OperationIncident {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  operationId!: number;

  @ManyToOne(() => Operation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'operation_id', foreignKeyConstraintName: 'FK_operation_incidents_operation_id' })
  operation?: Operation;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @Column({ type: 'varchar', length: 20 })
  type!: string;

  @Column({ type: 'varchar', length: 20 })
  severity!: string;

  @Column({ type: 'datetime' })
  occurredAt!: Date;

  @Column({ type: 'integer' })
  injuries!: number;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'text' })
  response!: string;

  @Column({ type: 'varchar', length: 300 })
  informed!: string;

  @Column({ type: 'integer', nullable: true })
  reportedBy!: number | null;

  @Column({ type: 'integer' })
  historySeq!: number;
}

/** R12, R14: what was seen while holding the site — the host squad's checks, inspectors' spot checks and audits. */
@Entity('holding_records')
@Index('IDX_holding_records_operation', ['operationId'])
@Index('IDX_holding_records_brigade_at', ['brigadeId', 'at'])
@Index('IDX_holding_records_brigade_kind_at_operation', ['brigadeId', 'kind', 'at', 'operationId'])
// R12: one holding check per holding day (a second amends it); spot checks and audits have no date.
@Index('UQ_holding_records_day', ['operationId', 'kind', 'round', 'date'], { unique: true })
export class HoldingRecord {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  operationId!: number;

  @ManyToOne(() => Operation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'operation_id', foreignKeyConstraintName: 'FK_holding_records_operation_id' })
  operation?: Operation;

  @Column({ type: 'integer' })
  brigadeId!: number;

  /** `holding_check`, `spot_check`, `audit_pass`, `audit_fail`. */
  @Column({ type: 'varchar', length: 20 })
  kind!: string;

  @Column({ type: 'integer' })
  round!: number;

  /** The day observed (brigade time), for holding checks. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  date!: string | null;

  @Column({ type: 'integer', nullable: true })
  officersOnPost!: number | null;

  @Column({ type: 'boolean', nullable: true })
  reboundObserved!: boolean | null;

  @Column({ type: 'text' })
  notes!: string;

  @Column({ type: 'text', nullable: true })
  rectification!: string | null;

  @Column({ type: 'integer', nullable: true })
  byUserId!: number | null;

  @Column({ type: 'datetime' })
  at!: Date;

  @Column({ type: 'integer' })
  historySeq!: number;

  /** R12: how many times the day's entry was amended by a later check of the same day (each is in the history). */
  @Column({ type: 'integer', default: 0 })
  amendments!: number;
}
