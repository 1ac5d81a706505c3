/**
 * How a column's value reads back, whichever database wrote it: decoding only,
 * no statement and no handle — so the web layer may use it on what the domain
 * hands over (a history step's payload, a problem's report list).
 */

/** A JSON column as read back: MySQL/MariaDB and SQLite both hand it over as text here. */
export function readJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** A datetime column as read back (text on SQLite, Date on MySQL). */
export function readDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return new Date(`${String(value).replace(' ', 'T')}Z`);
}

/** A `NOT NULL` datetime column as read back: a null there is a broken row, and says which column. */
export function readRequiredDate(value: unknown, column: string): Date {
  const d = readDate(value);
  if (!d) throw new Error(`${column} read back null`);
  return d;
}
