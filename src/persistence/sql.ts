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
