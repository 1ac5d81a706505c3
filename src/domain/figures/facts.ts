import type { EntityManager } from 'typeorm';
import { sql } from '../../persistence/sql';
import type { FigurePeriod } from './figure-period';
import { type FigureScope, lineInScope, operationInScope } from './scope';

/** Raw counts for one scope and period, by name; indicators are read from them. */
export type Facts = Record<string, number>;

export interface FactContext {
  m: EntityManager;
  scope: FigureScope;
  period: FigurePeriod;
  now: Date;
}

/** One area's facts (one or two SQL statements, whatever the number of groups or squads). */
export type FactLoader = (ctx: FactContext) => Promise<Facts>;

const COMPLETED = "('holding', 'awaiting_audit', 'closed')";
const n = (v: unknown) => Number(v ?? 0) || 0;

/** The time limits whose keeping is rated per stage (§3.5): deciding a filing, recording results, auditing holding. */
export const RATED_LIMITS = ['decision', 'results', 'audit'] as const;

/** R6, R15: operations that began in the period, and the results of those completed (person-times, vehicle-times, educated, handled). */
export const operationFacts: FactLoader = async ({ m, scope, period }) => {
  const line = lineInScope(scope);
  const { rows } = await sql<Record<string, unknown>>(
    m,
    `SELECT COUNT(DISTINCT o.id) AS ops_all,
            COUNT(DISTINCT CASE WHEN o.counts_toward_minimum = 1 AND o.state IN ${COMPLETED} THEN o.id END) AS ops_qualifying,
            COUNT(DISTINCT CASE WHEN o.state IN ${COMPLETED} THEN o.id END) AS ops_completed,
            SUM(CASE WHEN o.state IN ${COMPLETED} THEN COALESCE(os.officers, 0) ELSE 0 END) AS person_times,
            SUM(CASE WHEN o.state IN ${COMPLETED} THEN COALESCE(os.vehicles, 0) ELSE 0 END) AS vehicle_times,
            SUM(CASE WHEN o.state IN ${COMPLETED} THEN COALESCE(os.educated, 0) ELSE 0 END) AS educated,
            SUM(CASE WHEN o.state IN ${COMPLETED} THEN COALESCE(os.handled, 0) ELSE 0 END) AS handled,
            SUM(CASE WHEN o.state IN ${COMPLETED} THEN COALESCE(os.goods_detained, 0) ELSE 0 END) AS goods_detained
       FROM operations o
       JOIN operation_squads os ON os.operation_id = o.id
       JOIN squads sq ON sq.id = os.squad_id
      WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.state <> 'cancelled' AND ${line.sql}`,
    [scope.brigadeId, period.start, period.end, ...line.params],
  );
  const r = rows[0] ?? {};
  return Object.fromEntries(['ops_all', 'ops_qualifying', 'ops_completed', 'person_times', 'vehicle_times', 'educated', 'handled', 'goods_detained'].map((k) => [k, n(r[k])]));
};

/** R11: incidents that happened in the period, in operations of the scope. */
const incidentFacts: FactLoader = async ({ m, scope, period }) => {
  const s = operationInScope(scope);
  const { rows } = await sql<Record<string, unknown>>(
    m,
    `SELECT COUNT(*) AS incidents, SUM(CASE WHEN i.severity <> 'minor' THEN 1 ELSE 0 END) AS incidents_serious
       FROM operation_incidents i JOIN operations o ON o.id = i.operation_id
      WHERE i.brigade_id = ? AND i.occurred_at >= ? AND i.occurred_at < ? AND ${s.sql}`,
    [scope.brigadeId, period.start, period.end, ...s.params],
  );
  return { incidents: n(rows[0]?.incidents), incidents_serious: n(rows[0]?.incidents_serious) };
};

/** R14: holding audits done in the period (passed, failed). */
const auditFacts: FactLoader = async ({ m, scope, period }) => {
  const s = operationInScope(scope);
  const { rows } = await sql<Record<string, unknown>>(
    m,
    `SELECT SUM(CASE WHEN h.kind = 'audit_pass' THEN 1 ELSE 0 END) AS audits_passed, SUM(CASE WHEN h.kind = 'audit_fail' THEN 1 ELSE 0 END) AS audits_failed
       FROM holding_records h JOIN operations o ON o.id = h.operation_id
      WHERE h.brigade_id = ? AND h.kind IN ('audit_pass', 'audit_fail') AND h.at >= ? AND h.at < ? AND ${s.sql}`,
    [scope.brigadeId, period.start, period.end, ...s.params],
  );
  return { audits_passed: n(rows[0]?.audits_passed), audits_failed: n(rows[0]?.audits_failed) };
};

/**
 * §3.5: time limits that came due in the period, per stage: kept (closed in
 * time), missed (closed late, or still open past their limit).
 */
const timeLimitFacts: FactLoader = async ({ m, scope, period, now }) => {
  const s = operationInScope(scope);
  const { rows } = await sql<{ kind: string; met: unknown; late: unknown }>(
    m,
    `SELECT d.kind AS kind,
            SUM(CASE WHEN d.closed_at IS NOT NULL AND d.outcome = 'met' THEN 1 ELSE 0 END) AS met,
            SUM(CASE WHEN (d.closed_at IS NOT NULL AND d.outcome = 'late') OR (d.closed_at IS NULL AND d.due_at < ?) THEN 1 ELSE 0 END) AS late
       FROM workflow_deadlines d JOIN operations o ON o.id = d.instance_id
      WHERE d.brigade_id = ? AND d.workflow = 'operation' AND d.kind IN (${RATED_LIMITS.map(() => '?').join(', ')})
        AND d.due_at >= ? AND d.due_at < ? AND ${s.sql}
      GROUP BY d.kind`,
    [now, scope.brigadeId, ...RATED_LIMITS, period.start, period.end, ...s.params],
  );
  const out: Facts = {};
  for (const k of RATED_LIMITS) {
    const r = rows.find((x) => x.kind === k);
    out[`limit_${k}_met`] = n(r?.met);
    out[`limit_${k}_late`] = n(r?.late);
  }
  return out;
};

/** §3.5: plans drafted and filed, returns and cancellations in the period (their share is watched). */
const changeFacts: FactLoader = async ({ m, scope, period }) => {
  const s = operationInScope(scope);
  const { rows } = await sql<{ event: string; c: unknown }>(
    m,
    `SELECT h.event AS event, COUNT(*) AS c
       FROM workflow_history h JOIN operations o ON o.id = h.instance_id
      WHERE o.brigade_id = ? AND h.event IN ('CREATE', 'FILE', 'RETURN', 'CANCEL') AND h.at >= ? AND h.at < ? AND ${s.sql}
      GROUP BY h.event`,
    [scope.brigadeId, period.start, period.end, ...s.params],
  );
  const c = (e: string) => n(rows.find((r) => r.event === e)?.c);
  return { drafts: c('CREATE'), filings: c('FILE'), returns: c('RETURN'), cancellations: c('CANCEL') };
};

/** SPEC §4: flags raised and resolved in the period (the scope's: its group, or naming its squad). */
const flagFacts: FactLoader = async ({ m, scope, period }) => {
  const cond = scope.kind === 'group' ? 'AND f.group_id = ?' : scope.kind === 'squad' ? 'AND f.squad_id = ?' : '';
  const params = scope.kind === 'group' ? [scope.group!.id] : scope.kind === 'squad' ? [scope.squad!.id] : [];
  const { rows } = await sql<Record<string, unknown>>(
    m,
    `SELECT SUM(CASE WHEN f.raised_at >= ? AND f.raised_at < ? THEN 1 ELSE 0 END) AS flags_raised,
            SUM(CASE WHEN f.status <> 'open' AND f.resolved_at >= ? AND f.resolved_at < ? THEN 1 ELSE 0 END) AS flags_resolved
       FROM flags f WHERE f.brigade_id = ? ${cond} AND ((f.raised_at >= ? AND f.raised_at < ?) OR (f.resolved_at >= ? AND f.resolved_at < ?))`,
    [period.start, period.end, period.start, period.end, scope.brigadeId, ...params, period.start, period.end, period.start, period.end],
  );
  return { flags_raised: n(rows[0]?.flags_raised), flags_resolved: n(rows[0]?.flags_resolved) };
};

/** Every area's facts; an area added later (hard problems, detained goods) appends its loader. */
export const FACT_LOADERS: FactLoader[] = [operationFacts, incidentFacts, auditFacts, timeLimitFacts, changeFacts, flagFacts];

export async function loadFacts(ctx: FactContext): Promise<Facts> {
  const parts = await Promise.all(FACT_LOADERS.map((load) => load(ctx)));
  return Object.assign({}, ...parts);
}
