import type { EntityManager } from 'typeorm';
import { readDate, sql } from '../persistence/sql';

/** The metrics' SQL, read at scrape time. */

/** The outbox rows not yet delivered and when the oldest of them was written: one statement on the pending index. */
export async function outboxBacklog(m: EntityManager): Promise<{ waiting: number; oldest: Date | null }> {
  const { rows } = await sql<{ n: number | string; oldest: unknown }>(
    m,
    'SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE delivered_at IS NULL',
  );
  return { waiting: Number(rows[0]?.n ?? 0), oldest: readDate(rows[0]?.oldest) };
}
