import type { Clock } from '../../clock';
import { NotFoundError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { readDate, readRequiredDate } from '../../persistence/sql';
import { User } from '../../persistence/entities';
import type { Principal } from '../org/org.service';
import { mayManageToken, tokenListScope } from './api-token.policy';
import { type TokenRow, revokeToken, tokenIds, tokenRow, tokenRows } from './auth.queries';

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
    const owner = 'userId' in scope ? { userId: scope.userId } : { brigadeId: scope.brigadeId };
    const rows = await tokenRows(this.db.manager, { ...owner, username: opts.username });
    return rows.map((r) => this.present(r));
  }

  /** Revokes a token the actor may manage (404 for any other: another's token is as unknown as none). Revoking twice changes nothing. */
  async revoke(actor: Principal, id: number): Promise<void> {
    await this.db.transaction(async (m) => {
      const row = await tokenRow(m, id);
      if (!row || !mayManageToken(actor, { userId: Number(row.user_id), brigadeId: Number(row.brigade_id) }))
        throw new NotFoundError(`No token ${id}`);
      await revokeToken(m, id, this.clock.now());
    });
  }

  /**
   * The command line (`token list`, `token revoke`), which answers to whoever
   * runs it on the server: every token, or a user's, across brigades.
   */
  async listAll(opts: { username?: string } = {}): Promise<ApiTokenView[]> {
    const rows = await tokenRows(this.db.manager, { username: opts.username });
    return rows.map((r) => this.present(r));
  }

  /** Revokes tokens by id, by the token itself, or all of a user's (command line); returns how many were still in force. */
  async revokeWhere(target: { id: number } | { token: string; hash: string } | { username: string }): Promise<number> {
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      let ids: number[];
      if ('id' in target) {
        ids = await tokenIds(m, { id: target.id });
        if (!ids.length) throw new NotFoundError(`No token ${target.id}`);
      } else if ('hash' in target) {
        ids = await tokenIds(m, { hash: target.hash });
        if (!ids.length) throw new NotFoundError('No such token');
      } else {
        const user = await m.findOneBy(User, { username: target.username });
        if (!user) throw new ValidationError(`No user ${target.username}`, { username: 'unknown' });
        ids = await tokenIds(m, { userId: user.id });
      }
      let revoked = 0;
      for (const id of ids) if (await revokeToken(m, id, now)) revoked++;
      return revoked;
    });
  }

  private present(r: TokenRow): ApiTokenView {
    const revokedAt = readDate(r.revoked_at);
    const expiresAt = readDate(r.expires_at);
    const state = revokedAt
      ? 'revoked'
      : expiresAt && expiresAt.getTime() <= this.clock.now().getTime()
        ? 'expired'
        : 'active';
    return {
      id: Number(r.id),
      username: r.username,
      label: r.label,
      tokenStart: r.token_start,
      createdAt: readRequiredDate(r.created_at, 'api_tokens.created_at'),
      expiresAt,
      lastUsedAt: readDate(r.last_used_at),
      revokedAt,
      state,
    };
  }
}
