import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Database } from './data-source';
import { deferredOf } from './deferred-transaction';
import { sql, type Statement } from './sql';

/**
 * Where SQLite and MySQL/MariaDB differ, said once: the rest of the code asks
 * these helpers and never looks at which database it runs on.
 */

export function isSqlite(m: EntityManager): boolean {
  return m.connection.options.type === 'better-sqlite3';
}

/**
 * A unique or primary-key violation on either database — and only that: a
 * NOT NULL, CHECK or foreign-key failure is a real error, not a race lost.
 * SQLite: SQLITE_CONSTRAINT_UNIQUE / SQLITE_CONSTRAINT_PRIMARYKEY (better-sqlite3's
 * extended codes); MySQL/MariaDB: errno 1062, ER_DUP_ENTRY.
 */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { driverError?: { code?: unknown; errno?: unknown }; code?: unknown; errno?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  const code = err.driverError?.code ?? err.code;
  const errno = err.driverError?.errno ?? err.errno;
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'ER_DUP_ENTRY' ||
    errno === 1062
  );
}

/**
 * Adds one to an integer column of the one row `where` matches, and reads the
 * new value, in one statement: MySQL/MariaDB remember it as the connection's
 * LAST_INSERT_ID (the answer's insert id), SQLite says RETURNING. Null when
 * no row matched. The row stays locked until the transaction ends.
 */
export async function incrementReturning(
  m: EntityManager,
  table: string,
  column: string,
  where: string,
  params: unknown[],
): Promise<number | null> {
  if (isSqlite(m)) {
    const { rows } = await sql<Record<string, unknown>>(
      m,
      `UPDATE ${table} SET ${column} = ${column} + 1 WHERE ${where} RETURNING ${column} AS value`,
      params,
    );
    return rows.length ? Number(rows[0].value) : null;
  }
  const r = await sql(m, `UPDATE ${table} SET ${column} = LAST_INSERT_ID(${column} + 1) WHERE ${where}`, params);
  return r.affected === 1 ? r.insertId : null;
}

/**
 * Whether one UPDATE may write several tables joined (MySQL/MariaDB:
 * `UPDATE a JOIN b … SET a.x = ?, b.y = ?`): the engine then bumps a record's
 * version, writes its projection and closes its time limits in one statement.
 * SQLite's UPDATE writes one table.
 */
export function updatesJoinedTables(m: EntityManager): boolean {
  return !isSqlite(m);
}

/**
 * Whether the server runs anonymous compound statements (`BEGIN NOT ATOMIC … END`): MariaDB does;
 * MySQL has no anonymous blocks, SQLite no compound statements.
 */
export function runsCompoundStatements(m: EntityManager): boolean {
  return m.connection.options.type === 'mariadb';
}

/** What MariaDB is told when a guard changed no row: the message `writeTogether` knows its own refusal by. */
const GUARD_MISSED = 'liandong: guard changed no row';

/** In a compound statement after a guarded write: the block stops there when it changed no row. */
const MISSED_SIGNAL = `IF ROW_COUNT() = 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${GUARD_MISSED}'; END IF;`;

/** ER_SIGNAL_EXCEPTION with our message: a guard missed (another message would be a real error). */
function isGuardMissed(e: unknown): boolean {
  const err = e as { driverError?: { errno?: number; sqlMessage?: string } };
  return err.driverError?.errno === 1644 && err.driverError.sqlMessage === GUARD_MISSED;
}

/**
 * Writes whose answers nobody reads, in order, in the caller's transaction: when `guard` is given (an
 * UPDATE such as a conditional version bump) the rest are written only if it changed a row; whether it
 * did. On MariaDB they go in one round trip, as one anonymous compound statement (`BEGIN NOT ATOMIC …
 * END`): one statement to the protocol, so the connection still refuses `;`-stacked text (mysql2's
 * `multipleStatements` stays off), and the values are escaped into it as into any statement. A guard
 * that changed no row SIGNALs, so nothing after it runs; any other error ends the block where it
 * happened, and the caller's transaction is rolled back as always. Elsewhere (SQLite; MySQL, which
 * has no anonymous blocks) one statement each.
 *
 * In a deferred transaction (deferred-transaction.ts) the block also opens the transaction when it is
 * the first write, and commits it when the caller says nothing is written after it (`last`).
 */
export async function writeTogether(
  m: EntityManager,
  guard: Statement | null,
  rest: Statement[],
  opts: { last?: boolean } = {},
): Promise<boolean> {
  const deferred = deferredOf(m);
  if (!runsCompoundStatements(m) || ((guard ? 1 : 0) + rest.length <= 1 && !deferred)) {
    if (guard && (await sql(m, guard.text, guard.params)).affected === 0) return false;
    for (const s of rest) await sql(m, s.text, s.params);
    return true;
  }
  const parts = [...(guard ? [`${guard.text};`, MISSED_SIGNAL] : []), ...rest.map((s) => `${s.text};`)];
  const params = [...(guard?.params ?? []), ...rest.flatMap((s) => s.params)];
  try {
    const body = parts.join(' ');
    await sql(m, deferred ? deferred.compound(body, opts.last === true) : `BEGIN NOT ATOMIC ${body} END`, params);
    return true;
  } catch (e) {
    if (isGuardMissed(e)) return false;
    throw e;
  }
}

/**
 * Inserts one row and answers the id it was given. As the first write of a deferred transaction on MariaDB
 * (deferred-transaction.ts) the INSERT opens the transaction in the same round trip: one compound statement
 * that starts it, inserts, and selects LAST_INSERT_ID() (a result set a block may return).
 *
 * `guarded`: an `INSERT … SELECT … WHERE` that may insert nothing (a condition checked with the write, such as
 * a principal's stamp: `insertGuardedStatement`); then null, and nothing is written.
 */
export async function insertForId(
  m: EntityManager,
  s: Statement,
  opts: { guarded?: boolean } = {},
): Promise<number | null> {
  const deferred = deferredOf(m);
  if (!deferred?.unopened) {
    const { affected, insertId } = await sql(m, s.text, s.params);
    return opts.guarded && affected === 0 ? null : insertId;
  }
  // LAST_INSERT_ID() after an INSERT that wrote nothing is the connection's last id: the block refuses first.
  const guard = opts.guarded ? ` ${MISSED_SIGNAL}` : '';
  try {
    const { rows } = await sql(
      m,
      deferred.compound(`${s.text};${guard} SELECT LAST_INSERT_ID() AS id;`, false),
      s.params,
    );
    // The block's answers: the SELECT's rows, then its own OK.
    const selected = rows[0] as unknown as Array<{ id: number | string }>;
    return Number(selected[0].id);
  } catch (e) {
    if (isGuardMissed(e)) return null;
    throw e;
  }
}

/**
 * `INSERT INTO table (columns) VALUES (…)` written only where `condition` holds, as one statement
 * (`INSERT … SELECT … WHERE`; MySQL/MariaDB select the values FROM DUAL): for `insertForId`'s `guarded`.
 */
export function insertGuardedStatement(
  m: EntityManager,
  table: string,
  columns: string[],
  values: unknown[],
  condition: Statement,
): Statement {
  const marks = values.map(() => '?').join(', ');
  return {
    text: `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${marks}${isSqlite(m) ? '' : ' FROM DUAL'} WHERE ${condition.text}`,
    params: [...values, ...condition.params],
  };
}

/**
 * An index hint for a table in a FROM clause: MariaDB's planner picks a worse
 * index for some keyset-paged reads; SQLite's needs no hint (and has no such syntax).
 */
export function forceIndex(m: EntityManager, index: string): string {
  return isSqlite(m) ? '' : ` FORCE INDEX (${index})`;
}

/**
 * Inserts a row unless its unique key is taken (then leaves the existing row as it is).
 * MySQL/MariaDB: ON DUPLICATE KEY UPDATE locks an existing row exclusively at once
 * (INSERT IGNORE would take a shared lock, and two writers upgrading theirs would deadlock).
 */
export async function insertUnlessPresent(
  m: EntityManager,
  table: string,
  row: Record<string, unknown>,
  key: string,
): Promise<void> {
  const names = Object.keys(row);
  const insert = `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
  const tail = isSqlite(m) ? ` ON CONFLICT (${key}) DO NOTHING` : ` ON DUPLICATE KEY UPDATE ${key} = ${key}`;
  await sql(m, insert + tail, Object.values(row));
}

/**
 * A statement that adds one to a counter row, or creates it at 1 when there is none (one statement, nothing
 * read; the row is locked until the transaction ends): ON CONFLICT … DO UPDATE on SQLite, ON DUPLICATE KEY
 * UPDATE on MySQL/MariaDB.
 */
export function upsertIncrementStatement(
  m: EntityManager,
  table: string,
  key: Record<string, unknown>,
  column: string,
): Statement {
  const names = [...Object.keys(key), column];
  const insert = `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
  const tail = isSqlite(m)
    ? ` ON CONFLICT (${Object.keys(key).join(', ')}) DO UPDATE SET ${column} = ${column} + 1`
    : ` ON DUPLICATE KEY UPDATE ${column} = ${column} + 1`;
  return { text: insert + tail, params: [...Object.values(key), 1] };
}

/**
 * Holds a row's lock until the transaction ends (serialising the writers that read
 * across rows under it). SQLite's writes are serialised already (one connection, one writer).
 */
export async function lockRow(m: EntityManager, table: string, id: number): Promise<void> {
  if (!isSqlite(m)) await sql(m, `SELECT id FROM ${table} WHERE id = ? FOR UPDATE`, [id]);
}

/**
 * The greatest id in a table such that every row up to it has committed or never will.
 * SQLite: read under the write lock, so no transaction is open on the one shared connection.
 * MySQL/MariaDB: a writer holding an id below the greatest committed one may not have committed
 * yet (ids are taken at insert, rows seen at commit); writes take milliseconds, so after a pause
 * of `settleMs` every row up to the cut has committed (or rolled back, and its id is never used again).
 */
export async function settledMaxId(db: Database, table: string, settleMs: number): Promise<number> {
  const read = (m: EntityManager) => sql<{ upto: number | null }>(m, `SELECT MAX(id) AS upto FROM ${table}`);
  const { rows } = db.kind === 'sqlite' ? await db.transaction(read) : await read(db.manager);
  if (db.kind !== 'sqlite' && settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  return Number(rows[0]?.upto ?? 0);
}

/** The tail of a SELECT that holds its rows until the transaction ends (SQLite: nothing — its writers are one at a time). */
export function forUpdate(m: EntityManager): string {
  return isSqlite(m) ? '' : ' FOR UPDATE';
}

/** `INSERT` that skips rows a unique key already holds, in each database's words. */
export function insertIgnore(m: EntityManager): string {
  return isSqlite(m) ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
}

/**
 * A query builder's rows read with a shared lock on MySQL/MariaDB (a step in flight on them is waited for,
 * then seen as it committed); SQLite runs one write transaction at a time, so none is in flight meanwhile.
 */
export function lockedForRead<T extends ObjectLiteral>(
  m: EntityManager,
  q: SelectQueryBuilder<T>,
): SelectQueryBuilder<T> {
  return isSqlite(m) ? q : q.setLock('pessimistic_read');
}

/** SQL for the seconds from one datetime expression to another (SQLite: fractional; MySQL/MariaDB: whole, as its columns keep them). */
export function secondsBetween(m: EntityManager, from: string, to: string): string {
  return isSqlite(m) ? `(julianday(${to}) - julianday(${from})) * 86400.0` : `TIMESTAMPDIFF(SECOND, ${from}, ${to})`;
}

/** SQL for the hours from one datetime expression to another (fractional). */
export function hoursBetween(m: EntityManager, from: string, to: string): string {
  return isSqlite(m)
    ? `(julianday(${to}) - julianday(${from})) * 24.0`
    : `TIMESTAMPDIFF(SECOND, ${from}, ${to}) / 3600.0`;
}

/**
 * Runs `work` — a bulk load into a database nobody uses yet (the demo seed at
 * start-up) — without waiting for the disk. SQLite: in WAL mode with
 * better-sqlite3's `synchronous = NORMAL`, every checkpoint (each ~1,000 pages
 * written) syncs the files; the load runs with `synchronous` OFF (still WAL,
 * every transaction still atomic: a crashed process loses nothing committed,
 * only a crash of the machine itself could lose the load's last commits), then
 * the setting found is set back and the WAL checkpointed under it, so what was
 * loaded is on disk before anyone is served. MySQL/MariaDB: unchanged (the
 * server's durability is its own setting).
 */
export async function bulkLoad<T>(db: Database, work: () => Promise<T>): Promise<T> {
  if (db.kind !== 'sqlite') return work();
  const [{ synchronous }] = (await db.manager.query('PRAGMA synchronous')) as Array<{ synchronous: number }>;
  await db.manager.query('PRAGMA synchronous = OFF');
  try {
    return await work();
  } finally {
    await db.manager.query(`PRAGMA synchronous = ${Number(synchronous)}`);
    await db.manager.query('PRAGMA wal_checkpoint(PASSIVE)');
  }
}
