import session, { type SessionData } from 'express-session';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../clock';
import type { Database } from './data-source';
import { sql, readRequiredDate } from './sql';

/**
 * express-session's store on our own database (connect-typeorm does not
 * install beside TypeORM 1.x): one row per session, expired rows ignored and
 * swept. Sliding expiry is written at most once a minute per session, not on
 * every request.
 */
export class DatabaseSessionStore extends session.Store {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly idleMs: number,
    private readonly maxAgeMs: number = Number.POSITIVE_INFINITY,
  ) {
    super();
  }

  /**
   * Expiry on our clock (not the cookie's, which follows the wall clock): a
   * session lives `idleMs` past its last use, and never past `maxAgeMs` after
   * signing in (then the sweep removes it too).
   */
  private expiry(sess: SessionData): Date {
    const idle = this.clock.now().getTime() + this.idleMs;
    const signedInAt = Date.parse((sess as SessionData & { signedInAt?: string }).signedInAt ?? '');
    return new Date(Number.isNaN(signedInAt) ? idle : Math.min(idle, signedInAt + this.maxAgeMs));
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    sql<{ data: string; expires_at: unknown }>(
      this.db.manager,
      'SELECT data, expires_at FROM web_sessions WHERE sid = ?',
      [sid],
    )
      .then(({ rows }) => {
        const row = rows[0];
        if (!row || readRequiredDate(row.expires_at, 'web_sessions.expires_at').getTime() <= this.clock.now().getTime())
          return callback(null, null);
        callback(null, JSON.parse(row.data) as SessionData);
      })
      .catch((e) => callback(e));
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    const now = this.clock.now();
    const expires = this.expiry(sess);
    const userId = (sess as SessionData & { userId?: number }).userId ?? null;
    this.db
      .transaction(async (m) => {
        const updated = await sql(
          m,
          'UPDATE web_sessions SET data = ?, user_id = ?, expires_at = ?, updated_at = ? WHERE sid = ?',
          [JSON.stringify(sess), userId, expires, now, sid],
        );
        if (updated.affected === 0) {
          await sql(m, 'INSERT INTO web_sessions (sid, data, user_id, expires_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
            sid,
            JSON.stringify(sess),
            userId,
            expires,
            now,
          ]);
        }
      })
      .then(() => {
        this.touched.set(sid, now.getTime());
        callback?.();
      })
      .catch((e) => callback?.(e));
  }

  override touch(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    const now = this.clock.now().getTime();
    if (now - (this.touched.get(sid) ?? 0) < 60_000) return void callback?.();
    this.touched.set(sid, now);
    if (this.touched.size > 50_000) {
      const oldest = this.touched.keys().next();
      if (!oldest.done) this.touched.delete(oldest.value);
    }
    this.db
      .transaction((m) => sql(m, 'UPDATE web_sessions SET expires_at = ? WHERE sid = ?', [this.expiry(sess), sid]))
      .then(() => callback?.())
      .catch((e) => callback?.(e));
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.touched.delete(sid);
    this.db
      .transaction((m) => sql(m, 'DELETE FROM web_sessions WHERE sid = ?', [sid]))
      .then(() => callback?.())
      .catch((e) => callback?.(e));
  }

  /**
   * Ends every session of a user (password reset, account disabled). Given a
   * transaction's manager, it happens in that transaction (with the change that calls for it).
   */
  async destroyForUser(userId: number, m?: EntityManager): Promise<void> {
    if (m) await sql(m, 'DELETE FROM web_sessions WHERE user_id = ?', [userId]);
    else await this.db.transaction((tx) => sql(tx, 'DELETE FROM web_sessions WHERE user_id = ?', [userId]));
  }

  /** Deletes expired sessions; returns how many. */
  async sweep(): Promise<number> {
    const result = await this.db.transaction((m) =>
      sql(m, 'DELETE FROM web_sessions WHERE expires_at <= ?', [this.clock.now()]),
    );
    return result.affected;
  }
}
