import type { Config } from '../../../config';
import type { Clock } from '../../clock';
import { NotFoundError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { readDate, sql } from '../../persistence/sql';
import type { Principal } from '../org/org.service';
import { decodeCursor, encodeCursor } from '../operations/operation.service';
import { type FigurePeriod, figurePeriod, monthRange, previousPeriod, samePeriodLastYear } from './figure-period';
import { loadFacts, operationFacts } from './facts';
import { type SquadAssessment, assessSquads } from './assessment';
import { INDICATORS, type Indicator, type IndicatorValue, evaluate } from './indicators';
import { type FigureScope, figureScope, lineInScope, operationInScope } from './scope';

export interface FigureRow {
  indicator: Indicator;
  current: IndicatorValue;
  previous: IndicatorValue;
  lastYear: IndicatorValue;
}

/** Which period: `period` (YYYY, YYYY-Qn, YYYY-MM), or `from`/`to` months. */
export interface PeriodQuery {
  period?: string;
  from?: string;
  to?: string;
}

export function periodOf(q: PeriodQuery, timeZone: string): FigurePeriod {
  if (q.from || q.to) return monthRange(q.from ?? q.to!, q.to ?? q.from!, timeZone);
  return figurePeriod(q.period ?? '', timeZone);
}

export interface FiguresView {
  scope: FigureScope;
  period: FigurePeriod;
  previous: FigurePeriod;
  lastYear: FigurePeriod;
  rows: FigureRow[];
}

/** One record behind a figure, and why it counts (or not) toward it. */
export interface DrillRow {
  id: number;
  /** The record's page. */
  link: string;
  at: Date | null;
  title: string;
  /** What it adds to the figure (1 for a counted record; its share of a sum; 0 when it is listed but does not count). */
  value: number;
  /** Why: a dictionary key under `why.` and its values. */
  why: { key: string; params: Record<string, string | number> };
  state?: string;
}

export interface DrillPage {
  indicator: Indicator;
  scope: FigureScope;
  period: FigurePeriod;
  rows: DrillRow[];
  nextCursor: string | null;
}

const COMPLETED = ['holding', 'awaiting_audit', 'closed'];
const RESULT_COLUMN: Record<string, string> = { person_times: 'officers', vehicle_times: 'vehicles', educated: 'educated', handled: 'handled' };

/**
 * Figures (SPEC §5, R15): every indicator for a scope and period, beside the
 * previous period and the same period last year; and for each, the records
 * that make it. A handful of aggregate statements per period, whatever the
 * number of groups, squads or operations.
 */
export class FiguresService {
  constructor(
    private readonly db: Database,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {}

  indicator(id: string): Indicator {
    const ind = INDICATORS.find((i) => i.id === id);
    if (!ind) throw new NotFoundError(`No indicator ${id}`);
    return ind;
  }

  async view(p: Principal, q: PeriodQuery & { group?: string; squad?: string }): Promise<FiguresView> {
    const m = this.db.manager;
    const period = periodOf(q, p.timeZone);
    const scope = await figureScope(m, p, q);
    const previous = previousPeriod(period, p.timeZone);
    const lastYear = samePeriodLastYear(period, p.timeZone);
    const now = this.clock.now();
    const [cur, prev, ly] = await Promise.all([period, previous, lastYear].map((per) => loadFacts({ m, scope, period: per, now })));
    const min = this.config.figures.minSample;
    const values = [cur, prev, ly].map((f) => evaluate(INDICATORS, f, min));
    return {
      scope,
      period,
      previous,
      lastYear,
      rows: INDICATORS.map((indicator, i) => ({ indicator, current: values[0][i], previous: values[1][i], lastYear: values[2][i] })),
    };
  }

  /** Results month by month (for the chart "results over time"): one statement a month. */
  async monthlyResults(p: Principal, q: PeriodQuery & { group?: string; squad?: string }, months: string[]): Promise<Array<{ month: string; facts: Record<string, number> }>> {
    const m = this.db.manager;
    const scope = await figureScope(m, p, q);
    const now = this.clock.now();
    return Promise.all(months.map(async (month) => ({ month, facts: await operationFacts({ m, scope, period: figurePeriod(month, p.timeZone), now }) })));
  }

  /**
   * Where operations wait longest: the average hours spent in each state by the
   * operations that began in the period (from their history: each step's time
   * to the next step).
   */
  async stateDwell(p: Principal, q: PeriodQuery & { group?: string; squad?: string }): Promise<Array<{ state: string; hours: number; operations: number }>> {
    const m = this.db.manager;
    const period = periodOf(q, p.timeZone);
    const scope = await figureScope(m, p, q);
    const s = operationInScope(scope);
    const hours = this.db.kind === 'sqlite' ? '(julianday(next_at) - julianday(at)) * 24.0' : 'TIMESTAMPDIFF(SECOND, at, next_at) / 3600.0';
    const { rows } = await sql<{ state: string; hours: unknown; ops: unknown }>(
      m,
      `SELECT to_state AS state, AVG(${hours}) AS hours, COUNT(DISTINCT instance_id) AS ops FROM (
         SELECT h.instance_id, h.to_state, h.at, LEAD(h.at) OVER (PARTITION BY h.instance_id ORDER BY h.seq) AS next_at
           FROM workflow_history h JOIN operations o ON o.id = h.instance_id
          WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND ${s.sql}
       ) steps
       WHERE next_at IS NOT NULL AND to_state <> 'cancelled'
       GROUP BY to_state`,
      [scope.brigadeId, period.start, period.end, ...s.params],
    );
    const order = ['draft', 'filed', 'approved', 'in_progress', 'holding', 'awaiting_audit'];
    return rows
      .filter((r) => order.includes(r.state))
      .map((r) => ({ state: r.state, hours: Math.round(Number(r.hours) * 10) / 10, operations: Number(r.ops) }))
      .sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state));
  }

  /** R14: the annual assessment of every squad, best first, each score with how it was reached. */
  assessment(p: Principal, year: number): Promise<SquadAssessment[]> {
    return assessSquads(this.db, this.config, p, year, this.clock.now());
  }

  /** Every record behind one figure (for an export), page after page. */
  async drillAll(p: Principal, q: PeriodQuery & { indicator: string; group?: string; squad?: string }): Promise<DrillPage> {
    let page = await this.drill(p, { ...q, limit: 500 });
    const rows = [...page.rows];
    while (page.nextCursor) {
      page = await this.drill(p, { ...q, limit: 500, cursor: page.nextCursor });
      rows.push(...page.rows);
    }
    return { ...page, rows, nextCursor: null };
  }

  /** The records behind one figure, newest first, a page at a time; their values add up to the figure. */
  async drill(p: Principal, q: PeriodQuery & { indicator: string; group?: string; squad?: string; cursor?: string; limit?: number }): Promise<DrillPage> {
    const indicator = this.indicator(q.indicator);
    const m = this.db.manager;
    const period = periodOf(q, p.timeZone);
    const scope = await figureScope(m, p, q);
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 500);
    const before = q.cursor ? decodeCursor(q.cursor) : null;
    const page = (rows: DrillRow[]) => ({
      indicator,
      scope,
      period,
      rows: rows.slice(0, limit),
      nextCursor: rows.length > limit ? encodeCursor(rows[limit - 1].id) : null,
    });
    const cursorSql = (col: string) => (before ? ` AND ${col} < ${Number(before)}` : '');
    const base = [scope.brigadeId, period.start, period.end];

    switch (indicator.drill) {
      case 'operations':
      case 'qualifying':
      case 'results': {
        const line = lineInScope(scope);
        const { rows } = await sql<Record<string, unknown>>(
          m,
          `SELECT o.id AS id, o.title AS title, o.kind AS kind, o.state AS state, o.actual_start AS actual_start, o.actual_hours AS actual_hours,
                  o.counts_toward_minimum AS counts, SUM(COALESCE(os.officers, 0)) AS officers, SUM(COALESCE(os.vehicles, 0)) AS vehicles,
                  SUM(COALESCE(os.educated, 0)) AS educated, SUM(COALESCE(os.handled, 0)) AS handled
             FROM operations o JOIN operation_squads os ON os.operation_id = o.id JOIN squads sq ON sq.id = os.squad_id
            WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.state <> 'cancelled' AND ${line.sql}${cursorSql('o.id')}
            GROUP BY o.id, o.title, o.kind, o.state, o.actual_start, o.actual_hours, o.counts_toward_minimum
            ORDER BY o.id DESC LIMIT ${limit + 1}`,
          [...base, ...line.params],
        );
        return page(
          rows.map((r) => {
            const completed = COMPLETED.includes(String(r.state));
            const hours = r.actual_hours === null ? '—' : Number(r.actual_hours);
            const counts = completed && Number(r.counts) === 1;
            let value = 1;
            let why: DrillRow['why'] = { key: 'why.operation_began', params: { state: String(r.state), hours } };
            if (indicator.drill === 'qualifying') {
              value = counts ? 1 : 0;
              why = counts
                ? { key: 'why.qualifies', params: { hours } }
                : { key: `why.not_${!completed ? 'completed' : r.kind === 'ad_hoc' ? 'ad_hoc' : 'short'}`, params: { hours } };
            } else if (indicator.drill === 'results') {
              const col = RESULT_COLUMN[indicator.id];
              value = completed ? Number(r[col] ?? 0) : 0;
              why = completed ? { key: 'why.result_lines', params: { value } } : { key: 'why.not_completed', params: { hours } };
            }
            return { id: Number(r.id), link: `/operations/${r.id}`, at: readDate(r.actual_start), title: String(r.title), value, why, state: String(r.state) };
          }),
        );
      }
      case 'incidents': {
        const s = operationInScope(scope);
        const serious = indicator.id === 'incidents_serious' ? " AND i.severity <> 'minor'" : '';
        const { rows } = await sql<Record<string, unknown>>(
          m,
          `SELECT i.id AS id, i.type AS type, i.severity AS severity, i.occurred_at AS at, o.id AS op, o.title AS title
             FROM operation_incidents i JOIN operations o ON o.id = i.operation_id
            WHERE i.brigade_id = ? AND i.occurred_at >= ? AND i.occurred_at < ?${serious} AND ${s.sql}${cursorSql('i.id')}
            ORDER BY i.id DESC LIMIT ${limit + 1}`,
          [...base, ...s.params],
        );
        return page(
          rows.map((r) => ({
            id: Number(r.id),
            link: `/operations/${r.op}`,
            at: readDate(r.at),
            title: `#${r.op} ${r.title}`,
            value: 1,
            why: { key: 'why.incident', params: { type: String(r.type), severity: String(r.severity) } },
          })),
        );
      }
      case 'audits': {
        const s = operationInScope(scope);
        const { rows } = await sql<Record<string, unknown>>(
          m,
          `SELECT h.id AS id, h.kind AS kind, h.at AS at, o.id AS op, o.title AS title
             FROM holding_records h JOIN operations o ON o.id = h.operation_id
            WHERE h.brigade_id = ? AND h.kind IN ('audit_pass', 'audit_fail') AND h.at >= ? AND h.at < ? AND ${s.sql}${cursorSql('h.id')}
            ORDER BY h.id DESC LIMIT ${limit + 1}`,
          [...base, ...s.params],
        );
        return page(
          rows.map((r) => ({
            id: Number(r.id),
            link: `/operations/${r.op}`,
            at: readDate(r.at),
            title: `#${r.op} ${r.title}`,
            value: r.kind === 'audit_pass' ? 1 : 0,
            why: { key: `why.${r.kind}`, params: {} },
          })),
        );
      }
      case 'limits': {
        const kind = indicator.id.replace('ontime_', '');
        const s = operationInScope(scope);
        const { rows } = await sql<Record<string, unknown>>(
          m,
          `SELECT d.id AS id, d.due_at AS due, d.closed_at AS closed, d.outcome AS outcome, o.id AS op, o.title AS title
             FROM workflow_deadlines d JOIN operations o ON o.id = d.instance_id
            WHERE d.brigade_id = ? AND d.workflow = 'operation' AND d.kind = ? AND d.due_at >= ? AND d.due_at < ? AND ${s.sql}${cursorSql('d.id')}
              AND (d.closed_at IS NOT NULL OR d.due_at < ?)
            ORDER BY d.id DESC LIMIT ${limit + 1}`,
          [scope.brigadeId, kind, period.start, period.end, ...s.params, this.clock.now()],
        );
        return page(
          rows.map((r) => {
            const met = r.closed !== null && r.outcome === 'met';
            return {
              id: Number(r.id),
              link: `/operations/${r.op}`,
              at: readDate(r.due),
              title: `#${r.op} ${r.title}`,
              value: met ? 1 : 0,
              why: { key: met ? 'why.limit_met' : r.closed === null ? 'why.limit_open_late' : 'why.limit_late', params: {} },
            };
          }),
        );
      }
      case 'changes': {
        const s = operationInScope(scope);
        const event = indicator.id.startsWith('return') ? 'RETURN' : 'CANCEL';
        const { rows } = await sql<Record<string, unknown>>(
          m,
          `SELECT h.id AS id, h.at AS at, h.payload AS payload, h.actor_name AS actor, o.id AS op, o.title AS title
             FROM workflow_history h JOIN operations o ON o.id = h.instance_id
            WHERE o.brigade_id = ? AND h.event = ? AND h.at >= ? AND h.at < ? AND ${s.sql}${cursorSql('h.id')}
            ORDER BY h.id DESC LIMIT ${limit + 1}`,
          [scope.brigadeId, event, period.start, period.end, ...s.params],
        );
        return page(
          rows.map((r) => {
            const payload = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { reason?: string } | null;
            return {
              id: Number(r.id),
              link: `/operations/${r.op}`,
              at: readDate(r.at),
              title: `#${r.op} ${r.title}`,
              value: 1,
              why: { key: event === 'RETURN' ? 'why.returned' : 'why.cancelled', params: { reason: payload?.reason ?? '', actor: String(r.actor) } },
            };
          }),
        );
      }
      case 'flags': {
        const cond = scope.kind === 'group' ? 'AND f.group_id = ?' : scope.kind === 'squad' ? 'AND f.squad_id = ?' : '';
        const params = scope.kind === 'group' ? [scope.group!.id] : scope.kind === 'squad' ? [scope.squad!.id] : [];
        const col = indicator.id === 'flags_raised' ? 'f.raised_at' : 'f.resolved_at';
        const extra = indicator.id === 'flags_resolved' ? " AND f.status <> 'open'" : '';
        const { rows } = await sql<Record<string, unknown>>(
          m,
          `SELECT f.id AS id, f.rule AS rule, f.kind AS kind, f.period AS fperiod, f.status AS status, ${col} AS at
             FROM flags f WHERE f.brigade_id = ? AND ${col} >= ? AND ${col} < ? ${cond}${extra}${cursorSql('f.id')}
            ORDER BY f.id DESC LIMIT ${limit + 1}`,
          [...base, ...params],
        );
        return page(
          rows.map((r) => ({
            id: Number(r.id),
            link: `/flags/${r.id}`,
            at: readDate(r.at),
            title: `${r.rule} · ${r.fperiod}`,
            value: 1,
            why: { key: 'why.flag', params: { kind: String(r.kind), status: String(r.status) } },
          })),
        );
      }
      default:
        return page([]);
    }
  }
}
