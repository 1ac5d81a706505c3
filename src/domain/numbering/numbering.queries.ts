import type { EntityManager } from 'typeorm';
import { incrementReturning } from '../../persistence/dialect';
import { sql } from '../../persistence/sql';

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
