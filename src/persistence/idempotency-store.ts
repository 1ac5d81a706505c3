import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../clock';
import type { Database } from './data-source';
import { forUpdate, isSqlite } from './dialect';
import { readJson, readRequiredDate, sql } from './sql';

/**
 * Idempotency keys (issue 13): a write sent with an `Idempotency-Key` is
 * reserved under (user, key) before it runs, and its answer kept afterwards,
 * so a repeat of it — the offline queue sending again, a form sent twice — is
 * answered the same and writes nothing. The decisions (replay, refuse, take
 * over) are taken here, under the row's lock, so two instances agree.
 */

/** What is kept of an answer to give it again: its status, the headers that matter, the body as sent. */
export interface KeptAnswer {
  status: number;
  /** Lower-case names: `location`, `content-type`. */
  headers: Record<string, string>;
  body: Buffer;
}

/** What a key says about a request that carries it. */
export type Reservation =
  /** The request runs; `claim` completes or releases it. `takenOver`: from a holder that stopped answering. */
  | { outcome: 'reserved'; claim: string; takenOver: boolean }
  /** Answered before with this very request: the same answer again. */
  | { outcome: 'replay'; answer: KeptAnswer }
  /** The key was used for another request (another body, path or method). */
  | { outcome: 'mismatch' }
  /** A request with this key is running now; try again in `retryAfterSeconds`. */
  | { outcome: 'in_progress'; retryAfterSeconds: number };

export interface KeyRequest {
  userId: number;
  key: string;
  method: string;
  path: string;
  /** SHA-256 (hex) of what makes the request this request (method, path, body). */
  fingerprint: string;
}

export interface IdempotencySettings {
  keepHours: number;
  takeOverAfterSeconds: number;
}

interface KeyRow {
  fingerprint: string;
  state: string;
  claim: string;
  status: number | string | null;
  answer: unknown;
  reserved_at: unknown;
  expires_at: unknown;
}

/** The answer column: `{headers, body, encoding}` — text as itself, anything else as base64. */
interface AnswerColumn {
  headers: Record<string, string>;
  body: string;
  encoding: 'utf8' | 'base64';
}

const TEXTUAL = /^(text\/|application\/(json|problem\+json|xml|javascript))/i;

export class IdempotencyStore {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: IdempotencySettings,
  ) {}

  private keepMs(): number {
    return this.settings.keepHours * 3_600_000;
  }

  /**
   * Reserves the key for this request, or says why not. One transaction: the
   * row is inserted unless present, then read under its lock (MySQL/MariaDB:
   * a second request with the key waits for the first's insert to commit; SQLite:
   * one writer at a time), so exactly one request of several runs.
   */
  async reserve(req: KeyRequest): Promise<Reservation> {
    const claim = randomUUID();
    const now = this.clock.now();
    const expires = new Date(now.getTime() + this.keepMs());
    return this.db.transaction(async (m) => {
      await insertPending(m, req, claim, now, expires);
      const { rows } = await sql<KeyRow>(
        m,
        `SELECT fingerprint, state, claim, status, answer, reserved_at, expires_at FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ?${forUpdate(m)}`,
        [req.userId, req.key],
      );
      const row = rows[0];
      if (!row) throw new Error('idempotency_keys: the row just inserted is not there');
      if (row.claim === claim) return { outcome: 'reserved', claim, takenOver: false };
      // A key past its time is as good as unused: the request runs afresh.
      if (readRequiredDate(row.expires_at, 'idempotency_keys.expires_at').getTime() <= now.getTime()) {
        await takeOver(m, req, claim, now, expires, row.claim);
        return { outcome: 'reserved', claim, takenOver: false };
      }
      if (row.fingerprint !== req.fingerprint) return { outcome: 'mismatch' };
      if (row.state === 'done') return { outcome: 'replay', answer: answerOf(row) };
      const reservedAt = readRequiredDate(row.reserved_at, 'idempotency_keys.reserved_at').getTime();
      const takeOverAt = reservedAt + this.settings.takeOverAfterSeconds * 1000;
      // A pending key this old belongs to an instance that stopped (or a request that hung): its retry runs.
      if (takeOverAt <= now.getTime()) {
        await takeOver(m, req, claim, now, expires, row.claim);
        return { outcome: 'reserved', claim, takenOver: true };
      }
      return { outcome: 'in_progress', retryAfterSeconds: Math.max(1, Math.ceil((takeOverAt - now.getTime()) / 1000)) };
    });
  }

  /**
   * Keeps the answer of a reserved request (kept `keepHours` from now). False when
   * the reservation is no longer this request's (taken over meanwhile): nothing kept.
   */
  async complete(userId: number, key: string, claim: string, answer: KeptAnswer): Promise<boolean> {
    const now = this.clock.now();
    const textual = TEXTUAL.test(answer.headers['content-type'] ?? '');
    const column: AnswerColumn = {
      headers: answer.headers,
      body: answer.body.toString(textual ? 'utf8' : 'base64'),
      encoding: textual ? 'utf8' : 'base64',
    };
    const { affected } = await this.db.transaction((m) =>
      sql(
        m,
        "UPDATE idempotency_keys SET state = 'done', status = ?, answer = ?, expires_at = ? WHERE user_id = ? AND idempotency_key = ? AND claim = ? AND state = 'pending'",
        [answer.status, column, new Date(now.getTime() + this.keepMs()), userId, key, claim],
      ),
    );
    return affected === 1;
  }

  /** Gives a reserved key up (the request failed on the server's side): a retry with it runs again. */
  async release(userId: number, key: string, claim: string): Promise<void> {
    await this.db.transaction((m) =>
      sql(
        m,
        "DELETE FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ? AND claim = ? AND state = 'pending'",
        [userId, key, claim],
      ),
    );
  }

  /** Deletes the keys past their time (the `idempotency-keys` job); returns how many. */
  async purgeExpired(): Promise<number> {
    const { affected } = await this.db.transaction((m) =>
      sql(m, 'DELETE FROM idempotency_keys WHERE expires_at <= ?', [this.clock.now()]),
    );
    return affected;
  }
}

/** Inserts the pending row unless the key is there; an existing row is left as it is (MySQL/MariaDB: and locked at once). */
async function insertPending(m: EntityManager, req: KeyRequest, claim: string, now: Date, expires: Date) {
  const insert =
    'INSERT INTO idempotency_keys (user_id, idempotency_key, method, path, fingerprint, state, claim, status, answer, created_at, reserved_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)';
  // MySQL/MariaDB: ON DUPLICATE KEY UPDATE takes the existing row's exclusive lock at once (INSERT IGNORE's
  // shared lock, upgraded by the SELECT … FOR UPDATE after it, would deadlock two requests with one key).
  const tail = isSqlite(m)
    ? ' ON CONFLICT (user_id, idempotency_key) DO NOTHING'
    : ' ON DUPLICATE KEY UPDATE user_id = user_id';
  await sql(m, insert + tail, [
    req.userId,
    req.key,
    req.method,
    req.path.slice(0, 500),
    req.fingerprint,
    'pending',
    claim,
    now,
    now,
    expires,
  ]);
}

/** Makes an existing row this request's pending reservation (a key expired, or a holder that stopped). */
async function takeOver(
  m: EntityManager,
  req: KeyRequest,
  claim: string,
  now: Date,
  expires: Date,
  previousClaim: string,
) {
  await sql(
    m,
    "UPDATE idempotency_keys SET method = ?, path = ?, fingerprint = ?, state = 'pending', claim = ?, status = NULL, answer = NULL, created_at = ?, reserved_at = ?, expires_at = ? WHERE user_id = ? AND idempotency_key = ? AND claim = ?",
    [req.method, req.path.slice(0, 500), req.fingerprint, claim, now, now, expires, req.userId, req.key, previousClaim],
  );
}

function answerOf(row: KeyRow): KeptAnswer {
  const column = readJson<AnswerColumn | null>(row.answer);
  if (!column || row.status === null) throw new Error('idempotency_keys: a done key without its answer');
  return {
    status: Number(row.status),
    headers: column.headers,
    body: Buffer.from(column.body, column.encoding),
  };
}
