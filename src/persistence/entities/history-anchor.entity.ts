import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Brigade } from './org.entity';

/**
 * A day's anchor of a brigade's history (the `history-anchor` job): a digest
 * of every record's chain head as of a cut — the history rows with
 * `id <= uptoHistoryId` — kept here and printed (`npm run cli -- anchors`) to
 * be kept outside the system. A history edited and then re-hashed whole still
 * forms valid chains, but no longer reproduces the digest of an anchor taken
 * before the edit (src/domain/history/history-chain.ts).
 */
@Entity('history_anchors')
@Index('UQ_history_anchors_brigade_day', ['brigadeId', 'day'], { unique: true })
export class HistoryAnchor {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @ManyToOne(() => Brigade, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'brigade_id', foreignKeyConstraintName: 'FK_history_anchors_brigade_id' })
  brigade?: Brigade;

  /** The brigade's local date the anchor was taken on (`YYYY-MM-DD`): one a day. */
  @Column({ type: 'varchar', length: 10 })
  day!: string;

  /** SHA-256 (hex) over the cut and each record's last step up to it (`anchorDigest`). */
  @Column({ type: 'varchar', length: 64 })
  digest!: string;

  /** Records with at least one step up to the cut. */
  @Column({ type: 'integer' })
  recordCount!: number;

  /** History steps up to the cut (the heads' sequence numbers added up). */
  @Column({ type: 'integer' })
  stepCount!: number;

  /** The cut: the anchor covers the history rows with an id up to this one. */
  @Column({ type: 'integer' })
  uptoHistoryId!: number;

  /** When the cut was read. */
  @Column({ type: 'datetime' })
  coveredAt!: Date;

  @Column({ type: 'datetime' })
  createdAt!: Date;
}
