import type { EntityManager } from 'typeorm';
import { sql } from '../../persistence/sql';

/** The record numbers' SQL: a counter per brigade, kind and year (`record_numbers`). */

export interface CounterKey {
  brigadeId: number;
  kind: string;
  year: number;
}

/** Adds one to a counter, locking its row until the transaction ends; false when there is no counter yet. */
export async function bumpCounter(m: EntityManager, k: CounterKey): Promise<boolean> {
  const bumped = await sql(
    m,
    'UPDATE record_numbers SET last_number = last_number + 1 WHERE brigade_id = ? AND kind = ? AND year = ?',
    [k.brigadeId, k.kind, k.year],
  );
  return bumped.affected === 1;
}

/** A counter's last number. */
export async function counterValue(m: EntityManager, k: CounterKey): Promise<number> {
  const { rows } = await sql<{ last_number: number | string }>(
    m,
    'SELECT last_number FROM record_numbers WHERE brigade_id = ? AND kind = ? AND year = ?',
    [k.brigadeId, k.kind, k.year],
  );
  return Number(rows[0].last_number);
}

/** A new counter at 1 (a unique violation when another command made it first). */
export async function insertCounter(m: EntityManager, k: CounterKey): Promise<void> {
  await sql(m, 'INSERT INTO record_numbers (brigade_id, kind, year, last_number) VALUES (?, ?, ?, 1)', [
    k.brigadeId,
    k.kind,
    k.year,
  ]);
}
