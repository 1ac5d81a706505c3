import type { EntityManager } from 'typeorm';
import { sql } from '../../persistence/sql';
import { type FigureScope, lineInScope, operationInScope } from './scope';

/** Raw counts for one scope and period, by name; indicators are read from them. Every fact adds up over months. */
export type Facts = Record<string, number>;

/**
 * What a fact source is asked for: a scope, and consecutive buckets (months)
 * given by their boundaries `bounds[0] < bounds[1] < … < bounds[n]` — bucket i
 * is `[bounds[i], bounds[i + 1])`. One statement (or two) answers every
 * bucket at once, whatever the number of months, groups or squads.
 */
export interface BucketContext {
  m: EntityManager;
  scope: FigureScope;
  bounds: Date[];
  now: Date;
  dbKind: 'sqlite' | 'mysql';
}

export interface FactSource {
  name: string;
  /**
   * Cacheable: computed only from rows the workflow engine writes in the same
   * transaction as it moves an instance (which stamps the instance's
   * `updated_at`). A month of such facts can be kept once it is over
   * (month-facts.ts); `touched` says which kept months a change makes old.
   * Other sources are always read live.
   */
  cacheable: boolean;
  load: (ctx: BucketContext) => Promise<Facts[]>;
  /**
   * Where this source places the facts of an instance (statements from TOUCHED):
   * a kept month holding one of those instants, for an instance changed since
   * the month was computed, is computed again. Facts placed at the time of a
   * step itself (history rows, audits) need none: every month from the change
   * on is always looked at.
   */
  touched?: readonly TouchedSql[];
  /** What the kept months depend on, when `load`'s own code does not say it all (a source made by a factory). */
  fingerprint?: string;
  /** The query functions (`*.queries.ts`) `load` reads through: their code is part of what the kept months depend on. */
  queries?: ReadonlyArray<(...args: never[]) => unknown>;
}

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

const COMPLETED = "('holding', 'awaiting_audit', 'closed')";
const n = (v: unknown) => Number(v ?? 0) || 0;

/** The states whose time spent is shown ("where operations wait longest"). */
export const DWELL_STATES = ['draft', 'filed', 'approved', 'in_progress', 'holding', 'awaiting_audit'] as const;

/** The time limits whose keeping is rated per stage (§3.5): deciding a filing, recording results, auditing holding. */
export const RATED_LIMITS = ['decision', 'results', 'audit'] as const;

/** `CASE WHEN col < b1 THEN 0 WHEN col < b2 THEN 1 … END`: the bucket of `col` (the WHERE keeps it in range). */
export function bucketSql(col: string, bounds: Date[]): { sql: string; params: Date[] } {
  const inner = bounds.slice(1, -1);
  if (!inner.length) return { sql: '0', params: [] };
  return { sql: `CASE ${inner.map((_, i) => `WHEN ${col} < ? THEN ${i}`).join(' ')} ELSE ${inner.length} END`, params: inner };
}

/** Rows `{b, …}` into one Facts per bucket, through `read` (which adds a row's facts to its bucket's). */
export function byBucket<R extends { b: unknown }>(bounds: Date[], rows: R[], read: (facts: Facts, row: R) => void): Facts[] {
  const out: Facts[] = Array.from({ length: bounds.length - 1 }, () => ({}));
  for (const r of rows) read(out[n(r.b)], r);
  return out;
}

const add = (f: Facts, k: string, v: unknown) => (f[k] = (f[k] ?? 0) + n(v));

/**
 * R6, R15: operations that began in the period, and the results of those
 * completed (person-times, vehicle-times, educated, handled); result lines
 * with officers sent and nothing educated or handled ("present but idle").
 */
const operationFacts: FactSource = {
  name: 'operations',
  cacheable: true,
  touched: [TOUCHED.start],
  load: async ({ m, scope, bounds }) => {
    const line = lineInScope(scope);
    const b = bucketSql('o.actual_start', bounds);
    const done = `o.state IN ${COMPLETED}`;
    const { rows } = await sql<Record<string, unknown> & { b: unknown }>(
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
         JOIN squads sq ON sq.id = os.squad_id
        WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.state <> 'cancelled' AND ${line.sql}
        GROUP BY b`,
      [...b.params, scope.brigadeId, bounds[0], bounds[bounds.length - 1], ...line.params],
    );
    const keys = ['ops_all', 'ops_qualifying', 'ops_completed', 'late_entries', 'person_times', 'vehicle_times', 'educated', 'handled', 'goods_detained', 'idle_lines'];
    return byBucket(bounds, rows, (f, r) => keys.forEach((k) => add(f, k, r[k])));
  },
};

/** R11: incidents that happened in the period, in operations of the scope. */
const incidentFacts: FactSource = {
  name: 'incidents',
  cacheable: true,
  touched: [TOUCHED.incidents],
  load: async ({ m, scope, bounds }) => {
    const s = operationInScope(scope);
    const b = bucketSql('i.occurred_at', bounds);
    const { rows } = await sql<{ b: unknown; incidents: unknown; serious: unknown }>(
      m,
      `SELECT ${b.sql} AS b, COUNT(*) AS incidents, SUM(CASE WHEN i.severity <> 'minor' THEN 1 ELSE 0 END) AS serious
         FROM operation_incidents i JOIN operations o ON o.id = i.operation_id
        WHERE i.brigade_id = ? AND i.occurred_at >= ? AND i.occurred_at < ? AND ${s.sql}
        GROUP BY b`,
      [...b.params, scope.brigadeId, bounds[0], bounds[bounds.length - 1], ...s.params],
    );
    return byBucket(bounds, rows, (f, r) => {
      add(f, 'incidents', r.incidents);
      add(f, 'incidents_serious', r.serious);
    });
  },
};

/** R14: holding audits done in the period (passed, failed). */
const auditFacts: FactSource = {
  name: 'audits',
  cacheable: true,
  touched: [TOUCHED.audits],
  load: async ({ m, scope, bounds }) => {
    const s = operationInScope(scope);
    const b = bucketSql('h.at', bounds);
    const { rows } = await sql<{ b: unknown; passed: unknown; failed: unknown }>(
      m,
      `SELECT ${b.sql} AS b, SUM(CASE WHEN h.kind = 'audit_pass' THEN 1 ELSE 0 END) AS passed, SUM(CASE WHEN h.kind = 'audit_fail' THEN 1 ELSE 0 END) AS failed
         FROM holding_records h JOIN operations o ON o.id = h.operation_id
        WHERE h.brigade_id = ? AND h.kind IN ('audit_pass', 'audit_fail') AND h.at >= ? AND h.at < ? AND ${s.sql}
        GROUP BY b`,
      [...b.params, scope.brigadeId, bounds[0], bounds[bounds.length - 1], ...s.params],
    );
    return byBucket(bounds, rows, (f, r) => {
      add(f, 'audits_passed', r.passed);
      add(f, 'audits_failed', r.failed);
    });
  },
};

/**
 * §3.5: time limits that came due in the period, per stage: kept (closed in
 * time), missed (closed late, or still open past their limit). A month is
 * kept only once it is over, when every limit due in it is past due: its
 * count no longer moves with the clock.
 */
const timeLimitFacts: FactSource = {
  name: 'limits',
  cacheable: true,
  touched: [TOUCHED.deadlines],
  load: async ({ m, scope, bounds, now }) => {
    const s = operationInScope(scope);
    const b = bucketSql('d.due_at', bounds);
    const { rows } = await sql<{ b: unknown; kind: string; met: unknown; late: unknown }>(
      m,
      `SELECT ${b.sql} AS b, d.kind AS kind,
              SUM(CASE WHEN d.closed_at IS NOT NULL AND d.outcome = 'met' THEN 1 ELSE 0 END) AS met,
              SUM(CASE WHEN (d.closed_at IS NOT NULL AND d.outcome = 'late') OR (d.closed_at IS NULL AND d.due_at < ?) THEN 1 ELSE 0 END) AS late
         FROM workflow_deadlines d JOIN operations o ON o.id = d.instance_id
        WHERE d.brigade_id = ? AND d.workflow = 'operation' AND d.kind IN (${RATED_LIMITS.map(() => '?').join(', ')})
          AND d.due_at >= ? AND d.due_at < ? AND ${s.sql}
        GROUP BY b, d.kind`,
      [...b.params, now, scope.brigadeId, ...RATED_LIMITS, bounds[0], bounds[bounds.length - 1], ...s.params],
    );
    const out = byBucket(bounds, rows, (f, r) => {
      add(f, `limit_${r.kind}_met`, r.met);
      add(f, `limit_${r.kind}_late`, r.late);
    });
    for (const f of out) for (const k of RATED_LIMITS) for (const x of ['met', 'late']) f[`limit_${k}_${x}`] ??= 0;
    return out;
  },
};

/** §3.5: plans drafted and filed, returns and cancellations in the period (their share is watched). */
const changeFacts: FactSource = {
  name: 'changes',
  cacheable: true,
  touched: [TOUCHED.steps],
  load: async ({ m, scope, bounds }) => {
    const s = operationInScope(scope);
    const b = bucketSql('h.at', bounds);
    const { rows } = await sql<{ b: unknown; event: string; c: unknown }>(
      m,
      `SELECT ${b.sql} AS b, h.event AS event, COUNT(*) AS c
         FROM workflow_history h JOIN operations o ON o.id = h.instance_id
        WHERE h.brigade_id = ? AND h.event IN ('CREATE', 'FILE', 'RETURN', 'CANCEL') AND h.at >= ? AND h.at < ? AND ${s.sql}
        GROUP BY b, h.event`,
      [...b.params, scope.brigadeId, bounds[0], bounds[bounds.length - 1], ...s.params],
    );
    const name: Record<string, string> = { CREATE: 'drafts', FILE: 'filings', RETURN: 'returns', CANCEL: 'cancellations' };
    const out = byBucket(bounds, rows, (f, r) => add(f, name[r.event], r.c));
    for (const f of out) for (const k of Object.values(name)) f[k] ??= 0;
    return out;
  },
};

/**
 * Where operations wait longest: for the operations that began in the
 * period, the hours spent in each state (each step's time to the next step),
 * the number of stays and of operations.
 */
const dwellFacts: FactSource = {
  name: 'dwell',
  cacheable: true,
  touched: [TOUCHED.start],
  load: async ({ m, scope, bounds, dbKind }) => {
    const s = operationInScope(scope);
    const b = bucketSql('o.actual_start', bounds);
    // When each step happened (a holding period ends at its due time, not when the job noticed).
    const hours = dbKind === 'sqlite' ? '(julianday(nx.effective_at) - julianday(h.effective_at)) * 24.0' : 'TIMESTAMPDIFF(SECOND, h.effective_at, nx.effective_at) / 3600.0';
    // Each step's time to the next (history's seq runs 1, 2, 3 … per instance): a join on the unique (instance, seq), cheaper than a window.
    const { rows } = await sql<{ b: unknown; state: string; hours: unknown; stays: unknown; ops: unknown }>(
      m,
      `SELECT ${b.sql} AS b, h.to_state AS state, SUM(${hours}) AS hours, COUNT(*) AS stays, COUNT(DISTINCT h.instance_id) AS ops
         FROM operations o
         JOIN workflow_history h ON h.instance_id = o.id
         JOIN workflow_history nx ON nx.instance_id = h.instance_id AND nx.seq = h.seq + 1
        WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND ${s.sql}
          AND h.to_state IN (${DWELL_STATES.map(() => '?').join(', ')})
        GROUP BY b, h.to_state`,
      [...b.params, scope.brigadeId, bounds[0], bounds[bounds.length - 1], ...s.params, ...DWELL_STATES],
    );
    return byBucket(bounds, rows, (f, r) => {
      f[`dwell_${r.state}_hours`] = (f[`dwell_${r.state}_hours`] ?? 0) + (Number(r.hours) || 0);
      add(f, `dwell_${r.state}_stays`, r.stays);
      add(f, `dwell_${r.state}_ops`, r.ops);
    });
  },
};

/** SPEC §4: flags raised and resolved in the period (the scope's: its group, or naming its squad). Read live. */
const flagFacts: FactSource = {
  name: 'flags',
  cacheable: false,
  load: async ({ m, scope, bounds }) => {
    const cond = scope.kind === 'group' ? 'AND f.group_id = ?' : scope.kind === 'squad' ? 'AND f.squad_id = ?' : '';
    const params = scope.kind === 'group' ? [scope.group!.id] : scope.kind === 'squad' ? [scope.squad!.id] : [];
    const first = bounds[0];
    const last = bounds[bounds.length - 1];
    const raised = bucketSql('f.raised_at', bounds);
    const resolved = bucketSql('f.resolved_at', bounds);
    const [r1, r2] = await Promise.all([
      sql<{ b: unknown; c: unknown }>(
        m,
        `SELECT ${raised.sql} AS b, COUNT(*) AS c FROM flags f WHERE f.brigade_id = ? ${cond} AND f.raised_at >= ? AND f.raised_at < ? GROUP BY b`,
        [...raised.params, scope.brigadeId, ...params, first, last],
      ),
      sql<{ b: unknown; c: unknown }>(
        m,
        `SELECT ${resolved.sql} AS b, COUNT(*) AS c FROM flags f WHERE f.brigade_id = ? ${cond} AND f.status <> 'open' AND f.resolved_at >= ? AND f.resolved_at < ? GROUP BY b`,
        [...resolved.params, scope.brigadeId, ...params, first, last],
      ),
    ]);
    const out = byBucket(bounds, r1.rows, (f, r) => add(f, 'flags_raised', r.c));
    r2.rows.forEach((r) => add(out[n(r.b)], 'flags_resolved', r.c));
    for (const f of out) {
      f.flags_raised ??= 0;
      f.flags_resolved ??= 0;
    }
    return out;
  },
};

/** Every area's facts; an area added later (hard problems, detained goods) appends its source. */
/** SQL that keeps a detained item (alias `gi`) to the scope: by its custodian squad (R13: the squad that processes it). */
export function goodsInScope(s: FigureScope): { sql: string; params: unknown[] } {
  if (s.kind === 'squad') return { sql: 'gi.custodian_squad_id = ?', params: [s.squad!.id] };
  if (s.kind === 'group') return { sql: 'gi.custodian_squad_id IN (SELECT gq.id FROM squads gq WHERE gq.group_id = ?)', params: [s.group!.id] };
  return { sql: '1 = 1', params: [] };
}

/**
 * R13: detained items registered in the period, returned, confiscated and
 * disposed of in it (by the step's time), and still held at its end — a
 * stock, not a flow: `goods_held_at_end` of a run of months is the last
 * month's (sumFacts). Every instant here is a workflow step's own time.
 */
const goodsFacts: FactSource = {
  name: 'goods',
  cacheable: true,
  touched: [TOUCHED.goods],
  load: async ({ m, scope, bounds }) => {
    const g = goodsInScope(scope);
    const first = bounds[0];
    const last = bounds[bounds.length - 1];
    const reg = bucketSql('gi.registered_at', bounds);
    const closed = bucketSql('gi.closed_at', bounds);
    const [registered, outcomes, before] = await Promise.all([
      sql<{ b: unknown; c: unknown }>(
        m,
        `SELECT ${reg.sql} AS b, COUNT(*) AS c FROM goods_items gi WHERE gi.brigade_id = ? AND gi.registered_at >= ? AND gi.registered_at < ? AND ${g.sql} GROUP BY b`,
        [...reg.params, scope.brigadeId, first, last, ...g.params],
      ),
      sql<{ b: unknown; state: string; c: unknown }>(
        m,
        `SELECT ${closed.sql} AS b, gi.state AS state, COUNT(*) AS c FROM goods_items gi
          WHERE gi.brigade_id = ? AND gi.closed_at >= ? AND gi.closed_at < ? AND gi.state IN ('returned', 'confiscated', 'disposed') AND ${g.sql} GROUP BY b, gi.state`,
        [...closed.params, scope.brigadeId, first, last, ...g.params],
      ),
      sql<{ c: unknown }>(
        m,
        `SELECT COUNT(*) AS c FROM goods_items gi WHERE gi.brigade_id = ? AND gi.registered_at < ? AND (gi.closed_at IS NULL OR gi.closed_at >= ?) AND ${g.sql}`,
        [scope.brigadeId, first, first, ...g.params],
      ),
    ]);
    const out = byBucket(bounds, registered.rows, (f, r) => add(f, 'goods_registered', r.c));
    for (const r of outcomes.rows) add(out[n(r.b)], `goods_${r.state}`, r.c);
    // Held at each month's end: held at the first month's start, plus what came in, less what went out, month by month.
    let held = n(before.rows[0]?.c);
    for (const f of out) {
      for (const k of ['goods_registered', 'goods_returned', 'goods_confiscated', 'goods_disposed']) f[k] ??= 0;
      held += f.goods_registered - f.goods_returned - f.goods_confiscated - f.goods_disposed;
      f.goods_held_at_end = held;
    }
    return out;
  },
};

export const FACT_SOURCES: FactSource[] = [operationFacts, incidentFacts, auditFacts, timeLimitFacts, changeFacts, dwellFacts, goodsFacts, flagFacts];

// R15: hard problems resolved (and reported), §3.4.
import { problemFacts } from './problem-facts';
FACT_SOURCES.push(problemFacts);

/** Facts summed over buckets (or months). */
/** The facts of a run of months (in order): flows add up; a stock (`…_at_end`) is the last month's. */
export function sumFacts(parts: Facts[]): Facts {
  const out: Facts = {};
  for (const f of parts) for (const [k, v] of Object.entries(f)) out[k] = k.endsWith('_at_end') ? v : (out[k] ?? 0) + v;
  return out;
}
