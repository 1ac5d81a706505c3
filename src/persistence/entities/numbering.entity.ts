import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Brigade } from './org.entity';

/**
 * The last number a brigade gave to a kind of record in a year (a filed
 * plan's 〔2026〕第 12 号, a detention list's): numbers run on without gaps,
 * one brigade and year at a time (src/domain/numbering).
 */
@Entity('record_numbers')
export class RecordNumber {
  @PrimaryColumn({ type: 'integer' })
  brigadeId!: number;

  @ManyToOne(() => Brigade, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'brigade_id', foreignKeyConstraintName: 'FK_record_numbers_brigade_id' })
  brigade?: Brigade;

  /** `operation` (a filed plan) or `detention_list`. */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  kind!: string;

  @PrimaryColumn({ type: 'integer' })
  year!: number;

  @Column({ type: 'integer' })
  lastNumber!: number;
}
