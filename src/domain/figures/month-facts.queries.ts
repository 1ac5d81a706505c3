import type { EntityManager } from 'typeorm';
import { sql } from '../../persistence/sql';
import type { TouchedSql } from './facts.queries';

/** The kept months' SQL (`figure_month_facts`): each function takes the EntityManager (or transaction) and returns plain rows. */

/** For a source that names no `touched`: any month from a changed instance's beginning on. */
export const BEGAN = `SELECT CASE WHEN o.actual_start IS NOT NULL AND o.actual_start < wi.created_at THEN o.actual_start ELSE wi.created_at END AS f, NULL AS t, wi.updated_at AS u
  FROM workflow_instances wi LEFT JOIN operations o ON o.id = wi.id WHERE wi.brigade_id = ? AND wi.updated_at >= ?`;

/** A kept month of a scope, as stored (`facts` JSON text). */
export interface KeptMonthRow {
  month: string;
  facts_key: string;
  facts: string;
  computed_at: unknown;
}

export async function keptMonthRows(
  m: EntityManager,
  brigadeId: number,
  scopeKey: string,
  months: readonly string[],
): Promise<KeptMonthRow[]> {
  const { rows } = await sql<KeptMonthRow>(
    m,
    `SELECT month, facts_key, facts, computed_at FROM figure_month_facts WHERE brigade_id = ? AND scope_key = ? AND month IN (${months.map(() => '?').join(', ')})`,
    [brigadeId, scopeKey, ...months],
  );
  return rows;
}

/** The spans `touched` statements give for the brigade's instances changed since `since` (each statement run once, in one round trip). */
export async function touchedSpans(
  m: EntityManager,
  statements: readonly TouchedSql[],
  brigadeId: number,
  since: Date,
): Promise<Array<{ f: unknown; t: unknown; u: unknown }>> {
  const { rows } = await sql<{ f: unknown; t: unknown; u: unknown }>(
    m,
    statements.join(' UNION ALL '),
    statements.flatMap(() => [brigadeId, since]),
  );
  return rows;
}

/** Every squad of the brigade with its group (null: none), by id. */
export async function squadGroups(
  m: EntityManager,
  brigadeId: number,
): Promise<Array<{ id: number | string; group_id: number | string | null }>> {
  const { rows } = await sql<{ id: number | string; group_id: number | string | null }>(
    m,
    'SELECT id, group_id FROM squads WHERE brigade_id = ? ORDER BY id',
    [brigadeId],
  );
  return rows;
}

/** Stamps kept months computed before `at` as computed at `at` (checked and found good). */
export async function restampMonths(
  m: EntityManager,
  brigadeId: number,
  scopeKey: string,
  months: readonly string[],
  at: Date,
): Promise<void> {
  await sql(
    m,
    `UPDATE figure_month_facts SET computed_at = ? WHERE brigade_id = ? AND scope_key = ? AND month IN (${months.map(() => '?').join(', ')}) AND computed_at < ?`,
    [at, brigadeId, scopeKey, ...months, at],
  );
}

/** Replaces a scope's kept months with these (a unique violation when another reader kept one of them meanwhile). */
export async function replaceMonths(
  m: EntityManager,
  key: { brigadeId: number; scopeKey: string; factsKey: string },
  months: ReadonlyArray<readonly [string, unknown]>,
  computedAt: Date,
): Promise<void> {
  await sql(
    m,
    `DELETE FROM figure_month_facts WHERE brigade_id = ? AND scope_key = ? AND month IN (${months.map(() => '?').join(', ')})`,
    [key.brigadeId, key.scopeKey, ...months.map(([k]) => k)],
  );
  await sql(
    m,
    `INSERT INTO figure_month_facts (brigade_id, scope_key, month, facts_key, facts, computed_at) VALUES ${months.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
    months.flatMap(([k, f]) => [key.brigadeId, key.scopeKey, k, key.factsKey, JSON.stringify(f), computedAt]),
  );
}
