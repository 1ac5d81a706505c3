import type { EntityManager } from 'typeorm';
import { type SqlResult, sql } from './sql';

/**
 * A record's queryable row written from plain column values (snake_case names,
 * values as `sql` binds them): what a workflow's projection does at every step.
 */

/** Inserts one row of `table`. */
export function insertRow(m: EntityManager, table: string, row: Record<string, unknown>): Promise<SqlResult<never>> {
  const names = Object.keys(row);
  return sql(
    m,
    `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    Object.values(row),
  );
}

/** Sets these columns of the row of `table` with this id. */
export function updateRow(
  m: EntityManager,
  table: string,
  id: number,
  columns: Record<string, unknown>,
): Promise<SqlResult<never>> {
  const names = Object.keys(columns);
  return sql(m, `UPDATE ${table} SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE id = ?`, [
    ...Object.values(columns),
    id,
  ]);
}
