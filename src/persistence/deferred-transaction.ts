import type { EntityManager, QueryRunner } from 'typeorm';

/**
 * A transaction on MariaDB whose START TRANSACTION rides on its first write and
 * whose COMMIT rides on its last compound statement, when the caller says that
 * statement is the last thing it writes: an engine step then costs its reads and
 * one round trip, not its reads, START TRANSACTION, its writes and COMMIT (issue 14).
 *
 * - Reads before the first write are sent as they are, outside the transaction.
 *   The session's isolation is READ COMMITTED (data-source.ts), so a plain read in
 *   a transaction sees no other rows than one outside it, and takes no lock either
 *   way; what a step read is still checked by its conditional version bump.
 *   A locking read (FOR UPDATE, LOCK IN SHARE MODE, FOR SHARE) opens the transaction.
 * - The first write opens it. A compound statement (`writeTogether`) opens it
 *   inside itself (`OPENING`): an exit handler rolls back whatever it wrote on any
 *   error and raises the error again, so a failed block leaves no transaction
 *   open. Any other statement gets its own START TRANSACTION before it.
 * - A compound statement sent as the caller's last write ends with COMMIT
 *   (`CLOSING`); afterwards a write is refused, never written outside the
 *   transaction. Otherwise `commit()` sends COMMIT when a transaction is open.
 *
 * TypeORM is told a transaction is active from the start, so nothing of its own
 * (a `save`) opens and commits one inside.
 */

/** The head of a compound statement that opens the transaction: on any error, rolled back and raised again. */
export const OPENING =
  'BEGIN NOT ATOMIC DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END; START TRANSACTION; ';
/** The tail of a compound statement that commits the transaction. */
export const CLOSING = ' COMMIT; END';

const LOCKING = /\bFOR\s+UPDATE\b|\bLOCK\s+IN\s+SHARE\s+MODE\b|\bFOR\s+SHARE\b/i;

/** A statement that only reads and locks nothing. */
export function isPlainRead(text: string): boolean {
  return /^\s*\(?\s*(SELECT|SHOW|WITH)\b/i.test(text) && !LOCKING.test(text);
}

const open = new WeakMap<QueryRunner, DeferredTransaction>();

/** The deferred transaction `m` runs in, if it runs in one. */
export function deferredOf(m: EntityManager): DeferredTransaction | undefined {
  return m.queryRunner ? open.get(m.queryRunner) : undefined;
}

type Query = (text: string, params?: unknown[], structured?: boolean) => Promise<unknown>;

export class DeferredTransaction {
  private state: 'none' | 'open' | 'committed' = 'none';
  private readonly raw: Query;

  constructor(queryRunner: QueryRunner) {
    this.raw = queryRunner.query.bind(queryRunner) as Query;
    // TypeORM's runners keep it as a plain field (BaseQueryRunner); the interface only reads it.
    (queryRunner as { isTransactionActive: boolean }).isTransactionActive = true;
    queryRunner.query = ((text: string, params?: unknown[], structured?: boolean) =>
      this.send(text, params, structured)) as QueryRunner['query'];
    open.set(queryRunner, this);
  }

  /** Whether nothing is written yet: the next write opens the transaction. */
  get unopened(): boolean {
    return this.state === 'none';
  }

  /** A compound statement of `body` (statements each ending in `;`), opening the transaction if none is, and committing it when `last`. */
  compound(body: string, last: boolean): string {
    return `${this.state === 'none' ? OPENING : 'BEGIN NOT ATOMIC '}${body}${last ? CLOSING : ' END'}`;
  }

  private async send(text: string, params?: unknown[], structured?: boolean): Promise<unknown> {
    if (isPlainRead(text)) return this.raw(text, params, structured);
    if (this.state === 'committed')
      throw new Error(`Nothing may be written after the transaction's last write committed it: ${text.slice(0, 60)}`);
    const opens = text.startsWith(OPENING);
    if (this.state === 'none' && !opens) {
      await this.raw('START TRANSACTION');
      this.state = 'open';
    }
    try {
      const result = await this.raw(text, params, structured);
      if (text.endsWith(CLOSING)) this.state = 'committed';
      else if (opens) this.state = 'open';
      return result;
    } catch (e) {
      // The opening block's handler rolled back what it wrote: no transaction is open.
      if (opens) this.state = 'none';
      throw e;
    }
  }

  /** Commits what is open (nothing when nothing was written, or the last write committed). */
  async commit(): Promise<void> {
    if (this.state !== 'open') return;
    await this.raw('COMMIT');
    this.state = 'committed';
  }

  /** Rolls back what is open; an error doing so is not the caller's (the connection is released either way). */
  async rollback(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'none';
    await this.raw('ROLLBACK').catch(() => undefined);
  }
}
