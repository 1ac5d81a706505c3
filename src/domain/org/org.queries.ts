import type { EntityManager } from 'typeorm';
import { LinkageGroup, Squad, User, UserRole } from '../../persistence/entities';
import { selectEntities } from '../../persistence/rows';
import { sql, type Statement } from '../../persistence/sql';

/** The organisation's SQL: each function takes the EntityManager (or transaction) and returns plain rows. */

/** A user's roles as one list (in the primary key's order: user, role). */
const ROLES = '(SELECT GROUP_CONCAT(r.role) FROM user_roles r WHERE r.user_id = u.id)';

/** What a principal is made of, read in one statement (users `u`, brigades `b`, squads `s`; the roles as one list). */
const PRINCIPAL_COLUMNS = [
  'u.id AS user_id, u.username, u.display_name, u.active, u.squad_id',
  'b.id AS brigade_id, b.code AS brigade_code, b.time_zone',
  's.code AS squad_code, s.name AS squad_name, s.name_en AS squad_name_en, s.group_id AS squad_group_id, s.active AS squad_active',
  `${ROLES} AS roles`,
].join(', ');
const PRINCIPAL_JOINS = 'JOIN brigades b ON b.id = u.brigade_id LEFT JOIN squads s ON s.id = u.squad_id';

export interface PrincipalRow {
  user_id: number;
  username: string;
  display_name: string;
  active: unknown;
  squad_id: number | null;
  brigade_id: number;
  brigade_code: string;
  time_zone: string;
  squad_code: string | null;
  squad_name: string | null;
  squad_name_en: string | null;
  squad_group_id: number | null;
  squad_active: unknown;
  roles: string | null;
}

/** A user with their brigade, squad and roles (one indexed read). */
export async function principalRow(m: EntityManager, userId: number): Promise<PrincipalRow | undefined> {
  const { rows } = await sql<PrincipalRow>(
    m,
    `SELECT ${PRINCIPAL_COLUMNS} FROM users u ${PRINCIPAL_JOINS} WHERE u.id = ?`,
    [userId],
  );
  return rows[0];
}

/**
 * The principal behind an API token (by its hash), with the token's state and its stamp (`principalHolds`):
 * the token's principal version, which the database's triggers change with everything the principal is made
 * of — the token's revocation, expiry and user, the user's names, active flag, squad, brigade and roles, their
 * squad's code, names, group and active flag, their brigade's code and time zone (migration
 * 20261212T0100-principal-version.ts).
 */
export interface TokenPrincipalRow extends PrincipalRow {
  token_id: number;
  revoked_at: unknown;
  expires_at: unknown;
  last_used_at: unknown;
  /** The token's principal version (a BIGINT: a string from mysql2, a number from SQLite). */
  stamp: number | string;
}

const TOKEN_JOINS = `api_tokens t JOIN users u ON u.id = t.user_id ${PRINCIPAL_JOINS}`;

export async function tokenPrincipalRow(m: EntityManager, tokenHash: string): Promise<TokenPrincipalRow | undefined> {
  const { rows } = await sql<TokenPrincipalRow>(
    m,
    `SELECT t.id AS token_id, t.revoked_at, t.expires_at, t.last_used_at, t.principal_version AS stamp, ${PRINCIPAL_COLUMNS} FROM ${TOKEN_JOINS} WHERE t.token_hash = ?`,
    [tokenHash],
  );
  return rows[0];
}

/**
 * A condition, in SQL, that holds while token `tokenId`'s principal is as it was when its stamp was read:
 * the token not revoked or deleted since, nor its expiry, user, roles, squad or brigade changed (its
 * principal version moved). Checked in the same statement as a write (the engine's version bump:
 * EngineActor.holds), it makes a principal kept in memory as good as one read with the write: one read of
 * the token's row by its key.
 */
export function principalHolds(tokenId: number, stamp: number): Statement {
  return { text: '(SELECT t.principal_version FROM api_tokens t WHERE t.id = ?) = ?', params: [tokenId, stamp] };
}

/** The active administrators of a brigade but one. */
export function otherActiveAdmins(m: EntityManager, brigadeId: number, exceptUserId: number): Promise<number> {
  return m
    .createQueryBuilder(User, 'u')
    .innerJoin(UserRole, 'r', 'r.user_id = u.id AND r.role = :role', { role: 'admin' })
    .where('u.brigade_id = :b AND u.active = :a AND u.id <> :id', { b: brigadeId, a: true, id: exceptUserId })
    .getCount();
}

/** The outbox's greatest id (0 when empty). */
export async function lastOutboxId(m: EntityManager): Promise<number> {
  const { rows } = await sql<{ last: number | string }>(m, 'SELECT COALESCE(MAX(id), 0) AS last FROM outbox');
  return Number(rows[0].last);
}

/** Withdraws what the outbox received after `id` (never delivered: a demo past is not news). */
export async function withdrawOutboxAfter(m: EntityManager, id: number): Promise<void> {
  await sql(m, 'DELETE FROM outbox WHERE id > ?', [id]);
}

/** The brigade's squads (each as a find gives it, without the query builder: selectEntities). */
export function squadsOfBrigade(m: EntityManager, brigadeId: number): Promise<Squad[]> {
  return selectEntities(m, Squad, 'brigade_id = ?', [brigadeId]);
}

/** The brigade's linkage groups (each as a find gives it: selectEntities). */
export function groupsOfBrigade(m: EntityManager, brigadeId: number): Promise<LinkageGroup[]> {
  return selectEntities(m, LinkageGroup, 'brigade_id = ?', [brigadeId]);
}

/** The brigade's squads of these codes (none asked, none read). */
export async function squadsByCodes(m: EntityManager, brigadeId: number, codes: readonly string[]): Promise<Squad[]> {
  if (!codes.length) return [];
  return selectEntities(m, Squad, `brigade_id = ? AND code IN (${codes.map(() => '?').join(', ')})`, [
    brigadeId,
    ...codes,
  ]);
}
