import type { EntityManager } from 'typeorm';

/**
 * Plain SQL with the same `?` placeholders on SQLite and MySQL/MariaDB, and
 * the few value conversions the two drivers differ on. Called only from
 * src/persistence, src/engine and the areas' `*.queries.ts` files (the rule:
 * docs/architecture-persistence.md); services use the EntityManager's typed
 * entity methods or those query functions.
 */

export interface SqlResult<Row> {
  rows: Row[];
  affected: number;
  insertId: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** SQLite stores datetimes as UTC text the way TypeORM writes them, so they compare as strings. */
function sqliteDatetime(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

function isSqlite(m: EntityManager): boolean {
  return m.connection.options.type === 'better-sqlite3';
}

/** A value as the driver binds it: objects as JSON text, dates as the column stores them. */
function bind(value: unknown, sqlite: boolean): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return sqlite ? sqliteDatetime(value) : value;
  if (typeof value === 'boolean') return sqlite ? (value ? 1 : 0) : value;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** Runs one statement on the transaction's connection (or the pool), returning rows, affected count and insert id. */
export async function sql<Row = Record<string, unknown>>(
  m: EntityManager,
  statement: string,
  params: unknown[] = [],
): Promise<SqlResult<Row>> {
  const sqlite = isSqlite(m);
  const bound = params.map((p) => bind(p, sqlite));
  const runner = m.queryRunner ?? m.connection.createQueryRunner();
  try {
    const result = await runner.query(statement, bound, true);
    const raw = result.raw as { insertId?: number } | number | unknown[];
    const insertId = sqlite
      ? Number(typeof raw === 'number' || typeof raw === 'bigint' ? raw : 0)
      : Number((raw as { insertId?: number })?.insertId ?? 0);
    return { rows: (result.records ?? []) as Row[], affected: result.affected ?? 0, insertId };
  } finally {
    if (!m.queryRunner) await runner.release();
  }
}

/** A statement and its parameters, to be sent later (`writeTogether`). */
export interface Statement {
  text: string;
  params: unknown[];
}

/** What MariaDB is told when a guard changed no row: the message `writeTogether` knows its own refusal by. */
const GUARD_MISSED = 'liandong: guard changed no row';

/**
 * Writes whose answers nobody reads, in order, in the caller's transaction: when `guard` is given (an
 * UPDATE such as a conditional version bump) the rest are written only if it changed a row; whether it
 * did. On MariaDB they go in one round trip, as one anonymous compound statement (`BEGIN NOT ATOMIC …
 * END`): one statement to the protocol, so the connection still refuses `;`-stacked text (mysql2's
 * `multipleStatements` stays off), and the values are escaped into it as into any statement. A guard
 * that changed no row SIGNALs, so nothing after it runs; any other error ends the block where it
 * happened, and the caller's transaction is rolled back as always. Elsewhere (SQLite; MySQL, which
 * has no anonymous blocks) one statement each.
 */
export async function writeTogether(m: EntityManager, guard: Statement | null, rest: Statement[]): Promise<boolean> {
  if (m.connection.options.type !== 'mariadb' || (guard ? 1 : 0) + rest.length <= 1) {
    if (guard && (await sql(m, guard.text, guard.params)).affected === 0) return false;
    for (const s of rest) await sql(m, s.text, s.params);
    return true;
  }
  const parts = [
    ...(guard
      ? [
          `${guard.text};`,
          `IF ROW_COUNT() = 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${GUARD_MISSED}'; END IF;`,
        ]
      : []),
    ...rest.map((s) => `${s.text};`),
  ];
  const params = [...(guard?.params ?? []), ...rest.flatMap((s) => s.params)];
  try {
    await sql(m, `BEGIN NOT ATOMIC ${parts.join(' ')} END`, params);
    return true;
  } catch (e) {
    // ER_SIGNAL_EXCEPTION with our message: the guard missed (another message would be a real error).
    const err = e as { driverError?: { errno?: number; sqlMessage?: string } };
    if (err.driverError?.errno === 1644 && err.driverError.sqlMessage === GUARD_MISSED) return false;
    throw e;
  }
}

/**
 * The instant a `datetime` column keeps, given to it already: MySQL-family
 * columns (second precision) get whole seconds — MariaDB would truncate the
 * fraction anyway, MySQL would round it, and the history's hash reads its
 * times to the second, floored (src/engine/history-hash.ts). SQLite keeps
 * the milliseconds, as it does everywhere else.
 */
export function asDatetimeColumn(m: EntityManager, d: Date): Date {
  return isSqlite(m) ? d : new Date(Math.floor(d.getTime() / 1000) * 1000);
}

export { readDate, readJson, readRequiredDate } from './columns';
