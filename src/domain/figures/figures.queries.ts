import type { EntityManager } from 'typeorm';
import { forceIndex } from '../../persistence/dialect';
import { sql } from '../../persistence/sql';
import { type Count, goodsInScope, lineInScope, operationInScope } from './facts.queries';
import type { FigurePeriod } from './figure-period';
import type { FigureScope } from './scope';

/**
 * The figures' drill-down reads: for one kind of record, a page of the rows
 * behind a figure in a scope and period, newest first (keyset on the instant
 * and id). Each returns the rows as the database gives them; the service says
 * what each row adds to the figure and why.
 */

/** An operation's plan number, as stored (null until filed). */
export interface PlanNumberColumns {
  number_year: number | null;
  number_seq: number | null;
}

/** An operation begun in the period. */
export interface DrillOperationRow extends PlanNumberColumns {
  id: number;
  title: string;
  kind: string;
  state: string;
  actual_start: unknown;
  actual_hours: Count;
  /** counts_toward_minimum (1/0, or a boolean). */
  counts: number | boolean | null;
  late_entry_hours: Count;
}

/** An operation's result lines in a scope, summed. */
export interface ResultSumRow {
  id: number;
  officers: Count;
  vehicles: Count;
  educated: Count;
  handled: Count;
}

/** 出勤不出力: an operation with its idle lines in the scope (the first squad's names, how many squads). */
export interface DrillIdleRow extends PlanNumberColumns {
  id: number;
  title: string;
  at: unknown;
  idle_lines: Count;
  officers: Count;
  squad: string;
  squad_en: string;
  squads: Count;
}

/** A record of an operation (incident, audit, time limit, step): its id, and the operation's id (`op`), number and title. */
export interface OfOperationColumns extends PlanNumberColumns {
  id: number;
  op: number;
  title: string;
}

export interface DrillIncidentRow extends OfOperationColumns {
  type: string;
  severity: string;
  at: unknown;
}

export interface DrillAuditRow extends OfOperationColumns {
  kind: string;
  at: unknown;
}

export interface DrillLimitRow extends OfOperationColumns {
  due: unknown;
  closed: unknown;
  outcome: string | null;
}

export interface DrillChangeRow extends OfOperationColumns {
  at: unknown;
  /** JSON (text on some drivers). */
  payload: unknown;
  actor: string;
}

export interface DrillFlagRow {
  id: number;
  rule: string;
  kind: string;
  fperiod: string;
  status: string;
  at: unknown;
}

export interface DrillGoodsRow {
  id: number;
  description: string;
  quantity: Count;
  unit: string;
  state: string;
  at: unknown;
  party: string;
  squad: string;
  squad_en: string;
}

/** What every drill-down read is asked: whose, when, and which page. */
export interface DrillAsk {
  scope: FigureScope;
  period: FigurePeriod;
  /** Rows wanted: one more than the page, to tell whether another follows. */
  take: number;
  /** The last row of the previous page (instant, id), or null for the first. */
  after: { at: Date; id: number } | null;
}

/** Newest first: (instant, id) strictly before the cursor's. */
function keyset(ask: DrillAsk, at: string, id: string): { sql: string; params: unknown[] } {
  const a = ask.after;
  return a
    ? { sql: ` AND (${at} < ? OR (${at} = ? AND ${id} < ?))`, params: [a.at, a.at, a.id] }
    : { sql: '', params: [] };
}

const order = (ask: DrillAsk, at: string, id: string) => `ORDER BY ${at} DESC, ${id} DESC LIMIT ${ask.take}`;

// MariaDB may walk a whole brigade's index backwards for ORDER BY … LIMIT instead of the period's range: the index is named.

/** Operations begun in the period (not cancelled); `lateOnly`: those whose start was recorded late (R6). */
export async function drillOperations(
  m: EntityManager,
  ask: DrillAsk,
  opts: { lateOnly: boolean },
): Promise<DrillOperationRow[]> {
  const s = operationInScope(ask.scope, 'o', { perRow: true });
  const k = keyset(ask, 'o.actual_start', 'o.id');
  const late = opts.lateOnly ? ' AND o.late_entry_hours IS NOT NULL' : '';
  const { rows } = await sql<DrillOperationRow>(
    m,
    `SELECT o.id AS id, o.number_year AS number_year, o.number_seq AS number_seq, o.title AS title, o.kind AS kind, o.state AS state, o.actual_start AS actual_start, o.actual_hours AS actual_hours, o.counts_toward_minimum AS counts,
            o.late_entry_hours AS late_entry_hours
       FROM operations o${forceIndex(m, 'IDX_operations_brigade_actual_start')}
      WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.state <> 'cancelled' AND ${s.sql}${late}${k.sql}
      ${order(ask, 'o.actual_start', 'o.id')}`,
    [ask.scope.brigadeId, ask.period.start, ask.period.end, ...s.params, ...k.params],
  );
  return rows;
}

/** The scope's result lines of these operations, summed per operation (keyed by operation id). */
export async function resultSums(
  m: EntityManager,
  scope: FigureScope,
  operationIds: readonly number[],
): Promise<Map<number, ResultSumRow>> {
  const sums = new Map<number, ResultSumRow>();
  if (!operationIds.length) return sums;
  const line = lineInScope(scope);
  const { rows } = await sql<ResultSumRow>(
    m,
    `SELECT os.operation_id AS id, SUM(COALESCE(os.officers, 0)) AS officers, SUM(COALESCE(os.vehicles, 0)) AS vehicles,
            SUM(COALESCE(os.educated, 0)) AS educated, SUM(COALESCE(os.handled, 0)) AS handled
       FROM operation_squads os JOIN squads sq ON sq.id = os.squad_id
      WHERE os.operation_id IN (${operationIds.map(() => '?').join(', ')}) AND ${line.sql}
      GROUP BY os.operation_id`,
    [...operationIds, ...line.params],
  );
  for (const r of rows) sums.set(Number(r.id), r);
  return sums;
}

/** 出勤不出力: completed operations with a scope's line that sent officers and educated or handled nothing. */
export async function drillIdle(m: EntityManager, ask: DrillAsk): Promise<DrillIdleRow[]> {
  const line = lineInScope(ask.scope);
  const k = keyset(ask, 'o.actual_start', 'o.id');
  const { rows } = await sql<DrillIdleRow>(
    m,
    `SELECT o.id AS id, o.number_year AS number_year, o.number_seq AS number_seq, o.title AS title, o.actual_start AS at, COUNT(*) AS idle_lines, SUM(os.officers) AS officers, MIN(sq.name) AS squad, MIN(sq.name_en) AS squad_en, COUNT(DISTINCT sq.id) AS squads
       FROM operations o${forceIndex(m, 'IDX_operations_brigade_actual_start')} JOIN operation_squads os ON os.operation_id = o.id JOIN squads sq ON sq.id = os.squad_id
      WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.state IN ('holding', 'awaiting_audit', 'closed') AND ${line.sql}
        AND COALESCE(os.officers, 0) > 0 AND COALESCE(os.educated, 0) + COALESCE(os.handled, 0) = 0${k.sql}
      GROUP BY o.id, o.number_year, o.number_seq, o.title, o.actual_start
      ${order(ask, 'o.actual_start', 'o.id')}`,
    [ask.scope.brigadeId, ask.period.start, ask.period.end, ...line.params, ...k.params],
  );
  return rows;
}

/** Incidents in the period (`seriousOnly`: not minor), with their operation. */
export async function drillIncidents(
  m: EntityManager,
  ask: DrillAsk,
  opts: { seriousOnly: boolean },
): Promise<DrillIncidentRow[]> {
  const s = operationInScope(ask.scope, 'o', { perRow: true });
  const serious = opts.seriousOnly ? " AND i.severity <> 'minor'" : '';
  const k = keyset(ask, 'i.occurred_at', 'i.id');
  const { rows } = await sql<DrillIncidentRow>(
    m,
    `SELECT i.id AS id, i.type AS type, i.severity AS severity, i.occurred_at AS at, o.id AS op, o.number_year AS number_year, o.number_seq AS number_seq, o.title AS title
       FROM operation_incidents i${forceIndex(m, 'IDX_operation_incidents_brigade_occurred')} JOIN operations o ON o.id = i.operation_id
      WHERE i.brigade_id = ? AND i.occurred_at >= ? AND i.occurred_at < ?${serious} AND ${s.sql}${k.sql}
      ${order(ask, 'i.occurred_at', 'i.id')}`,
    [ask.scope.brigadeId, ask.period.start, ask.period.end, ...s.params, ...k.params],
  );
  return rows;
}

/** Audits (passed or failed) in the period, with their operation. */
export async function drillAudits(m: EntityManager, ask: DrillAsk): Promise<DrillAuditRow[]> {
  const s = operationInScope(ask.scope, 'o', { perRow: true });
  const k = keyset(ask, 'h.at', 'h.id');
  const { rows } = await sql<DrillAuditRow>(
    m,
    `SELECT h.id AS id, h.kind AS kind, h.at AS at, o.id AS op, o.number_year AS number_year, o.number_seq AS number_seq, o.title AS title
       FROM holding_records h${forceIndex(m, 'IDX_holding_records_brigade_at')} JOIN operations o ON o.id = h.operation_id
      WHERE h.brigade_id = ? AND h.kind IN ('audit_pass', 'audit_fail') AND h.at >= ? AND h.at < ? AND ${s.sql}${k.sql}
      ${order(ask, 'h.at', 'h.id')}`,
    [ask.scope.brigadeId, ask.period.start, ask.period.end, ...s.params, ...k.params],
  );
  return rows;
}

/** An operation time limit of one kind due in the period: met or late, or still open and overdue at `now`. */
export async function drillLimits(m: EntityManager, ask: DrillAsk, kind: string, now: Date): Promise<DrillLimitRow[]> {
  const s = operationInScope(ask.scope, 'o', { perRow: true });
  const k = keyset(ask, 'd.due_at', 'd.id');
  const { rows } = await sql<DrillLimitRow>(
    m,
    `SELECT d.id AS id, d.due_at AS due, d.closed_at AS closed, d.outcome AS outcome, o.id AS op, o.number_year AS number_year, o.number_seq AS number_seq, o.title AS title
       FROM workflow_deadlines d JOIN operations o ON o.id = d.instance_id
      WHERE d.brigade_id = ? AND d.workflow = 'operation' AND d.kind = ? AND d.due_at >= ? AND d.due_at < ? AND ${s.sql}
        AND ((d.closed_at IS NOT NULL AND d.outcome IN ('met', 'late')) OR (d.closed_at IS NULL AND d.due_at < ?))${k.sql}
      ${order(ask, 'd.due_at', 'd.id')}`,
    [ask.scope.brigadeId, kind, ask.period.start, ask.period.end, ...s.params, now, ...k.params],
  );
  return rows;
}

/** The steps of operations with one event (RETURN, CANCEL) in the period, with who and the payload. */
export async function drillChanges(m: EntityManager, ask: DrillAsk, event: string): Promise<DrillChangeRow[]> {
  const s = operationInScope(ask.scope, 'o', { perRow: true });
  const k = keyset(ask, 'h.at', 'h.id');
  const { rows } = await sql<DrillChangeRow>(
    m,
    `SELECT h.id AS id, h.at AS at, h.payload AS payload, h.actor_name AS actor, o.id AS op, o.number_year AS number_year, o.number_seq AS number_seq, o.title AS title
       FROM workflow_history h JOIN operations o ON o.id = h.instance_id
      WHERE h.brigade_id = ? AND h.event = ? AND h.at >= ? AND h.at < ? AND ${s.sql}${k.sql}
      ${order(ask, 'h.at', 'h.id')}`,
    [ask.scope.brigadeId, event, ask.period.start, ask.period.end, ...s.params, ...k.params],
  );
  return rows;
}

/** Flags raised (or resolved) in the period, the group's or squad's when the scope is one. */
export async function drillFlags(
  m: EntityManager,
  ask: DrillAsk,
  opts: { resolved: boolean },
): Promise<DrillFlagRow[]> {
  const { scope } = ask;
  const cond = scope.kind === 'group' ? 'AND f.group_id = ?' : scope.kind === 'squad' ? 'AND f.squad_id = ?' : '';
  const params = scope.kind === 'group' ? [scope.group.id] : scope.kind === 'squad' ? [scope.squad.id] : [];
  const col = opts.resolved ? 'f.resolved_at' : 'f.raised_at';
  const extra = opts.resolved ? " AND f.status <> 'open'" : '';
  const k = keyset(ask, col, 'f.id');
  const { rows } = await sql<DrillFlagRow>(
    m,
    `SELECT f.id AS id, f.rule AS rule, f.kind AS kind, f.period AS fperiod, f.status AS status, ${col} AS at
       FROM flags f WHERE f.brigade_id = ? AND ${col} >= ? AND ${col} < ? ${cond}${extra}${k.sql}
      ${order(ask, col, 'f.id')}`,
    [scope.brigadeId, ask.period.start, ask.period.end, ...params, ...k.params],
  );
  return rows;
}

/** Every hard problem of the brigade reported in the period (the caller keeps the scope's). */
export async function problemsReported(
  m: EntityManager,
  brigadeId: number,
  period: FigurePeriod,
): Promise<Array<{ id: number; title: string; reported_at: unknown; state: string }>> {
  const { rows } = await sql<{ id: number; title: string; reported_at: unknown; state: string }>(
    m,
    'SELECT id, title, reported_at, state FROM hard_problems WHERE brigade_id = ? AND reported_at >= ? AND reported_at < ?',
    [brigadeId, period.start, period.end],
  );
  return rows;
}

/** R13: detained goods registered, dealt with (`outcome` as their closing state) or still held at the period's end. */
export async function drillGoods(m: EntityManager, ask: DrillAsk, outcome: string): Promise<DrillGoodsRow[]> {
  const { scope, period } = ask;
  const g = goodsInScope(scope);
  const held = outcome === 'held';
  const at = held || outcome === 'registered' ? 'gi.registered_at' : 'gi.closed_at';
  const where = held
    ? 'gi.registered_at < ? AND (gi.closed_at IS NULL OR gi.closed_at >= ?)'
    : outcome === 'registered'
      ? 'gi.registered_at >= ? AND gi.registered_at < ?'
      : 'gi.state = ? AND gi.closed_at >= ? AND gi.closed_at < ?';
  const params = held
    ? [period.end, period.end]
    : outcome === 'registered'
      ? [period.start, period.end]
      : [outcome, period.start, period.end];
  const k = keyset(ask, at, 'gi.id');
  const { rows } = await sql<DrillGoodsRow>(
    m,
    `SELECT gi.id AS id, gi.description AS description, gi.quantity AS quantity, gi.unit AS unit, gi.state AS state, ${at} AS at,
            gp.name AS party, sq.name AS squad, sq.name_en AS squad_en
       FROM goods_items gi JOIN goods_parties gp ON gp.id = gi.party_id JOIN squads sq ON sq.id = gi.custodian_squad_id
      WHERE gi.brigade_id = ? AND ${where} AND ${g.sql}${k.sql}
      ${order(ask, at, 'gi.id')}`,
    [scope.brigadeId, ...params, ...g.params, ...k.params],
  );
  return rows;
}
