import type { Config } from '../../../config';
import type { Clock } from '../../clock';
import { AppError, AuthenticationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { readDate, sql } from '../../persistence/sql';
import type { OrgService, Principal } from '../org/org.service';

/** 429: too many failed sign-ins from this account or address; wait `retryAfterSeconds`. */
export class SignInThrottledError extends AppError {
  readonly status = 429;
  readonly code = 'sign_in_throttled';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed sign-ins; try again in ${retryAfterSeconds} s`);
  }
}

const MAX_BLOCK_MS = 15 * 60_000;

/**
 * Signing in with a username and password. Failures are counted per account
 * and per address; past `signInMaxFailures` within the window each further
 * attempt waits (30 s, doubling, at most 15 minutes), the right password
 * included — so guessing is slowed down without locking anyone out for good.
 */
export class SignInService {
  constructor(
    private readonly db: Database,
    private readonly org: OrgService,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {}

  async signIn(username: string, password: string, address: string): Promise<Principal> {
    const keys = [`user:${username.toLowerCase().slice(0, 100)}`, `ip:${address.slice(0, 100)}`];
    const now = this.clock.now().getTime();
    const { rows } = await sql<{ k: string; blocked_until: unknown }>(
      this.db.manager,
      `SELECT throttle_key AS k, blocked_until FROM sign_in_throttle WHERE throttle_key IN (?, ?)`,
      keys,
    );
    const blockedUntil = Math.max(0, ...rows.map((r) => readDate(r.blocked_until)?.getTime() ?? 0));
    if (blockedUntil > now) throw new SignInThrottledError(Math.ceil((blockedUntil - now) / 1000));
    try {
      const principal = await this.org.authenticatePassword(username, password);
      await this.db.transaction((m) => sql(m, `DELETE FROM sign_in_throttle WHERE throttle_key = ?`, [keys[0]]));
      return principal;
    } catch (e) {
      if (e instanceof AuthenticationError) await this.recordFailure(keys);
      throw e;
    }
  }

  private async recordFailure(keys: string[]): Promise<void> {
    const w = this.config.web;
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      for (const key of keys) {
        const { rows } = await sql<{ failures: number; first_failure_at: unknown }>(
          m,
          `SELECT failures, first_failure_at FROM sign_in_throttle WHERE throttle_key = ?`,
          [key],
        );
        const row = rows[0];
        const fresh = !row || now.getTime() - readDate(row.first_failure_at)!.getTime() > w.signInWindowMinutes * 60_000;
        const failures = fresh ? 1 : Number(row.failures) + 1;
        const over = failures - w.signInMaxFailures;
        const blockedUntil = over >= 0 ? new Date(now.getTime() + Math.min(w.signInBlockSeconds * 1000 * 2 ** over, MAX_BLOCK_MS)) : null;
        if (!row) {
          await sql(m, `INSERT INTO sign_in_throttle (throttle_key, failures, first_failure_at, last_failure_at, blocked_until) VALUES (?, ?, ?, ?, ?)`, [
            key,
            failures,
            now,
            now,
            blockedUntil,
          ]);
        } else {
          await sql(
            m,
            `UPDATE sign_in_throttle SET failures = ?, first_failure_at = ${fresh ? '?' : 'first_failure_at'}, last_failure_at = ?, blocked_until = ? WHERE throttle_key = ?`,
            fresh ? [failures, now, now, blockedUntil, key] : [failures, now, blockedUntil, key],
          );
        }
      }
    });
  }
}
