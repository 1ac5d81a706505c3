import type { EntityManager } from 'typeorm';
import { Flag } from '../../persistence/entities';
import { sql } from '../../persistence/sql';
import { bucketSql } from '../figures/facts.queries';

/** Oversight's SQL (R6 compliance, the flags): each function takes the EntityManager (or transaction) and returns plain rows. */

// ------------------------------------------------------------ R6 compliance

/**
 * R6's rule in SQL (alias `o`): completed, not ad hoc, at least 4 hours
 * (`counts_toward_minimum`, set at COMPLETE). Kept in step with `notCountingReason`
 * (compliance.ts): the counts (month-standing.ts) and the lists (evaluateMonth) must agree.
 */
export const QUALIFIES_SQL =
  "o.state IN ('holding', 'awaiting_audit', 'closed') AND o.kind <> 'ad_hoc' AND o.counts_toward_minimum = 1";

/** An operation that began in a month, once per group whose squads took part in it. */
export interface GroupOperationRow {
  group_id: number;
  id: number;
  number_year: number | null;
  number_seq: number | null;
  title: string;
  kind: string;
  state: string;
  actual_start: unknown;
  actual_hours: number | null;
  counts_toward_minimum: number | boolean | null;
}

/** The operations (not cancelled) that began in [start, end), with each group taking part (a row per squad: a pair may come twice). */
export async function groupOperationRows(
  m: EntityManager,
  brigadeId: number,
  start: Date,
  end: Date,
): Promise<GroupOperationRow[]> {
  const { rows } = await sql<GroupOperationRow>(
    m,
    `SELECT s.group_id AS group_id, o.id AS id, o.number_year AS number_year, o.number_seq AS number_seq, o.title AS title, o.kind AS kind, o.state AS state,
            o.actual_start AS actual_start, o.actual_hours AS actual_hours, o.counts_toward_minimum AS counts_toward_minimum
       FROM operations o
       JOIN operation_squads os ON os.operation_id = o.id
       JOIN squads s ON s.id = os.squad_id
      WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND s.group_id IS NOT NULL AND o.state <> 'cancelled'`,
    [brigadeId, start, end],
  );
  return rows;
}

/** (group, operation) pairs of the operations not ad hoc that are approved to start from `now` to the month's end, or under way since its start. */
export async function groupOperationsToCome(
  m: EntityManager,
  brigadeId: number,
  month: { start: Date; end: Date },
  now: Date,
): Promise<Array<{ group_id: number; id: number }>> {
  const { rows } = await sql<{ group_id: number; id: number }>(
    m,
    `SELECT DISTINCT s.group_id AS group_id, o.id AS id
       FROM operations o
       JOIN operation_squads os ON os.operation_id = o.id
       JOIN squads s ON s.id = os.squad_id
      WHERE o.brigade_id = ? AND s.group_id IS NOT NULL AND o.kind <> 'ad_hoc'
        AND ((o.state = 'approved' AND o.planned_start >= ? AND o.planned_start < ?) OR (o.state = 'in_progress' AND o.actual_start >= ? AND o.actual_start < ?))`,
    [brigadeId, now, month.end, month.start, month.end],
  );
  return rows;
}

/** Per bucket and group: the operations (not cancelled) that began in it and the qualifying ones (counts as the driver gives them). */
export interface GroupMonthRow {
  b: number | string;
  grp: number | string;
  operations: number | string | null;
  qualifying: number | string | null;
}

/** Every group's operations and qualifying operations that began in the buckets `bounds` (figures' bucketSql) span. */
export async function groupMonthRows(m: EntityManager, brigadeId: number, bounds: Date[]): Promise<GroupMonthRow[]> {
  const bucket = bucketSql('o.actual_start', bounds);
  const { rows } = await sql<GroupMonthRow>(
    m,
    `SELECT ${bucket.sql} AS b, s.group_id AS grp, COUNT(DISTINCT o.id) AS operations, COUNT(DISTINCT CASE WHEN ${QUALIFIES_SQL} THEN o.id END) AS qualifying
         FROM operations o JOIN operation_squads os ON os.operation_id = o.id JOIN squads s ON s.id = os.squad_id
        WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND s.group_id IS NOT NULL AND o.state <> 'cancelled'
        GROUP BY b, s.group_id`,
    [...bucket.params, brigadeId, bounds[0], bounds[bounds.length - 1]],
  );
  return rows;
}

// ------------------------------------------------------------ flags

/** A flag settled by data opens again, with the figures as they stand. */
export async function reopenFlag(
  m: EntityManager,
  id: number,
  figures: string,
  now: Date,
  runId: number | null,
): Promise<void> {
  await sql(
    m,
    "UPDATE flags SET status = 'open', figures = ?, last_checked_at = ?, resolved_at = NULL, resolution_note = NULL, job_run_id = ? WHERE id = ?",
    [figures, now, runId, id],
  );
}

export async function refreshFlagFigures(m: EntityManager, id: number, figures: string, now: Date): Promise<void> {
  await sql(m, 'UPDATE flags SET figures = ?, last_checked_at = ? WHERE id = ?', [figures, now, id]);
}

/** Closes flags as resolved by data. */
export async function settleFlags(
  m: EntityManager,
  ids: readonly number[],
  now: Date,
  runId: number | null,
): Promise<void> {
  await sql(
    m,
    `UPDATE flags SET status = 'resolved_by_data', resolved_at = ?, last_checked_at = ?, job_run_id = ? WHERE id IN (${ids.map(() => '?').join(', ')})`,
    [now, now, runId, ...ids],
  );
}

/** A new open flag's columns. */
export interface NewFlagRow {
  rule: string;
  kind: string;
  groupId: number | null;
  squadId: number | null;
  recordType: string | null;
  recordId: number | null;
  period: string;
  dedupeKey: string;
  figures: Record<string, unknown>;
}

/** Raises open flags, in one statement. */
export async function insertOpenFlags(
  m: EntityManager,
  brigadeId: number,
  flags: readonly NewFlagRow[],
  now: Date,
  runId: number | null,
): Promise<void> {
  const values: unknown[] = [];
  for (const w of flags)
    values.push(
      brigadeId,
      w.rule,
      w.kind,
      w.groupId,
      w.squadId,
      w.recordType,
      w.recordId,
      w.period,
      w.dedupeKey,
      w.figures,
      'open',
      now,
      now,
      runId,
    );
  await sql(
    m,
    `INSERT INTO flags (brigade_id, rule, kind, group_id, squad_id, record_type, record_id, period, dedupe_key, figures, status, raised_at, last_checked_at, job_run_id) VALUES ${flags.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    values,
  );
}

/** `flag.raised` outbox rows for these flags, in one statement. */
export async function insertFlagAnnouncements(
  m: EntityManager,
  brigadeId: number,
  flags: ReadonlyArray<Pick<Flag, 'id' | 'groupId' | 'rule' | 'kind' | 'period'>>,
  now: Date,
): Promise<void> {
  const rows: unknown[] = [];
  for (const f of flags)
    rows.push(
      brigadeId,
      null,
      0,
      'flag',
      'flag.raised',
      { flagId: f.id, groupId: f.groupId, rule: f.rule, kind: f.kind, period: f.period },
      now,
      now,
      0,
    );
  await sql(
    m,
    `INSERT INTO outbox (brigade_id, instance_id, history_seq, workflow, topic, payload, created_at, available_at, attempts) VALUES ${flags.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    rows,
  );
}

/** What a list of flags is narrowed by. */
export interface FlagListQuery {
  brigadeId: number;
  /** A prefix of the period (`2026`, `2026-03`). */
  period?: string;
  groupId?: number;
  status?: string;
  kind?: string;
  rule?: string;
  take: number;
}

/** The brigade's flags, newest raised first. */
export function listFlags(m: EntityManager, f: FlagListQuery): Promise<Flag[]> {
  const q = m.createQueryBuilder(Flag, 'f').where('f.brigade_id = :b', { b: f.brigadeId });
  if (f.period) q.andWhere('f.period LIKE :period', { period: `${f.period}%` });
  if (f.groupId) q.andWhere('f.group_id = :g', { g: f.groupId });
  if (f.status) q.andWhere('f.status = :s', { s: f.status });
  if (f.kind) q.andWhere('f.kind = :k', { k: f.kind });
  if (f.rule) q.andWhere('f.rule = :r', { r: f.rule });
  return q.orderBy('f.raised_at', 'DESC').addOrderBy('f.id', 'DESC').take(f.take).getMany();
}

/** The brigade's open flags; `of`: only those naming this squad, or (naming no squad) this group. */
export function countOpenFlags(
  m: EntityManager,
  brigadeId: number,
  of?: { squadId: number | null; groupId: number },
): Promise<number> {
  const q = m.createQueryBuilder(Flag, 'f').where("f.brigade_id = :b AND f.status = 'open'", { b: brigadeId });
  if (of) q.andWhere('(f.squad_id = :s OR (f.squad_id IS NULL AND f.group_id = :g))', { s: of.squadId, g: of.groupId });
  return q.getCount();
}

/** A manager's resolution of an open flag. */
export async function resolveFlag(
  m: EntityManager,
  id: number,
  by: { userId: number; note: string; at: Date },
): Promise<void> {
  await sql(
    m,
    "UPDATE flags SET status = 'resolved', resolved_at = ?, resolved_by = ?, resolution_note = ? WHERE id = ? AND status = 'open'",
    [by.at, by.userId, by.note, id],
  );
}
