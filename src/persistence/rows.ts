import type { EntityManager } from 'typeorm';
import { type SqlResult, type Statement, sql } from './sql';

/**
 * A record's queryable row written from plain column values (snake_case names,
 * values as `sql` binds them): what a workflow's projection does at every step.
 */

/** Inserts one row of `table`. */
export function insertRow(m: EntityManager, table: string, row: Record<string, unknown>): Promise<SqlResult<never>> {
  const { text, params } = insertRowStatement(table, row);
  return sql(m, text, params);
}

/** `insertRow`'s statement, to be sent with others (`writeTogether`). */
export function insertRowStatement(table: string, row: Record<string, unknown>): Statement {
  const names = Object.keys(row);
  return {
    text: `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    params: Object.values(row),
  };
}

/** A column increased by an SQL expression (with its parameters), e.g. the time since another column. */
export interface Increment {
  column: string;
  by: string;
  params: unknown[];
}

/**
 * Sets these columns of the row of `table` with this id, after adding `increments` — first, so an increment
 * reads the columns as they were (MySQL/MariaDB assign left to right; SQLite reads every column as it was).
 */
export function updateRow(
  m: EntityManager,
  table: string,
  id: number,
  columns: Record<string, unknown>,
  increments: readonly Increment[] = [],
): Promise<SqlResult<never>> {
  const { text, params } = updateRowStatement(table, id, columns, increments);
  return sql(m, text, params);
}

/** `updateRow`'s statement, to be sent with others (`writeTogether`). */
export function updateRowStatement(
  table: string,
  id: number,
  columns: Record<string, unknown>,
  increments: readonly Increment[] = [],
): Statement {
  const names = Object.keys(columns);
  const sets = [...increments.map((i) => `${i.column} = ${i.column} + ${i.by}`), ...names.map((n) => `${n} = ?`)];
  return {
    text: `UPDATE ${table} SET ${sets.join(', ')} WHERE id = ?`,
    params: [...increments.flatMap((i) => i.params), ...Object.values(columns), id],
  };
}
