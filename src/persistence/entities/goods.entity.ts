import { Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Squad } from './org.entity';
import { Operation } from './operation.entity';
import { WorkflowInstance } from './workflow.entity';

/** R13: an owner or stall goods were detained from in an operation (当事人); a detention list is printed per party. */
@Entity('goods_parties')
@Index('IDX_goods_parties_operation', ['operationId'])
// A brigade's own numbers for its detention lists, per year.
@Index('UQ_goods_parties_brigade_number', ['brigadeId', 'numberYear', 'numberSeq'], { unique: true })
export class GoodsParty {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @Column({ type: 'integer' })
  operationId!: number;

  @ManyToOne(() => Operation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'operation_id', foreignKeyConstraintName: 'FK_goods_parties_operation_id' })
  operation?: Operation;

  /** R13: the squad that detained the party's goods (its results must say what the ledger registered for it). */
  @Column({ type: 'integer', nullable: true })
  squadId!: number | null;

  @ManyToOne(() => Squad, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'squad_id', foreignKeyConstraintName: 'FK_goods_parties_squad_id' })
  squad?: Squad | null;

  /** The brigade's number for the party's detention list (暂扣物品清单), per year. */
  @Column({ type: 'integer', nullable: true })
  numberYear!: number | null;

  @Column({ type: 'integer', nullable: true })
  numberSeq!: number | null;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  idNumber!: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 300 })
  stall!: string;

  @Column({ type: 'integer', nullable: true })
  createdBy!: number | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;
}

/**
 * R13: one detained item as a queryable record (its workflow's snapshot is the
 * truth; this is its projection for the ledger, lists, the inbox and the
 * goods-limits job).
 */
@Entity('goods_items')
@Index('IDX_goods_items_operation_state', ['operationId', 'state'])
@Index('IDX_goods_items_brigade_state_due', ['brigadeId', 'state', 'dueAt'])
@Index('IDX_goods_items_brigade_state_amber', ['brigadeId', 'state', 'amberAt'])
@Index('IDX_goods_items_custodian_state', ['custodianSquadId', 'state'])
export class GoodsItem {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @OneToOne(() => WorkflowInstance, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id', foreignKeyConstraintName: 'FK_goods_items_id' })
  instance?: WorkflowInstance;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @Column({ type: 'integer' })
  operationId!: number;

  @ManyToOne(() => Operation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'operation_id', foreignKeyConstraintName: 'FK_goods_items_operation_id' })
  operation?: Operation;

  @Column({ type: 'integer' })
  partyId!: number;

  @ManyToOne(() => GoodsParty, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'party_id', foreignKeyConstraintName: 'FK_goods_items_party_id' })
  party?: GoodsParty;

  @Column({ type: 'varchar', length: 40 })
  state!: string;

  @Column({ type: 'varchar', length: 300 })
  description!: string;

  @Column({ type: 'double' })
  quantity!: number;

  @Column({ type: 'varchar', length: 20 })
  unit!: string;

  @Column({ type: 'boolean' })
  perishable!: boolean;

  @Column({ type: 'varchar', length: 100, nullable: true })
  caseRef!: string | null;

  @Column({ type: 'integer' })
  custodianSquadId!: number;

  @ManyToOne(() => Squad, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'custodian_squad_id', foreignKeyConstraintName: 'FK_goods_items_custodian_squad_id' })
  custodianSquad?: Squad;

  @Column({ type: 'varchar', length: 300 })
  storagePlace!: string;

  @Column({ type: 'datetime' })
  registeredAt!: Date;

  /** R13: the legal limit as it stands (moved once by an extension). */
  @Column({ type: 'datetime' })
  dueAt!: Date;

  /** §3.5: when its light turns amber — 80 % of the way from registration to the limit. */
  @Column({ type: 'datetime' })
  amberAt!: Date;

  @Column({ type: 'boolean' })
  extended!: boolean;

  @Column({ type: 'boolean' })
  disposalApproved!: boolean;

  @Column({ type: 'datetime', nullable: true })
  closedAt!: Date | null;

  @Column({ type: 'integer', nullable: true })
  registeredBy!: number | null;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}
