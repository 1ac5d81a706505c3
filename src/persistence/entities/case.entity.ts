import { Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Brigade, Squad } from './org.entity';
import { Operation } from './operation.entity';
import { WorkflowInstance } from './workflow.entity';

/**
 * A case (案件) in the light register: enough for an operation's page to show
 * its cases and for R10's transfers to move a case to the competent squad.
 * The handling squad changes only through a transfer (accepted or designated);
 * its transfers are the case's history.
 */
@Entity('cases')
@Index('UQ_cases_brigade_reference', ['brigadeId', 'reference'], { unique: true })
@Index('IDX_cases_handling_squad', ['handlingSquadId'])
@Index('IDX_cases_operation', ['operationId'])
export class Case {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @ManyToOne(() => Brigade, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'brigade_id', foreignKeyConstraintName: 'FK_cases_brigade_id' })
  brigade?: Brigade;

  /** The brigade's own case number (案号), unique per brigade. */
  @Column({ type: 'varchar', length: 60 })
  reference!: string;

  @Column({ type: 'integer' })
  handlingSquadId!: number;

  @ManyToOne(() => Squad, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'handling_squad_id', foreignKeyConstraintName: 'FK_cases_handling_squad_id' })
  handlingSquad?: Squad;

  /** The squad that registered it (the first handling squad). */
  @Column({ type: 'integer' })
  registeringSquadId!: number;

  @Column({ type: 'integer', nullable: true })
  operationId!: number | null;

  @ManyToOne(() => Operation, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'operation_id', foreignKeyConstraintName: 'FK_cases_operation_id' })
  operation?: Operation | null;

  /** `person` or `stall`. */
  @Column({ type: 'varchar', length: 20 })
  partyKind!: string;

  @Column({ type: 'varchar', length: 200 })
  partyName!: string;

  @Column({ type: 'varchar', length: 1000 })
  violation!: string;

  @Column({ type: 'varchar', length: 300 })
  location!: string;

  /** YYYY-MM-DD (the brigade's calendar). */
  @Column({ type: 'varchar', length: 10 })
  openedOn!: string;

  /** The transfer under way (proposed or disputed), if any: one at a time. */
  @Column({ type: 'integer', nullable: true })
  openTransferId!: number | null;

  @Column({ type: 'integer', nullable: true })
  createdBy!: number | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}

/**
 * R10: a case transfer as a queryable record (the snapshot of its workflow is
 * the truth; this is its projection for lists, the inbox and the lights).
 * `dueAt`/`amberAt`: the open time limit of its waiting state (§3.5).
 */
@Entity('case_transfers')
@Index('IDX_case_transfers_brigade_state', ['brigadeId', 'state'])
@Index('IDX_case_transfers_case', ['caseId'])
@Index('IDX_case_transfers_to_state', ['toSquadId', 'state'])
export class CaseTransfer {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @OneToOne(() => WorkflowInstance, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id', foreignKeyConstraintName: 'FK_case_transfers_id' })
  instance?: WorkflowInstance;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @Column({ type: 'integer' })
  caseId!: number;

  @ManyToOne(() => Case, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_case_transfers_case_id' })
  case?: Case;

  @Column({ type: 'varchar', length: 40 })
  state!: string;

  @Column({ type: 'integer' })
  fromSquadId!: number;

  @Column({ type: 'integer' })
  toSquadId!: number;

  @Column({ type: 'integer', nullable: true })
  designatedSquadId!: number | null;

  @Column({ type: 'datetime' })
  proposedAt!: Date;

  /** When it ended (transferred, designated, withdrawn). */
  @Column({ type: 'datetime', nullable: true })
  closedAt!: Date | null;

  /** §3.5: the open time limit of its state (null when nothing waits). */
  @Column({ type: 'datetime', nullable: true })
  dueAt!: Date | null;

  /** §3.5: when its light turns amber (80 % of the limit). */
  @Column({ type: 'datetime', nullable: true })
  amberAt!: Date | null;

  @Column({ type: 'integer', nullable: true })
  createdBy!: number | null;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}
