import type { Config } from '../../../config';
import type { Clock } from '../../clock';
import { NotFoundError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { readDate, sql } from '../../persistence/sql';
import type { Principal } from '../org/org.service';
import { assertMayReadFigures } from './figures.policy';
import { type FigurePeriod, figurePeriod, monthRange, monthsOfPeriod, previousPeriod, samePeriodLastYear } from './figure-period';
import { DWELL_STATES, FACT_SOURCES, type Facts, goodsInScope, sumFacts } from './facts';
import { type SquadAssessment, assessSquads } from './assessment';
import { type FactSet, MonthFacts } from './month-facts';
import { INDICATORS, type Indicator, type IndicatorValue, evaluate } from './indicators';
import { type FigureScope, figureScope, lineInScope, operationInScope } from './scope';
import { heldResolutions, problemsInScope, resolutionSteps } from './problem-facts';

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
  /** The raw facts of the period (for the charts). */
  facts: Facts;
  /** When the month in progress was computed, if it was read from a recent computation (figures.liveMonthSeconds); null: as of now. */
  asOf: Date | null;
}

/** The figures of a brigade, group or squad. */
export const SCOPE_SET: FactSet = {
  name: 'scope',
  sources: FACT_SOURCES,
  scopeKey: (s) => (s.kind === 'squad' ? `squad:${s.squad!.id}` : s.kind === 'group' ? `group:${s.group!.id}` : 'brigade'),
};

/**
 * Where operations wait longest (from a period's facts): the average hours an
 * operation spends in each state in all (a step that stays in the state — a
 * holding check — does not start a new stay; a failed audit's second holding
 * adds to the first), and how many operations were in it.
 */
export function dwellOf(f: Facts): Array<{ state: string; hours: number; operations: number }> {
  return DWELL_STATES.filter((s) => (f[`dwell_${s}_ops`] ?? 0) > 0).map((s) => ({
    state: s,
    hours: Math.round((f[`dwell_${s}_hours`] / f[`dwell_${s}_ops`]) * 10) / 10,
    operations: f[`dwell_${s}_ops`] ?? 0,
  }));
}

/** One record behind a figure, and why it counts (or not) toward it. */
export interface DrillRow {
  id: number;
  /** The record's page. */
  link: string;
  at: Date | null;
  title: string;
  /** The brigade's number of the operation's plan, when the record is (of) an operation. */
  number?: { year: number; seq: number } | null;
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
  private readonly monthFacts: MonthFacts;

  constructor(
    private readonly db: Database,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {
    this.monthFacts = new MonthFacts(db, clock, config.figures.liveMonthSeconds);
  }

  indicator(id: string): Indicator {
    const ind = INDICATORS.find((i) => i.id === id);
    if (!ind) throw new NotFoundError(`No indicator ${id}`);
    return ind;
  }

  async view(p: Principal, q: PeriodQuery & { group?: string; squad?: string }): Promise<FiguresView> {
    assertMayReadFigures(p);
    const m = this.db.manager;
    const period = periodOf(q, p.timeZone);
    const scope = await figureScope(m, p, q);
    const previous = previousPeriod(period, p.timeZone);
    const lastYear = samePeriodLastYear(period, p.timeZone);
    // The three periods' months asked at once: kept months are read, the others computed a run at a time.
    const periods = [period, previous, lastYear].map(monthsOfPeriod);
    const all = periods.flat();
    const { facts: byMonth, asOf } = await this.monthFacts.monthsAsOf(SCOPE_SET, scope, all);
    const factsOf = (months: string[]) => sumFacts(months.map((mo) => byMonth[all.indexOf(mo)]));
    const [cur, prev, ly] = periods.map(factsOf);
    // R15, §3.4: "resolved and not reopened within the period" is not a sum of months (a problem resolved in
    // January, reopened and resolved again in March counts once in the year): count it over each whole period.
    const problems = await problemsInScope(m, scope);
    const held = await Promise.all([period, previous, lastYear].map(async (pp) => heldResolutions(await resolutionSteps(m, scope, pp.start, pp.end, problems)).length));
    [cur, prev, ly].forEach((f, i) => (f.problems_resolved = held[i]));
    const min = this.config.figures.minSample;
    const values = [cur, prev, ly].map((f) => evaluate(INDICATORS, f, min));
    return {
      scope,
      period,
      previous,
      lastYear,
      rows: INDICATORS.map((indicator, i) => ({ indicator, current: values[0][i], previous: values[1][i], lastYear: values[2][i] })),
      facts: cur,
      asOf,
    };
  }

  /** The facts month by month (for the charts of results over time). */
  async monthly(p: Principal, q: { group?: string; squad?: string }, months: string[]): Promise<Array<{ month: string; facts: Facts }>> {
    assertMayReadFigures(p);
    const scope = await figureScope(this.db.manager, p, q);
    const facts = await this.monthFacts.months(SCOPE_SET, scope, months);
    return months.map((month, i) => ({ month, facts: facts[i] }));
  }

  /** R14: the annual assessment of every squad, best first, each score with how it was reached. */
  async assessment(p: Principal, year: number): Promise<SquadAssessment[]> {
    assertMayReadFigures(p);
    return assessSquads(this.db, this.monthFacts, this.config, p, year);
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

  /** The records behind one figure, newest first, a page at a time (keyset on the instant and id); their values add up to the figure. */
  async drill(p: Principal, q: PeriodQuery & { indicator: string; group?: string; squad?: string; cursor?: string; limit?: number }): Promise<DrillPage> {
    assertMayReadFigures(p);
    const indicator = this.indicator(q.indicator);
    const m = this.db.manager;
    const period = periodOf(q, p.timeZone);
    const scope = await figureScope(m, p, q);
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 500);
    const after = q.cursor ? decodeDrillCursor(q.cursor) : null;
    const page = (rows: DrillRow[]): DrillPage => ({
      indicator,
      scope,
      period,
      rows: rows.slice(0, limit),
      nextCursor: rows.length > limit ? encodeDrillCursor(rows[limit - 1]) : null,
    });
    /** Newest first: (instant, id) strictly before the cursor's. */
    const keyset = (at: string, id: string) => (after ? { sql: ` AND (${at} < ? OR (${at} = ? AND ${id} < ?))`, params: [after.at, after.at, after.id] } : { sql: '', params: [] });
    const order = (at: string, id: string) => `ORDER BY ${at} DESC, ${id} DESC LIMIT ${limit + 1}`;
    const s = operationInScope(scope, 'o', { perRow: true });
    // MariaDB may walk a whole brigade's index backwards for ORDER BY … LIMIT instead of the period's range: name the index.
    const use = (index: string) => (this.db.kind === 'mysql' ? ` FORCE INDEX (${index})` : '');

    switch (indicator.drill) {
      case 'operations':
      case 'qualifying':
      case 'late_entries':
      case 'results': {
        // The page of operations first (in the order of the index on the actual start), then their result lines in the scope.
        const k = keyset('o.actual_start', 'o.id');
        // R6: late entries are the operations whose start was recorded long after it happened.
        const late = indicator.drill === 'late_entries' ? ' AND o.late_entry_hours IS NOT NULL' : '';
        const { rows: ops } = await sql<Record<string, unknown>>(
          m,
          `SELECT o.id AS id, o.number_year AS number_year, o.number_seq AS number_seq, o.title AS title, o.kind AS kind, o.state AS state, o.actual_start AS actual_start, o.actual_hours AS actual_hours, o.counts_toward_minimum AS counts,
                  o.late_entry_hours AS late_entry_hours
             FROM operations o${use('IDX_operations_brigade_actual_start')}
            WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.state <> 'cancelled' AND ${s.sql}${late}${k.sql}
            ${order('o.actual_start', 'o.id')}`,
          [scope.brigadeId, period.start, period.end, ...s.params, ...k.params],
        );
        const sums = new Map<number, Record<string, unknown>>();
        if (ops.length && indicator.drill === 'results') {
          const line = lineInScope(scope);
          const { rows } = await sql<Record<string, unknown>>(
            m,
            `SELECT os.operation_id AS id, SUM(COALESCE(os.officers, 0)) AS officers, SUM(COALESCE(os.vehicles, 0)) AS vehicles,
                    SUM(COALESCE(os.educated, 0)) AS educated, SUM(COALESCE(os.handled, 0)) AS handled
               FROM operation_squads os JOIN squads sq ON sq.id = os.squad_id
              WHERE os.operation_id IN (${ops.map(() => '?').join(', ')}) AND ${line.sql}
              GROUP BY os.operation_id`,
            [...ops.map((r) => r.id), ...line.params],
          );
          for (const r of rows) sums.set(Number(r.id), r);
        }
        return page(
          ops.map((r) => {
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
            } else if (indicator.drill === 'late_entries') {
              why = { key: 'why.late_entry', params: { hours: Number(r.late_entry_hours) } };
            } else if (indicator.drill === 'results') {
              const col = RESULT_COLUMN[indicator.id];
              value = completed ? Number(sums.get(Number(r.id))?.[col] ?? 0) : 0;
              why = completed ? { key: 'why.result_lines', params: { value } } : { key: 'why.not_completed', params: { hours } };
            }
            return { id: Number(r.id), link: `/operations/${r.id}`, at: readDate(r.actual_start), title: String(r.title), number: numberFrom(r), value, why, state: String(r.state) };
          }),
        );
      }
      case 'idle': {
        // 出勤不出力: a completed operation's result line with officers sent and nothing educated or handled.
        const line = lineInScope(scope);
        const k = keyset('o.actual_start', 'o.id');
        const { rows } = await sql<Record<string, unknown>>(
          m,
          `SELECT o.id AS id, o.number_year AS number_year, o.number_seq AS number_seq, o.title AS title, o.actual_start AS at, COUNT(*) AS idle_lines, SUM(os.officers) AS officers, MIN(sq.name) AS squad, MIN(sq.name_en) AS squad_en, COUNT(DISTINCT sq.id) AS squads
             FROM operations o${use('IDX_operations_brigade_actual_start')} JOIN operation_squads os ON os.operation_id = o.id JOIN squads sq ON sq.id = os.squad_id
            WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.state IN ('holding', 'awaiting_audit', 'closed') AND ${line.sql}
              AND COALESCE(os.officers, 0) > 0 AND COALESCE(os.educated, 0) + COALESCE(os.handled, 0) = 0${k.sql}
            GROUP BY o.id, o.number_year, o.number_seq, o.title, o.actual_start
            ${order('o.actual_start', 'o.id')}`,
          [scope.brigadeId, period.start, period.end, ...line.params, ...k.params],
        );
        return page(
          rows.map((r) => ({
            id: Number(r.id),
            link: `/operations/${r.id}`,
            at: readDate(r.at),
            title: String(r.title),
            number: numberFrom(r),
            value: Number(r.idle_lines),
            why: {
              key: 'why.idle',
              params: { squad: String(r.squad), squadEn: String(r.squad_en), others: Number(r.squads) - 1, officers: Number(r.officers) },
            },
          })),
        );
      }
      case 'incidents': {
        const serious = indicator.id === 'incidents_serious' ? " AND i.severity <> 'minor'" : '';
        const k = keyset('i.occurred_at', 'i.id');
        const { rows } = await sql<Record<string, unknown>>(
          m,
          `SELECT i.id AS id, i.type AS type, i.severity AS severity, i.occurred_at AS at, o.id AS op, o.number_year AS number_year, o.number_seq AS number_seq, o.title AS title
             FROM operation_incidents i${use('IDX_operation_incidents_brigade_occurred')} JOIN operations o ON o.id = i.operation_id
            WHERE i.brigade_id = ? AND i.occurred_at >= ? AND i.occurred_at < ?${serious} AND ${s.sql}${k.sql}
            ${order('i.occurred_at', 'i.id')}`,
          [scope.brigadeId, period.start, period.end, ...s.params, ...k.params],
        );
        return page(
          rows.map((r) => ({
            id: Number(r.id),
            link: `/operations/${r.op}`,
            at: readDate(r.at),
            title: String(r.title),
            number: numberFrom(r),
            value: 1,
            why: { key: 'why.incident', params: { type: String(r.type), severity: String(r.severity) } },
          })),
        );
      }
      case 'audits': {
        const k = keyset('h.at', 'h.id');
        const { rows } = await sql<Record<string, unknown>>(
          m,
          `SELECT h.id AS id, h.kind AS kind, h.at AS at, o.id AS op, o.number_year AS number_year, o.number_seq AS number_seq, o.title AS title
             FROM holding_records h${use('IDX_holding_records_brigade_at')} JOIN operations o ON o.id = h.operation_id
            WHERE h.brigade_id = ? AND h.kind IN ('audit_pass', 'audit_fail') AND h.at >= ? AND h.at < ? AND ${s.sql}${k.sql}
            ${order('h.at', 'h.id')}`,
          [scope.brigadeId, period.start, period.end, ...s.params, ...k.params],
        );
        return page(
          rows.map((r) => ({
            id: Number(r.id),
            link: `/operations/${r.op}`,
            at: readDate(r.at),
            title: String(r.title),
            number: numberFrom(r),
            value: r.kind === 'audit_pass' ? 1 : 0,
            why: { key: `why.${r.kind}`, params: {} },
          })),
        );
      }
      case 'limits': {
        const kind = indicator.id.replace('ontime_', '');
        const k = keyset('d.due_at', 'd.id');
        const { rows } = await sql<Record<string, unknown>>(
          m,
          `SELECT d.id AS id, d.due_at AS due, d.closed_at AS closed, d.outcome AS outcome, o.id AS op, o.number_year AS number_year, o.number_seq AS number_seq, o.title AS title
             FROM workflow_deadlines d JOIN operations o ON o.id = d.instance_id
            WHERE d.brigade_id = ? AND d.workflow = 'operation' AND d.kind = ? AND d.due_at >= ? AND d.due_at < ? AND ${s.sql}
              AND ((d.closed_at IS NOT NULL AND d.outcome IN ('met', 'late')) OR (d.closed_at IS NULL AND d.due_at < ?))${k.sql}
            ${order('d.due_at', 'd.id')}`,
          [scope.brigadeId, kind, period.start, period.end, ...s.params, this.clock.now(), ...k.params],
        );
        return page(
          rows.map((r) => {
            const met = r.closed !== null && r.outcome === 'met';
            return {
              id: Number(r.id),
              link: `/operations/${r.op}`,
              at: readDate(r.due),
              title: String(r.title),
            number: numberFrom(r),
              value: met ? 1 : 0,
              why: { key: met ? 'why.limit_met' : r.closed === null ? 'why.limit_open_late' : 'why.limit_late', params: {} },
            };
          }),
        );
      }
      case 'changes': {
        const event = indicator.id.startsWith('return') ? 'RETURN' : 'CANCEL';
        const k = keyset('h.at', 'h.id');
        const { rows } = await sql<Record<string, unknown>>(
          m,
          `SELECT h.id AS id, h.at AS at, h.payload AS payload, h.actor_name AS actor, o.id AS op, o.number_year AS number_year, o.number_seq AS number_seq, o.title AS title
             FROM workflow_history h JOIN operations o ON o.id = h.instance_id
            WHERE h.brigade_id = ? AND h.event = ? AND h.at >= ? AND h.at < ? AND ${s.sql}${k.sql}
            ${order('h.at', 'h.id')}`,
          [scope.brigadeId, event, period.start, period.end, ...s.params, ...k.params],
        );
        return page(
          rows.map((r) => {
            const payload = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { reason?: string } | null;
            return {
              id: Number(r.id),
              link: `/operations/${r.op}`,
              at: readDate(r.at),
              title: String(r.title),
            number: numberFrom(r),
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
        const k = keyset(col, 'f.id');
        const { rows } = await sql<Record<string, unknown>>(
          m,
          `SELECT f.id AS id, f.rule AS rule, f.kind AS kind, f.period AS fperiod, f.status AS status, ${col} AS at
             FROM flags f WHERE f.brigade_id = ? AND ${col} >= ? AND ${col} < ? ${cond}${extra}${k.sql}
            ${order(col, 'f.id')}`,
          [scope.brigadeId, period.start, period.end, ...params, ...k.params],
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
      case 'problems': {
        // R15: the problems behind the figure, newest first (in memory: a brigade has dozens a year, not thousands).
        let rows: DrillRow[];
        if (indicator.id === 'problems_resolved') {
          const held = heldResolutions(await resolutionSteps(m, scope, period.start, period.end));
          rows = held.map((h) => ({ id: h.problemId, link: `/problems/${h.problemId}`, at: h.at, title: `#${h.problemId} ${h.title}`, value: 1, why: { key: 'why.problem_resolved', params: {} } }));
        } else {
          const { rows: reported } = await sql<{ id: number; title: string; reported_at: unknown; state: string }>(
            m,
            'SELECT id, title, reported_at, state FROM hard_problems WHERE brigade_id = ? AND reported_at >= ? AND reported_at < ?',
            [scope.brigadeId, period.start, period.end],
          );
          const inScope = await problemsInScope(m, scope);
          rows = reported
            .filter((r) => inScope.has(Number(r.id)))
            .map((r) => ({ id: Number(r.id), link: `/problems/${r.id}`, at: readDate(r.reported_at), title: `#${r.id} ${r.title}`, value: 1, why: { key: 'why.problem_reported', params: { state: String(r.state) } } }));
        }
        rows.sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0) || b.id - a.id);
        if (after) rows = rows.filter((r) => (r.at?.getTime() ?? 0) < after.at.getTime() || ((r.at?.getTime() ?? 0) === after.at.getTime() && r.id < after.id));
        return page(rows.slice(0, limit + 1));
      }
      case 'goods': {
        // R13: the items themselves; "held" are those registered before the period's end and not dealt with by then.
        const g = goodsInScope(scope);
        const outcome = indicator.id.replace('goods_', '');
        const held = outcome === 'held';
        const at = held || outcome === 'registered' ? 'gi.registered_at' : 'gi.closed_at';
        const where = held
          ? 'gi.registered_at < ? AND (gi.closed_at IS NULL OR gi.closed_at >= ?)'
          : outcome === 'registered'
            ? 'gi.registered_at >= ? AND gi.registered_at < ?'
            : 'gi.state = ? AND gi.closed_at >= ? AND gi.closed_at < ?';
        const params = held ? [period.end, period.end] : outcome === 'registered' ? [period.start, period.end] : [outcome, period.start, period.end];
        const k = keyset(at, 'gi.id');
        const { rows } = await sql<Record<string, unknown>>(
          m,
          `SELECT gi.id AS id, gi.description AS description, gi.quantity AS quantity, gi.unit AS unit, gi.state AS state, ${at} AS at,
                  gp.name AS party, sq.name AS squad, sq.name_en AS squad_en
             FROM goods_items gi JOIN goods_parties gp ON gp.id = gi.party_id JOIN squads sq ON sq.id = gi.custodian_squad_id
            WHERE gi.brigade_id = ? AND ${where} AND ${g.sql}${k.sql}
            ${order(at, 'gi.id')}`,
          [scope.brigadeId, ...params, ...g.params, ...k.params],
        );
        return page(
          rows.map((r) => ({
            id: Number(r.id),
            link: `/goods/${r.id}`,
            at: readDate(r.at),
            title: `${r.description}（${Number(r.quantity)} ${r.unit}）`,
            value: 1,
            why: { key: `why.goods_${outcome}`, params: { party: String(r.party), squad: String(r.squad), squadEn: String(r.squad_en), goodsState: String(r.state) } },
          })),
        );
      }
      default:
        return page([]);
    }
  }
}

/** A drill-down page's cursor: the instant and id of its last record. */
function encodeDrillCursor(row: DrillRow): string {
  return Buffer.from(JSON.stringify({ at: row.at?.toISOString() ?? null, id: row.id })).toString('base64url');
}

function decodeDrillCursor(cursor: string): { at: Date; id: number } {
  try {
    const { at, id } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { at: unknown; id: unknown };
    const when = typeof at === 'string' ? new Date(at) : null;
    if (when && !Number.isNaN(when.getTime()) && Number.isSafeInteger(id) && (id as number) > 0) return { at: when, id: id as number };
  } catch {
    // fall through
  }
  throw new ValidationError('The cursor is not valid', { cursor: 'invalid' });
}

/** The brigade's number of an operation's plan from a row's `number_year`, `number_seq` (null for a draft never filed). */
function numberFrom(r: Record<string, unknown>): { year: number; seq: number } | null {
  return r.number_seq === null || r.number_seq === undefined ? null : { year: Number(r.number_year), seq: Number(r.number_seq) };
}
