import type { EntityManager } from 'typeorm';
import type { Config } from '../../../config';
import type { Clock } from '../../clock';
import { AppError, AuthenticationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { readDate } from '../../persistence/sql';
import { insertUnlessPresent } from '../../persistence/dialect';
import type { OrgService, Principal } from '../org/org.service';
import {
  blockThrottleKey,
  countFailure,
  deleteThrottleKey,
  giveBackFailure,
  sweepThrottle,
  throttleBlocks,
  throttleRow,
} from './auth.queries';

/** 429: too many failed sign-ins from this account or address; wait `retryAfterSeconds`. */
export class SignInThrottledError extends AppError {
  readonly status = 429;
  readonly code = 'sign_in_throttled';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed sign-ins; try again in ${retryAfterSeconds} s`);
  }
}

const MAX_BLOCK_MS = 15 * 60_000;

/** What a reservation did to one throttle key: whether it set the key's block (a success takes that back). */
interface Reserved {
  key: string;
  blocked: boolean;
}

/**
 * Signing in with a username and password. Failures are counted per account
 * and per address (`sign_in_throttle`, shared by every instance); past
 * `auth.maxFailures` within the window each further attempt waits (30 s,
 * doubling, at most 15 minutes), the right password included — so guessing
 * is slowed down without locking anyone out for good.
 *
 * The count is taken *before* the password is checked, atomically: each
 * attempt first reserves its place (one row update per key, in one
 * transaction), and the attempt that reaches the limit sets the block in that
 * same transaction. However many attempts arrive at once, on however many
 * instances, at most `auth.maxFailures` passwords are checked per window; the
 * rest are refused (429) without a check. A success gives its place back.
 */
export class SignInService {
  constructor(
    private readonly db: Database,
    private readonly org: OrgService,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {}

  async signIn(username: string, password: string, address: string): Promise<Principal> {
    const account = `user:${username.toLowerCase().slice(0, 100)}`;
    const from = `ip:${address.slice(0, 100)}`;
    // A read first: an attempt that must wait costs no write.
    await this.refuseIfBlocked([account, from]);
    const reserved = await this.reserve([account, from]);
    try {
      const principal = await this.org.authenticatePassword(username, password);
      const place = reserved.find((r) => r.key === from);
      if (!place) throw new Error(`sign-in: no place reserved for ${from}`);
      await this.succeeded(account, place);
      return principal;
    } catch (e) {
      // A failure keeps its place: it is counted already. Anything else (the database) gives it back.
      if (!(e instanceof AuthenticationError)) await this.release(reserved).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Housekeeping (the `sessions` job): deletes the rows that count nothing any
   * more — their window is over and no block is in force, so the next attempt
   * would start afresh anyway. Returns how many.
   */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const windowStart = new Date(now.getTime() - this.config.auth.failureWindowMinutes * 60_000);
    return this.db.transaction((m) => sweepThrottle(m, windowStart, now));
  }

  private async refuseIfBlocked(keys: [string, string]): Promise<void> {
    const rows = await throttleBlocks(this.db.manager, keys);
    this.throwIfBlocked(rows.map((r) => readDate(r.blocked_until)));
  }

  private throwIfBlocked(blockedUntil: Array<Date | null>): void {
    const now = this.clock.now().getTime();
    const until = Math.max(0, ...blockedUntil.map((d) => d?.getTime() ?? 0));
    if (until > now) throw new SignInThrottledError(Math.max(1, Math.ceil((until - now) / 1000)));
  }

  /**
   * Counts this attempt against every key, in one transaction (keys in a fixed
   * order, so two attempts never wait for each other's rows crosswise). A key
   * blocked now refuses the attempt and the transaction rolls back: nothing is counted.
   */
  private reserve(keys: string[]): Promise<Reserved[]> {
    const a = this.config.auth;
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      const windowStart = new Date(now.getTime() - a.failureWindowMinutes * 60_000);
      const out: Reserved[] = [];
      for (const key of [...keys].sort()) {
        await this.ensureRow(m, key, now);
        // The row is locked from here to the commit: attempts on this key take their places one after another.
        const counted = await countFailure(m, key, windowStart, now);
        const row = await throttleRow(m, key);
        if (!counted) this.throwIfBlocked([readDate(row?.blocked_until)]);
        if (!row) throw new Error(`sign-in: no throttle row for ${key}`);
        const over = Number(row.failures) - a.maxFailures;
        // The attempt that reaches the limit blocks the key for everyone after it, before its own check.
        if (over >= 0) {
          const until = new Date(now.getTime() + Math.min(a.blockSeconds * 1000 * 2 ** over, MAX_BLOCK_MS));
          await blockThrottleKey(m, key, until);
        }
        out.push({ key, blocked: over >= 0 });
      }
      return out;
    });
  }

  /** The key's row, made if missing; a row another attempt makes at the same moment is taken as it is. */
  private async ensureRow(m: EntityManager, key: string, now: Date): Promise<void> {
    const row = { throttle_key: key, failures: 0, first_failure_at: now, last_failure_at: now, blocked_until: null };
    await insertUnlessPresent(m, 'sign_in_throttle', row, 'throttle_key');
  }

  /** The right password: the account's failures are forgotten; the address gives back its place (and a block it set). */
  private async succeeded(account: string, from: Reserved): Promise<void> {
    await this.db.transaction(async (m) => {
      await deleteThrottleKey(m, account);
      await this.giveBack(m, from);
    });
  }

  /** The check could not be made (not a wrong password): every place is given back. */
  private async release(reserved: Reserved[]): Promise<void> {
    await this.db.transaction(async (m) => {
      for (const r of reserved) await this.giveBack(m, r);
    });
  }

  private async giveBack(m: EntityManager, r: Reserved): Promise<void> {
    await giveBackFailure(m, r.key, r.blocked);
  }
}
