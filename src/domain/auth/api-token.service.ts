import type { Clock } from '../../clock';
import { NotFoundError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { readDate, sql } from '../../persistence/sql';
import type { Principal } from '../org/org.service';
import { mayManageToken, tokenListScope } from './api-token.policy';

/** An API token as its owner and administrators see it: never the token, nor its hash. */
export interface ApiTokenView {
  id: number;
  username: string;
  label: string;
  /** The token's first characters, to recognise it. */
  tokenStart: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  state: 'active' | 'expired' | 'revoked';
}

interface TokenRow {
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

/**
 * The lifecycle of API tokens (issuing is `OrgService.issueToken`): the list
 * of one's own (an administrator: the brigade's) and revocation, which holds
 * on the very next request on every instance (tokens are read on every request).
 */
export class ApiTokenService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** The tokens the actor may manage, newest first; `username` narrows an administrator's list to one user. */
  async list(actor: Principal, opts: { username?: string } = {}): Promise<ApiTokenView[]> {
    const scope = tokenListScope(actor);
    const where = 'userId' in scope ? ['t.user_id = ?'] : ['u.brigade_id = ?'];
    const params: unknown[] = ['userId' in scope ? scope.userId : scope.brigadeId];
    if (opts.username !== undefined) {
      where.push('u.username = ?');
      params.push(opts.username);
    }
    const { rows } = await sql<TokenRow>(this.db.manager, `SELECT ${COLUMNS} WHERE ${where.join(' AND ')} ORDER BY t.id DESC`, params);
    return rows.map((r) => this.present(r));
  }

  /** Revokes a token the actor may manage (404 for any other: another's token is as unknown as none). Revoking twice changes nothing. */
  async revoke(actor: Principal, id: number): Promise<void> {
    await this.db.transaction(async (m) => {
      const { rows } = await sql<TokenRow>(m, `SELECT ${COLUMNS} WHERE t.id = ?`, [id]);
      const row = rows[0];
      if (!row || !mayManageToken(actor, { userId: Number(row.user_id), brigadeId: Number(row.brigade_id) })) throw new NotFoundError(`No token ${id}`);
      await sql(m, 'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [this.clock.now(), id]);
    });
  }

  /**
   * The command line (`token list`, `token revoke`), which answers to whoever
   * runs it on the server: every token, or a user's, across brigades.
   */
  async listAll(opts: { username?: string } = {}): Promise<ApiTokenView[]> {
    const { rows } = await sql<TokenRow>(
      this.db.manager,
      `SELECT ${COLUMNS}${opts.username !== undefined ? ' WHERE u.username = ?' : ''} ORDER BY t.id DESC`,
      opts.username !== undefined ? [opts.username] : [],
    );
    return rows.map((r) => this.present(r));
  }

  /** Revokes tokens by id, by the token itself, or all of a user's (command line); returns how many were still in force. */
  async revokeWhere(target: { id: number } | { token: string; hash: string } | { username: string }): Promise<number> {
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      let ids: number[];
      if ('id' in target) {
        ids = (await sql<{ id: number }>(m, 'SELECT id FROM api_tokens WHERE id = ?', [target.id])).rows.map((r) => Number(r.id));
        if (!ids.length) throw new NotFoundError(`No token ${target.id}`);
      } else if ('hash' in target) {
        ids = (await sql<{ id: number }>(m, 'SELECT id FROM api_tokens WHERE token_hash = ?', [target.hash])).rows.map((r) => Number(r.id));
        if (!ids.length) throw new NotFoundError('No such token');
      } else {
        const user = (await sql<{ id: number }>(m, 'SELECT id FROM users WHERE username = ?', [target.username])).rows[0];
        if (!user) throw new ValidationError(`No user ${target.username}`, { username: 'unknown' });
        ids = (await sql<{ id: number }>(m, 'SELECT id FROM api_tokens WHERE user_id = ?', [user.id])).rows.map((r) => Number(r.id));
      }
      let revoked = 0;
      for (const id of ids) revoked += (await sql(m, 'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id])).affected;
      return revoked;
    });
  }

  private present(r: TokenRow): ApiTokenView {
    const revokedAt = readDate(r.revoked_at);
    const expiresAt = readDate(r.expires_at);
    const state = revokedAt ? 'revoked' : expiresAt && expiresAt.getTime() <= this.clock.now().getTime() ? 'expired' : 'active';
    return {
      id: Number(r.id),
      username: r.username,
      label: r.label,
      tokenStart: r.token_start,
      createdAt: readDate(r.created_at)!,
      expiresAt,
      lastUsedAt: readDate(r.last_used_at),
      revokedAt,
      state,
    };
  }
}
