import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** One district's enforcement brigade (SPEC §2). Every other row belongs to one. */
@Entity('brigades')
export class Brigade {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('UQ_brigades_code', { unique: true })
  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 100 })
  nameEn!: string;

  @Column({ type: 'varchar', length: 64 })
  timeZone!: string;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  /** R6: the month (`YYYY-MM`, brigade time) it began using Liandong; months before it are never judged. */
  @Column({ type: 'varchar', length: 7 })
  since!: string;
}

import type { SquadKind } from '../../../workflows/shared/org';
export { SQUAD_KINDS, type SquadKind } from '../../../workflows/shared/org';

/** R3: neighbouring squads form a linkage group; member order matters (R9). */
@Entity('linkage_groups')
@Index('UQ_linkage_groups_brigade_code', ['brigadeId', 'code'], { unique: true })
export class LinkageGroup {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @ManyToOne(() => Brigade, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'brigade_id', foreignKeyConstraintName: 'FK_linkage_groups_brigade_id' })
  brigade?: Brigade;

  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 100 })
  nameEn!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ type: 'datetime' })
  createdAt!: Date;
}

/** R2: a squad of one of four kinds; R16: its duty strength. */
@Entity('squads')
@Index('UQ_squads_brigade_code', ['brigadeId', 'code'], { unique: true })
export class Squad {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @ManyToOne(() => Brigade, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'brigade_id', foreignKeyConstraintName: 'FK_squads_brigade_id' })
  brigade?: Brigade;

  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 100 })
  nameEn!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: SquadKind;

  @Column({ type: 'integer', nullable: true })
  groupId!: number | null;

  @ManyToOne(() => LinkageGroup, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_squads_group_id' })
  group?: LinkageGroup | null;

  /** R9: position inside the group, from 1; conveners rotate in this order. */
  @Column({ type: 'integer', nullable: true })
  memberOrder!: number | null;

  /** R16: officers typically on duty at one time. */
  @Column({ type: 'integer' })
  dutyStrength!: number;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ type: 'datetime' })
  createdAt!: Date;
}

@Entity('users')
export class User {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @ManyToOne(() => Brigade, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'brigade_id', foreignKeyConstraintName: 'FK_users_brigade_id' })
  brigade?: Brigade;

  /** Sign-in name, unique across brigades. */
  @Index('UQ_users_username', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'varchar', length: 100 })
  displayName!: string;

  @Column({ type: 'integer', nullable: true })
  squadId!: number | null;

  @ManyToOne(() => Squad, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'squad_id', foreignKeyConstraintName: 'FK_users_squad_id' })
  squad?: Squad | null;

  @Column({ type: 'varchar', length: 200 })
  passwordHash!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}

@Entity('user_roles')
@Index('IDX_user_roles_role', ['role'])
export class UserRole {
  @PrimaryColumn({ type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_user_roles_user_id' })
  user?: User;

  @PrimaryColumn({ type: 'varchar', length: 20 })
  role!: string;
}

/** API tokens are stored as a SHA-256 hash; the token itself is shown once. */
@Entity('api_tokens')
export class ApiToken {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_api_tokens_user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 100 })
  label!: string;

  /** The first characters of the token, to recognise it in a list. */
  @Column({ type: 'varchar', length: 16 })
  tokenStart!: string;

  @Index('UQ_api_tokens_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  /** Written at most once a minute per token (not on every request). */
  @Column({ type: 'datetime', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  revokedAt!: Date | null;

  /** Refused from this instant on; null: never expires. */
  @Column({ type: 'datetime', nullable: true })
  expiresAt!: Date | null;

  /**
   * Changes with everything the token's principal is made of, moved by the database's triggers only
   * (migration 20261212T0100-principal-version.ts): never written by the application, nor read by an entity.
   */
  @Column({ type: 'bigint', default: 0, select: false, insert: false, update: false })
  principalVersion?: string;
}
