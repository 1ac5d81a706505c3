import type { EntityManager } from 'typeorm';
import { sql } from '../../persistence/sql';
import type { FigureScope } from './scope';

/**
 * The figures' fact statements: for one scope and a run of buckets (months),
 * the counts each fact source reads, one statement (or two) for every bucket
 * at once — `b` is a row's bucket (bucketSql). Rows are as the database gives
 * them; facts.ts adds them up.
 */

/** A count or sum as the driver gives it (MariaDB: SUM and DECIMAL as text; null for a SUM over nothing). */
export type Count = number | string | null;

/** The bucket a row falls in (0 …), as the driver gives it. */
export interface Bucketed {
  b: number | string;
}

/**
 * The bucket of `col` (0 …; the WHERE keeps it in range): a CASE that halves the buckets left at each step
 * (`CASE WHEN col < b12 THEN (CASE WHEN col < b6 …) ELSE … END`), five comparisons a row for a year and the
 * year before, not up to 23 one after the other (issue 14: the cold year's largest statements scan 1–2
 * million rows, and the chain was about a tenth of their time).
 */
export function bucketSql(col: string, bounds: Date[]): { sql: string; params: Date[] } {
  const inner = bounds.slice(1, -1);
  // Buckets `lo`…`hi`; `inner[k]` is where bucket k ends and k + 1 begins.
  const half = (lo: number, hi: number): { sql: string; params: Date[] } => {
    if (lo === hi) return { sql: String(lo), params: [] };
    const mid = (lo + hi) >> 1;
    const below = half(lo, mid);
    const above = half(mid + 1, hi);
    return {
      sql: `CASE WHEN ${col} < ? THEN ${below.sql} ELSE ${above.sql} END`,
      params: [inner[mid], ...below.params, ...above.params],
    };
  };
  return half(0, inner.length);
}

// ------------------------------------------------------------ the scope in SQL

/**
 * The scope's squads as a condition on a squad id column: one squad's, or a group's by their ids (read
 * with the scope: `FigureScope.squadIds`) — no join to `squads` per row. A group without squads keeps nothing.
 */
function squadOfScope(s: FigureScope, column: string): { sql: string; params: unknown[] } {
  if (s.kind === 'squad') return { sql: `${column} = ?`, params: [s.squad.id] };
  if (s.kind === 'group')
    return s.squadIds.length
      ? { sql: `${column} IN (${s.squadIds.map(() => '?').join(', ')})`, params: [...s.squadIds] }
      : { sql: '1 = 0', params: [] };
  return { sql: '1 = 1', params: [] };
}

/**
 * SQL that keeps an operation (its id in `alias.id`) to the scope: a squad of the scope took part. Returns
 * the condition and its parameters.
 */
export function operationInScope(
  s: FigureScope,
  alias = 'o',
  opts: { perRow?: boolean } = {},
): { sql: string; params: unknown[] } {
  if (s.kind === 'brigade') return { sql: '1 = 1', params: [] };
  return tookPart(s, `${alias}.id`, opts);
}

/** A squad of the (group's or squad's) scope has a line in operation `id` (an id column). */
function tookPart(s: FigureScope, id: string, opts: { perRow?: boolean } = {}): { sql: string; params: unknown[] } {
  const squad = squadOfScope(s, 'xs.squad_id');
  // perRow: checked row by row (a drill-down's page stops after a few rows); MariaDB would otherwise first gather every
  // operation line of the scope (a semi-join materialized) — right for a month's sums, slow for a page of 100.
  if (opts.perRow)
    return {
      sql: `(SELECT COUNT(*) FROM operation_squads xs WHERE xs.operation_id = ${id} AND ${squad.sql}) > 0`,
      params: squad.params,
    };
  return {
    sql: `EXISTS (SELECT 1 FROM operation_squads xs WHERE xs.operation_id = ${id} AND ${squad.sql})`,
    params: squad.params,
  };
}

/**
 * A record of an operation (its id in `fk`) kept to the scope: a join it needs (none) and the condition.
 * The brigade's scope needs no condition — every such record is of an operation of the brigade (a foreign
 * key, or the row's own workflow) — and a group's or squad's asks the operation's lines by `fk` itself: no
 * probe of `operations` per record (a year of a group's figures took 2–7× as long with it).
 */
export function ofOperationInScope(s: FigureScope, fk: string): { join: string; sql: string; params: unknown[] } {
  if (s.kind === 'brigade') return { join: '', sql: '1 = 1', params: [] };
  return { join: '', ...tookPart(s, fk) };
}

/** SQL that keeps a squad's result line (alias `os` for operation_squads) to the scope. */
export function lineInScope(s: FigureScope): { sql: string; params: unknown[] } {
  return squadOfScope(s, 'os.squad_id');
}

/** SQL that keeps a detained item (alias `gi`) to the scope: by its custodian squad (R13: the squad that processes it). */
export function goodsInScope(s: FigureScope): { sql: string; params: unknown[] } {
  return squadOfScope(s, 'gi.custodian_squad_id');
}

/** The squads of a group, by id. */
export async function squadIdsOfGroup(m: EntityManager, groupId: number): Promise<number[]> {
  const { rows } = await sql<{ id: number | string }>(m, 'SELECT id FROM squads WHERE group_id = ? ORDER BY id', [
    groupId,
  ]);
  return rows.map((r) => Number(r.id));
}

// ------------------------------------------------------------ where an instance's facts lie

/**
 * A statement giving spans `[f, t]` (t null: open-ended) where the facts of
 * the instances changed since `?` may lie, and when each changed (`u`).
 * Parameters: brigade id, since.
 */
export type TouchedSql = string;

const CHANGED = 'workflow_instances wi';
const SINCE = 'wi.brigade_id = ? AND wi.updated_at >= ?';
/** The statements each source names in `touched` (each one run once, however many sources name it). */
export const TOUCHED = {
  /** Facts bucketed by an operation's actual start (its count, results, dwell, the groups' and squads' lines). */
  start: `SELECT o.actual_start AS f, o.actual_start AS t, wi.updated_at AS u FROM ${CHANGED} JOIN operations o ON o.id = wi.id WHERE ${SINCE} AND o.actual_start IS NOT NULL`,
  /** R11: incidents, which may be logged after the fact (never before the start). */
  incidents: `SELECT i.occurred_at AS f, i.occurred_at AS t, wi.updated_at AS u FROM ${CHANGED} JOIN operation_incidents i ON i.operation_id = wi.id WHERE ${SINCE}`,
  /** §3.5: limits, bucketed by when they fall due (closing one late changes its due month). */
  deadlines: `SELECT d.due_at AS f, d.due_at AS t, wi.updated_at AS u FROM ${CHANGED} JOIN workflow_deadlines d ON d.instance_id = wi.id WHERE ${SINCE}`,
  /** R14: audits (at the step's own time; named for safety, they are few). */
  audits: `SELECT h.at AS f, h.at AS t, wi.updated_at AS u FROM ${CHANGED} JOIN holding_records h ON h.operation_id = wi.id WHERE ${SINCE} AND h.kind IN ('audit_pass', 'audit_fail')`,
  /** §3.5: drafts, filings, returns and cancellations — at their steps' times, to the squads the plan names now (an edit moves them). */
  steps: `SELECT h.at AS f, h.at AS t, wi.updated_at AS u FROM ${CHANGED} JOIN workflow_history h ON h.instance_id = wi.id WHERE ${SINCE} AND h.event IN ('CREATE', 'FILE', 'RETURN', 'CANCEL')`,
  /** R13: a detained item counts from its registration on (held at each month's end, by its custodian now). */
  goods: `SELECT gi.registered_at AS f, NULL AS t, wi.updated_at AS u FROM ${CHANGED} JOIN goods_items gi ON gi.id = wi.id WHERE ${SINCE}`,
} as const;

// ------------------------------------------------------------ the sources' statements

const COMPLETED = "('holding', 'awaiting_audit', 'closed')";

/** R6, R15: per bucket, the operations that began (not cancelled) and their scope's result lines. */
export interface OperationFactRow extends Bucketed {
  ops_all: Count;
  ops_qualifying: Count;
  ops_completed: Count;
  late_entries: Count;
  person_times: Count;
  vehicle_times: Count;
  educated: Count;
  handled: Count;
  goods_detained: Count;
  idle_lines: Count;
}

export async function operationFactRows(
  m: EntityManager,
  scope: FigureScope,
  bounds: Date[],
): Promise<OperationFactRow[]> {
  const line = lineInScope(scope);
  const b = bucketSql('o.actual_start', bounds);
  const done = `o.state IN ${COMPLETED}`;
  const { rows } = await sql<OperationFactRow>(
    m,
    `SELECT ${b.sql} AS b,
              COUNT(DISTINCT o.id) AS ops_all,
              COUNT(DISTINCT CASE WHEN o.counts_toward_minimum = 1 AND ${done} THEN o.id END) AS ops_qualifying,
              COUNT(DISTINCT CASE WHEN ${done} THEN o.id END) AS ops_completed,
              COUNT(DISTINCT CASE WHEN o.late_entry_hours IS NOT NULL THEN o.id END) AS late_entries,
              SUM(CASE WHEN ${done} THEN COALESCE(os.officers, 0) ELSE 0 END) AS person_times,
              SUM(CASE WHEN ${done} THEN COALESCE(os.vehicles, 0) ELSE 0 END) AS vehicle_times,
              SUM(CASE WHEN ${done} THEN COALESCE(os.educated, 0) ELSE 0 END) AS educated,
              SUM(CASE WHEN ${done} THEN COALESCE(os.handled, 0) ELSE 0 END) AS handled,
              SUM(CASE WHEN ${done} THEN COALESCE(os.goods_detained, 0) ELSE 0 END) AS goods_detained,
              SUM(CASE WHEN ${done} AND COALESCE(os.officers, 0) > 0 AND COALESCE(os.educated, 0) + COALESCE(os.handled, 0) = 0 THEN 1 ELSE 0 END) AS idle_lines
         FROM operations o
         JOIN operation_squads os ON os.operation_id = o.id
        WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.state <> 'cancelled' AND ${line.sql}
        GROUP BY b`,
    [...b.params, scope.brigadeId, bounds[0], bounds[bounds.length - 1], ...line.params],
  );
  return rows;
}

/** R11: per bucket, the incidents in operations of the scope, and the serious ones. */
export async function incidentFactRows(
  m: EntityManager,
  scope: FigureScope,
  bounds: Date[],
): Promise<Array<Bucketed & { incidents: Count; serious: Count }>> {
  const s = ofOperationInScope(scope, 'i.operation_id');
  const b = bucketSql('i.occurred_at', bounds);
  const { rows } = await sql<Bucketed & { incidents: Count; serious: Count }>(
    m,
    `SELECT ${b.sql} AS b, COUNT(*) AS incidents, SUM(CASE WHEN i.severity <> 'minor' THEN 1 ELSE 0 END) AS serious
         FROM operation_incidents i ${s.join}
        WHERE i.brigade_id = ? AND i.occurred_at >= ? AND i.occurred_at < ? AND ${s.sql}
        GROUP BY b`,
    [...b.params, scope.brigadeId, bounds[0], bounds[bounds.length - 1], ...s.params],
  );
  return rows;
}

/** R14: per bucket, the holding audits passed and failed. */
export async function auditFactRows(
  m: EntityManager,
  scope: FigureScope,
  bounds: Date[],
): Promise<Array<Bucketed & { passed: Count; failed: Count }>> {
  const s = ofOperationInScope(scope, 'h.operation_id');
  const b = bucketSql('h.at', bounds);
  const { rows } = await sql<Bucketed & { passed: Count; failed: Count }>(
    m,
    `SELECT ${b.sql} AS b, SUM(CASE WHEN h.kind = 'audit_pass' THEN 1 ELSE 0 END) AS passed, SUM(CASE WHEN h.kind = 'audit_fail' THEN 1 ELSE 0 END) AS failed
         FROM holding_records h ${s.join}
        WHERE h.brigade_id = ? AND h.kind IN ('audit_pass', 'audit_fail') AND h.at >= ? AND h.at < ? AND ${s.sql}
        GROUP BY b`,
    [...b.params, scope.brigadeId, bounds[0], bounds[bounds.length - 1], ...s.params],
  );
  return rows;
}

/** §3.5: per bucket and kind (of `kinds`), the operation time limits due: kept, and missed (closed late, or open past due at `now`). */
export async function limitFactRows(
  m: EntityManager,
  scope: FigureScope,
  bounds: Date[],
  now: Date,
  kinds: readonly string[],
): Promise<Array<Bucketed & { kind: string; met: Count; late: Count }>> {
  const s = ofOperationInScope(scope, 'd.instance_id');
  const b = bucketSql('d.due_at', bounds);
  const { rows } = await sql<Bucketed & { kind: string; met: Count; late: Count }>(
    m,
    `SELECT ${b.sql} AS b, d.kind AS kind,
              SUM(CASE WHEN d.closed_at IS NOT NULL AND d.outcome = 'met' THEN 1 ELSE 0 END) AS met,
              SUM(CASE WHEN (d.closed_at IS NOT NULL AND d.outcome = 'late') OR (d.closed_at IS NULL AND d.due_at < ?) THEN 1 ELSE 0 END) AS late
         FROM workflow_deadlines d ${s.join}
        WHERE d.brigade_id = ? AND d.workflow = 'operation' AND d.kind IN (${kinds.map(() => '?').join(', ')})
          AND d.due_at >= ? AND d.due_at < ? AND ${s.sql}
        GROUP BY b, d.kind`,
    [...b.params, now, scope.brigadeId, ...kinds, bounds[0], bounds[bounds.length - 1], ...s.params],
  );
  return rows;
}

/** §3.5: per bucket and event, the operations' drafts, filings, returns and cancellations. */
export async function changeFactRows(
  m: EntityManager,
  scope: FigureScope,
  bounds: Date[],
): Promise<Array<Bucketed & { event: string; c: Count }>> {
  // The brigade's: the history of its operations (the join says which instances are operations); a group's or
  // squad's: of operations with a line of the scope, which are operations already.
  const s =
    scope.kind === 'brigade'
      ? { join: 'JOIN operations o ON o.id = h.instance_id', sql: '1 = 1', params: [] }
      : ofOperationInScope(scope, 'h.instance_id');
  const b = bucketSql('h.at', bounds);
  const { rows } = await sql<Bucketed & { event: string; c: Count }>(
    m,
    `SELECT ${b.sql} AS b, h.event AS event, COUNT(*) AS c
         FROM workflow_history h ${s.join}
        WHERE h.brigade_id = ? AND h.event IN ('CREATE', 'FILE', 'RETURN', 'CANCEL') AND h.at >= ? AND h.at < ? AND ${s.sql}
        GROUP BY b, h.event`,
    [...b.params, scope.brigadeId, bounds[0], bounds[bounds.length - 1], ...s.params],
  );
  return rows;
}

/**
 * Per bucket (of the operations' actual start) and state (of `states`): hours spent in it, stays, operations
 * with a stay. Each step's time to the next is kept on the operation's row as its projection moves it
 * (`dwell_<state>_seconds`, `dwell_<state>_stays`: operation.workflow.ts), so a year reads its operations, not
 * their history.
 */
export async function dwellFactRows(
  m: EntityManager,
  scope: FigureScope,
  bounds: Date[],
  states: readonly string[],
): Promise<Array<Bucketed & { state: string; hours: Count; stays: Count; ops: Count }>> {
  const s = operationInScope(scope);
  const b = bucketSql('o.actual_start', bounds);
  const column = (state: string) => {
    if (!/^[a-z_]+$/.test(state)) throw new Error(`not a state: ${state}`);
    return `dwell_${state}`;
  };
  const sums = states
    .map(
      (st, i) =>
        `SUM(o.${column(st)}_seconds) AS s${i}, SUM(o.${column(st)}_stays) AS n${i}, SUM(CASE WHEN o.${column(st)}_stays > 0 THEN 1 ELSE 0 END) AS o${i}`,
    )
    .join(', ');
  const { rows } = await sql<Bucketed & Record<string, Count>>(
    m,
    `SELECT ${b.sql} AS b, ${sums}
         FROM operations o
        WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND ${s.sql}
        GROUP BY b`,
    [...b.params, scope.brigadeId, bounds[0], bounds[bounds.length - 1], ...s.params],
  );
  // One row per bucket and state with a stay (as the steps would give them).
  return rows.flatMap((r) =>
    states.flatMap((state, i) =>
      Number(r[`o${i}`] ?? 0) > 0
        ? [{ b: r.b, state, hours: Number(r[`s${i}`] ?? 0) / 3600, stays: r[`n${i}`], ops: r[`o${i}`] }]
        : [],
    ),
  );
}

/** SPEC §4: per bucket, the flags raised, and those resolved (the scope's: its group, or naming its squad). */
export async function flagFactRows(
  m: EntityManager,
  scope: FigureScope,
  bounds: Date[],
): Promise<{ raised: Array<Bucketed & { c: Count }>; resolved: Array<Bucketed & { c: Count }> }> {
  const cond = scope.kind === 'group' ? 'AND f.group_id = ?' : scope.kind === 'squad' ? 'AND f.squad_id = ?' : '';
  const params = scope.kind === 'group' ? [scope.group.id] : scope.kind === 'squad' ? [scope.squad.id] : [];
  const first = bounds[0];
  const last = bounds[bounds.length - 1];
  const raised = bucketSql('f.raised_at', bounds);
  const resolved = bucketSql('f.resolved_at', bounds);
  const [r1, r2] = await Promise.all([
    sql<Bucketed & { c: Count }>(
      m,
      `SELECT ${raised.sql} AS b, COUNT(*) AS c FROM flags f WHERE f.brigade_id = ? ${cond} AND f.raised_at >= ? AND f.raised_at < ? GROUP BY b`,
      [...raised.params, scope.brigadeId, ...params, first, last],
    ),
    sql<Bucketed & { c: Count }>(
      m,
      `SELECT ${resolved.sql} AS b, COUNT(*) AS c FROM flags f WHERE f.brigade_id = ? ${cond} AND f.status <> 'open' AND f.resolved_at >= ? AND f.resolved_at < ? GROUP BY b`,
      [...resolved.params, scope.brigadeId, ...params, first, last],
    ),
  ]);
  return { raised: r1.rows, resolved: r2.rows };
}

/** R13: per bucket, detained items registered and closed (by outcome); and those held at the first bucket's start. */
export async function goodsFactRows(
  m: EntityManager,
  scope: FigureScope,
  bounds: Date[],
): Promise<{
  registered: Array<Bucketed & { c: Count }>;
  outcomes: Array<Bucketed & { state: string; c: Count }>;
  heldBefore: number;
}> {
  const g = goodsInScope(scope);
  const first = bounds[0];
  const last = bounds[bounds.length - 1];
  const reg = bucketSql('gi.registered_at', bounds);
  const closed = bucketSql('gi.closed_at', bounds);
  const [registered, outcomes, before] = await Promise.all([
    sql<Bucketed & { c: Count }>(
      m,
      `SELECT ${reg.sql} AS b, COUNT(*) AS c FROM goods_items gi WHERE gi.brigade_id = ? AND gi.registered_at >= ? AND gi.registered_at < ? AND ${g.sql} GROUP BY b`,
      [...reg.params, scope.brigadeId, first, last, ...g.params],
    ),
    sql<Bucketed & { state: string; c: Count }>(
      m,
      `SELECT ${closed.sql} AS b, gi.state AS state, COUNT(*) AS c FROM goods_items gi
          WHERE gi.brigade_id = ? AND gi.closed_at >= ? AND gi.closed_at < ? AND gi.state IN ('returned', 'confiscated', 'disposed') AND ${g.sql} GROUP BY b, gi.state`,
      [...closed.params, scope.brigadeId, first, last, ...g.params],
    ),
    sql<{ c: Count }>(
      m,
      `SELECT COUNT(*) AS c FROM goods_items gi WHERE gi.brigade_id = ? AND gi.registered_at < ? AND (gi.closed_at IS NULL OR gi.closed_at >= ?) AND ${g.sql}`,
      [scope.brigadeId, first, first, ...g.params],
    ),
  ]);
  return { registered: registered.rows, outcomes: outcomes.rows, heldBefore: Number(before.rows[0]?.c ?? 0) || 0 };
}

// ------------------------------------------------------------ hard problems (R15)

/** Every hard problem of the brigade, with its squads at the border (`squad_ids` JSON text). */
export async function problemRows(
  m: EntityManager,
  brigadeId: number,
): Promise<Array<{ id: number; title: string; squad_ids: unknown }>> {
  const { rows } = await sql<{ id: number; title: string; squad_ids: unknown }>(
    m,
    'SELECT id, title, squad_ids FROM hard_problems WHERE brigade_id = ?',
    [brigadeId],
  );
  return rows;
}

/** The brigade's hard problems' RESOLVE and REBOUND steps in [from, to), oldest first. */
export async function resolutionStepRows(
  m: EntityManager,
  brigadeId: number,
  from: Date,
  to: Date,
): Promise<Array<{ id: number; instance_id: number; event: string; at: unknown }>> {
  const { rows } = await sql<{ id: number; instance_id: number; event: string; at: unknown }>(
    m,
    "SELECT h.id, h.instance_id, h.event, h.at FROM workflow_history h JOIN workflow_instances i ON i.id = h.instance_id WHERE h.brigade_id = ? AND i.workflow = 'hard_problem' AND h.event IN ('RESOLVE', 'REBOUND') AND h.at >= ? AND h.at < ? ORDER BY h.at, h.id",
    [brigadeId, from, to],
  );
  return rows;
}

/** The brigade's hard problems reported in [from, to). */
export async function problemReportRows(
  m: EntityManager,
  brigadeId: number,
  from: Date,
  to: Date,
): Promise<Array<{ id: number; reported_at: unknown }>> {
  const { rows } = await sql<{ id: number; reported_at: unknown }>(
    m,
    'SELECT id, reported_at FROM hard_problems WHERE brigade_id = ? AND reported_at >= ? AND reported_at < ?',
    [brigadeId, from, to],
  );
  return rows;
}
