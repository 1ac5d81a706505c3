import type { EntityManager } from 'typeorm';
import { incrementReturning, upsertIncrementStatement } from '../../persistence/dialect';
import { sql, type Statement } from '../../persistence/sql';

/** The record numbers' SQL: a counter per brigade, kind and year (`record_numbers`). */

export interface CounterKey {
  brigadeId: number;
  kind: string;
  year: number;
}

/** Adds one to a counter and reads it (one statement), locking its row until the transaction ends; null when there is no counter yet. */
export async function bumpCounter(m: EntityManager, k: CounterKey): Promise<number | null> {
  return incrementReturning(m, 'record_numbers', 'last_number', 'brigade_id = ? AND kind = ? AND year = ?', [
    k.brigadeId,
    k.kind,
    k.year,
  ]);
}

/** A new counter at 1 (a unique violation when another command made it first). */
export async function insertCounter(m: EntityManager, k: CounterKey): Promise<void> {
  await sql(m, 'INSERT INTO record_numbers (brigade_id, kind, year, last_number) VALUES (?, ?, ?, 1)', [
    k.brigadeId,
    k.kind,
    k.year,
  ]);
}

/**
 * `takeNumber` (record-number.ts) for a record whose number nobody reads in the command: statements that
 * take the counter's next number (creating the year's counter at 1) and set it as the `number_year` /
 * `number_seq` of row `id` of `table`, reading nothing — the counter bumped by an upsert, the row's number
 * read from it by a subquery — the same numbers, consecutive and without gaps. Written with the command's
 * other writes (the engine's `stepRows`), last, just before the COMMIT, they hold the counter's row lock
 * (which serialises the brigade's numbering) the least time.
 */
export function numberRowStatements(m: EntityManager, k: CounterKey, table: string, id: number): Statement[] {
  return [
    upsertIncrementStatement(
      m,
      'record_numbers',
      { brigade_id: k.brigadeId, kind: k.kind, year: k.year },
      'last_number',
    ),
    {
      text: `UPDATE ${table} SET number_year = ?, number_seq = (SELECT last_number FROM record_numbers WHERE brigade_id = ? AND kind = ? AND year = ?) WHERE id = ?`,
      params: [k.year, k.brigadeId, k.kind, k.year, id],
    },
  ];
}
