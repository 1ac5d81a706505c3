import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { type SqlResult, type Statement, asDatetimeColumn, sql } from './sql';

/**
 * Rows of `entity`'s table that match `where` (SQL, with `params`), as a find gives them: every selectable
 * column, each value converted by the driver as a find converts it (booleans, datetimes, JSON, a column's
 * transformer), in an instance of the entity class. Without the query builder: a find of a few rows cost
 * 100–200 µs of CPU to build its statement and map its answer, 3–5 % of the server's CPU in an event that
 * reads the brigade's squads (issue 14). For reads on a command's path; its test compares it with a find.
 */
export async function selectEntities<T extends ObjectLiteral>(
  m: EntityManager,
  entity: EntityTarget<T>,
  where: string,
  params: unknown[],
): Promise<T[]> {
  const meta = m.connection.getMetadata(entity);
  const columns = meta.columns.filter((c) => c.isSelect);
  const { rows } = await sql<Record<string, unknown>>(
    m,
    `SELECT ${columns.map((c) => c.databaseName).join(', ')} FROM ${meta.tableName} WHERE ${where}`,
    params,
  );
  const driver = m.connection.driver;
  return rows.map((row) => {
    const read = meta.create(undefined, { fromDeserializer: true }) as T;
    for (const c of columns) c.setEntityValue(read, driver.prepareHydratedValue(row[c.databaseName], c));
    return read;
  });
}

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

/**
 * The entity a read of a row just inserted with `row` (snake_case column values, as `insertRow` takes them)
 * gives back, without reading it: each column's value as its column keeps it (a datetime to the column's
 * precision: asDatetimeColumn; a boolean as true or false), a column not given its default, else null. For
 * an answer made from what a command wrote (OperationService.createAndGet); its tests compare it with a read.
 */
export function rowAsRead<T extends ObjectLiteral>(
  m: EntityManager,
  entity: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const read = m.create(entity);
  for (const column of m.connection.getMetadata(entity).columns) {
    const given = row[column.databaseName];
    const value = given === undefined ? (column.default ?? null) : given;
    const kept =
      value instanceof Date
        ? asDatetimeColumn(m, value)
        : column.type === 'boolean' && value !== null
          ? Boolean(value)
          : value;
    (read as Record<string, unknown>)[column.propertyName] = kept;
  }
  return read;
}
