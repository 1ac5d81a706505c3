import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Brigade, User } from './org.entity';
import { OutboxMessage } from './workflow.entity';

/**
 * What one person was told in the app about one event (an outbox row): the
 * topic and what to show (operation title, flag rule and period …), where it
 * leads, and whether they have read it.
 */
@Entity('notifications')
@Index('UQ_notifications_user_outbox', ['userId', 'outboxId'], { unique: true })
@Index('IDX_notifications_user_read', ['userId', 'readAt'])
export class Notification {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @ManyToOne(() => Brigade, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'brigade_id', foreignKeyConstraintName: 'FK_notifications_brigade_id' })
  brigade?: Brigade;

  @Column({ type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_notifications_user_id' })
  user?: User;

  /** The outbox topic: `operation.filed`, `flag.raised` … */
  @Column({ type: 'varchar', length: 60 })
  topic!: string;

  /** What to show, as it was when delivered (operation id and title, flag rule, period, group …). */
  @Column({ type: 'json' })
  params!: Record<string, unknown>;

  /** The page it is about: `/operations/12`, `/flags/3`. */
  @Column({ type: 'varchar', length: 200 })
  link!: string;

  /** The event it announces; no foreign key, so pruning delivered outbox rows keeps what people were told. */
  @Column({ type: 'integer' })
  outboxId!: number;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  readAt!: Date | null;
}

/**
 * The delivery bookkeeping: one row per event, person and transport once it
 * went out, so a retried outbox row never sends again what already went.
 */
@Entity('notification_deliveries')
@Index('UQ_notification_deliveries_once', ['outboxId', 'userId', 'transport'], { unique: true })
export class NotificationDelivery {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  outboxId!: number;

  @ManyToOne(() => OutboxMessage, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'outbox_id', foreignKeyConstraintName: 'FK_notification_deliveries_outbox_id' })
  outbox?: OutboxMessage;

  @Column({ type: 'integer' })
  userId!: number;

  /** The transport's name: `in_app`, later `email`, `sms`. */
  @Column({ type: 'varchar', length: 20 })
  transport!: string;

  @Column({ type: 'datetime' })
  deliveredAt!: Date;
}
