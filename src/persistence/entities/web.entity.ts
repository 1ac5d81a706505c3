import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A web session (express-session), stored so that it survives restarts and is shared by instances. */
@Entity('web_sessions')
@Index('IDX_web_sessions_expires', ['expiresAt'])
export class WebSession {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  sid!: string;

  @Column({ type: 'text' })
  data!: string;

  @Column({ type: 'integer', nullable: true })
  userId!: number | null;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}

/** Failed sign-ins per account and per address, to slow down guessing (shared by instances). */
@Entity('sign_in_throttle')
export class SignInThrottle {
  /** `user:<username>` or `ip:<address>`. */
  @PrimaryColumn({ type: 'varchar', length: 120 })
  throttleKey!: string;

  @Column({ type: 'integer' })
  failures!: number;

  @Column({ type: 'datetime' })
  firstFailureAt!: Date;

  @Column({ type: 'datetime' })
  lastFailureAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  blockedUntil!: Date | null;
}

/** Settings the application makes and keeps itself (e.g. the session secret when none is configured). */
@Entity('app_settings')
export class AppSetting {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  settingKey!: string;

  @Column({ type: 'text' })
  value!: string;
}
