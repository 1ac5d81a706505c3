import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from './org.entity';

/**
 * A write sent with an `Idempotency-Key` (issue 13): the key is the sender's
 * own (one row per user and key), reserved while the request runs (`pending`)
 * and then holding the answer (`done`) for `idempotency.keepHours`, so that a
 * repeat gets that answer and writes nothing (src/http/middleware/idempotency.ts).
 */
@Entity('idempotency_keys')
@Index('IDX_idempotency_keys_expires', ['expiresAt'])
export class IdempotencyKey {
  @PrimaryColumn({ type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_idempotency_keys_user_id' })
  user?: User;

  /** As the client sent it: 1–200 printable ASCII characters. */
  @PrimaryColumn({ type: 'varchar', length: 200 })
  idempotencyKey!: string;

  @Column({ type: 'varchar', length: 10 })
  method!: string;

  /** The path the key was first used on (at most 500 characters kept; the fingerprint covers all of it). */
  @Column({ type: 'varchar', length: 500 })
  path!: string;

  /** SHA-256 (hex) of method, path and body (a multipart request's files by their content). */
  @Column({ type: 'varchar', length: 64 })
  fingerprint!: string;

  /** `pending` while the request runs, `done` once its answer is kept. */
  @Column({ type: 'varchar', length: 10 })
  state!: string;

  /** Who holds a pending key (a random token per request): a request taken over can no longer write its answer. */
  @Column({ type: 'varchar', length: 36 })
  claim!: string;

  @Column({ type: 'integer', nullable: true })
  status!: number | null;

  /** The answer kept: `{headers: {location?, content-type?}, body}` (body as text). */
  @Column({ type: 'json', nullable: true })
  answer!: unknown;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  /** When the current holder reserved it: a pending key older than `idempotency.takeOverAfterSeconds` is taken over. */
  @Column({ type: 'datetime' })
  reservedAt!: Date;

  @Column({ type: 'datetime' })
  expiresAt!: Date;
}
