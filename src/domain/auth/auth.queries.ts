import type { EntityManager } from 'typeorm';
import { sql } from '../../persistence/sql';

/** The sign-in throttle's and the API tokens' SQL: each function takes the EntityManager (or transaction) and returns plain rows. */

// ------------------------------------------------------------ sign-in throttle

/** Deletes the throttle rows whose window began at or before `windowStart` and that block nothing after `now`; how many. */
export async function sweepThrottle(m: EntityManager, windowStart: Date, now: Date): Promise<number> {
  const deleted = await sql(
    m,
    'DELETE FROM sign_in_throttle WHERE first_failure_at <= ? AND (blocked_until IS NULL OR blocked_until <= ?)',
    [windowStart, now],
  );
  return deleted.affected;
}

/** The blocks of two throttle keys (an account's and an address's), as stored. */
export async function throttleBlocks(
  m: EntityManager,
  keys: [string, string],
): Promise<Array<{ blocked_until: unknown }>> {
  const { rows } = await sql<{ blocked_until: unknown }>(
    m,
    'SELECT blocked_until FROM sign_in_throttle WHERE throttle_key IN (?, ?)',
    keys,
  );
  return rows;
}

/**
 * Counts one more failure against a key not blocked at `now` (a window begun at or before `windowStart` starts
 * afresh); false when the key is blocked (nothing counted). Locks the key's row until the transaction ends.
 */
export async function countFailure(m: EntityManager, key: string, windowStart: Date, now: Date): Promise<boolean> {
  const counted = await sql(
    m,
    `UPDATE sign_in_throttle
              SET failures = CASE WHEN first_failure_at <= ? THEN 1 ELSE failures + 1 END,
                  first_failure_at = CASE WHEN first_failure_at <= ? THEN ? ELSE first_failure_at END,
                  last_failure_at = ?
            WHERE throttle_key = ? AND (blocked_until IS NULL OR blocked_until <= ?)`,
    [windowStart, windowStart, now, now, key, now],
  );
  return counted.affected > 0;
}

export interface ThrottleRow {
  failures: number;
  blocked_until: unknown;
}

/** A throttle key's row, if any. */
export async function throttleRow(m: EntityManager, key: string): Promise<ThrottleRow | undefined> {
  const { rows } = await sql<ThrottleRow>(
    m,
    'SELECT failures, blocked_until FROM sign_in_throttle WHERE throttle_key = ?',
    [key],
  );
  return rows[0];
}

export async function blockThrottleKey(m: EntityManager, key: string, until: Date): Promise<void> {
  await sql(m, 'UPDATE sign_in_throttle SET blocked_until = ? WHERE throttle_key = ?', [until, key]);
}

export async function deleteThrottleKey(m: EntityManager, key: string): Promise<void> {
  await sql(m, 'DELETE FROM sign_in_throttle WHERE throttle_key = ?', [key]);
}

/** Gives back one counted failure of a key (and, `unblock`, the block it set). */
export async function giveBackFailure(m: EntityManager, key: string, unblock: boolean): Promise<void> {
  await sql(
    m,
    `UPDATE sign_in_throttle SET failures = failures - 1${unblock ? ', blocked_until = NULL' : ''} WHERE throttle_key = ? AND failures > 0`,
    [key],
  );
}

// ------------------------------------------------------------ API tokens

/** An API token with its user's name and brigade, as stored (never the token's hash). */
export interface TokenRow {
  id: number;
  username: string;
  user_id: number;
  brigade_id: number;
  label: string;
  token_start: string;
  created_at: unknown;
  expires_at: unknown;
  last_used_at: unknown;
  revoked_at: unknown;
}

const COLUMNS =
  't.id, u.username, t.user_id, u.brigade_id, t.label, t.token_start, t.created_at, t.expires_at, t.last_used_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id';

/** Tokens newest first: of one user, or of a brigade's users, or (neither) every token; `username` narrows to one user. */
export async function tokenRows(
  m: EntityManager,
  f: { userId?: number; brigadeId?: number; username?: string },
): Promise<TokenRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.userId !== undefined) {
    where.push('t.user_id = ?');
    params.push(f.userId);
  }
  if (f.brigadeId !== undefined) {
    where.push('u.brigade_id = ?');
    params.push(f.brigadeId);
  }
  if (f.username !== undefined) {
    where.push('u.username = ?');
    params.push(f.username);
  }
  const { rows } = await sql<TokenRow>(
    m,
    `SELECT ${COLUMNS}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY t.id DESC`,
    params,
  );
  return rows;
}

export async function tokenRow(m: EntityManager, id: number): Promise<TokenRow | undefined> {
  const { rows } = await sql<TokenRow>(m, `SELECT ${COLUMNS} WHERE t.id = ?`, [id]);
  return rows[0];
}

/** The ids of the tokens with this id, this hash, or of this user. */
export async function tokenIds(
  m: EntityManager,
  by: { id: number } | { hash: string } | { userId: number },
): Promise<number[]> {
  const [column, value] = 'id' in by ? ['id', by.id] : 'hash' in by ? ['token_hash', by.hash] : ['user_id', by.userId];
  const { rows } = await sql<{ id: number }>(m, `SELECT id FROM api_tokens WHERE ${column} = ?`, [value]);
  return rows.map((r) => Number(r.id));
}

/** Revokes a token still in force; whether it was. */
export async function revokeToken(m: EntityManager, id: number, now: Date): Promise<boolean> {
  return (
    (await sql(m, 'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id])).affected > 0
  );
}

/** Revokes every token of a user still in force. */
export async function revokeTokensOfUser(m: EntityManager, userId: number, now: Date): Promise<void> {
  await sql(m, 'UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', [now, userId]);
}

/** Notes a token's use at `now`, unless noted after `before` already (of instances noting the same minute at once, one writes). */
export async function noteTokenUsed(m: EntityManager, id: number, now: Date, before: Date): Promise<void> {
  await sql(m, 'UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)', [
    now,
    id,
    before,
  ]);
}
