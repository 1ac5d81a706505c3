import type { EntityManager } from 'typeorm';
import { readDate } from '../../persistence/sql';
import type { DrillRow } from './figures.service';
import {
  type DrillAsk,
  type DrillOperationRow,
  type OfOperationColumns,
  type PlanNumberColumns,
  type ResultSumRow,
  drillAudits,
  drillChanges,
  drillFlags,
  drillGoods,
  drillIdle,
  drillIncidents,
  drillLimits,
  drillOperations,
  problemsReported,
  resultSums,
} from './figures.queries';
import type { DrillKind, Indicator } from './indicators';
import { heldResolutions, problemsInScope, resolutionSteps } from './problem-facts';

/** A drill-down's question: the figure's indicator, and the instant "overdue" is judged at. */
export interface DrillContext extends DrillAsk {
  indicator: Indicator;
  now: Date;
}

/**
 * Where one kind of figure's records come from: `read` gives the page's rows
 * (newest first, one more than the page), `row` what one of them adds to the
 * figure and why. The rows of a page add up to the figure.
 */
export interface DrillSource<R = unknown> {
  read(m: EntityManager, ask: DrillContext): Promise<R[]>;
  row(r: R, ask: DrillContext): DrillRow;
}

/** A source whose `row` reads the rows its `read` gives (the table below holds sources of every row type). */
const source = <R>(s: DrillSource<R>): DrillSource => s as DrillSource;

const COMPLETED = ['holding', 'awaiting_audit', 'closed'];
const RESULT_COLUMN: Record<string, keyof Omit<ResultSumRow, 'id'>> = {
  person_times: 'officers',
  vehicle_times: 'vehicles',
  educated: 'educated',
  handled: 'handled',
};

/** The brigade's number of an operation's plan from a row's `number_year`, `number_seq` (null for a draft never filed). */
function numberFrom(r: PlanNumberColumns): { year: number; seq: number } | null {
  return r.number_seq === null || r.number_seq === undefined
    ? null
    : { year: Number(r.number_year), seq: Number(r.number_seq) };
}

/** An operation's row as every operations drill-down shows it, with what it adds and why. */
function operationRow(r: DrillOperationRow, value: number, why: DrillRow['why']): DrillRow {
  return {
    id: Number(r.id),
    link: `/operations/${r.id}`,
    at: readDate(r.actual_start),
    title: String(r.title),
    number: numberFrom(r),
    value,
    why,
    state: String(r.state),
  };
}

/** A record of an operation (incident, audit, time limit, step): linked to the operation, titled by it. */
function ofOperation(r: OfOperationColumns, at: unknown, value: number, why: DrillRow['why']): DrillRow {
  return {
    id: Number(r.id),
    link: `/operations/${r.op}`,
    at: readDate(at),
    title: String(r.title),
    number: numberFrom(r),
    value,
    why,
  };
}

const hoursOf = (r: Pick<DrillOperationRow, 'actual_hours'>) =>
  r.actual_hours === null ? '—' : Number(r.actual_hours);
const completed = (r: Pick<DrillOperationRow, 'state'>) => COMPLETED.includes(String(r.state));

export const DRILL_SOURCES: Record<DrillKind, DrillSource> = {
  operations: source({
    read: (m, ask) => drillOperations(m, ask, { lateOnly: false }),
    row: (r) =>
      operationRow(r, 1, { key: 'why.operation_began', params: { state: String(r.state), hours: hoursOf(r) } }),
  }),
  qualifying: source({
    read: (m, ask) => drillOperations(m, ask, { lateOnly: false }),
    row: (r) => {
      const hours = hoursOf(r);
      const counts = completed(r) && Number(r.counts) === 1;
      if (counts) return operationRow(r, 1, { key: 'why.qualifies', params: { hours } });
      return operationRow(r, 0, {
        key: `why.not_${!completed(r) ? 'completed' : r.kind === 'ad_hoc' ? 'ad_hoc' : 'short'}`,
        params: { hours },
      });
    },
  }),
  // R6: late entries are the operations whose start was recorded long after it happened.
  late_entries: source({
    read: (m, ask) => drillOperations(m, ask, { lateOnly: true }),
    row: (r) => operationRow(r, 1, { key: 'why.late_entry', params: { hours: Number(r.late_entry_hours) } }),
  }),
  // The page of operations first (in the order of the index on the actual start), then their result lines in the scope.
  results: source({
    async read(m, ask) {
      const ops = await drillOperations(m, ask, { lateOnly: false });
      const sums = await resultSums(
        m,
        ask.scope,
        ops.map((r) => r.id),
      );
      return ops.map((r) => ({ ...r, sums: sums.get(Number(r.id)) }));
    },
    row: (r, ask) => {
      if (!completed(r)) return operationRow(r, 0, { key: 'why.not_completed', params: { hours: hoursOf(r) } });
      const value = Number(r.sums?.[RESULT_COLUMN[ask.indicator.id]] ?? 0);
      return operationRow(r, value, { key: 'why.result_lines', params: { value } });
    },
  }),
  // 出勤不出力: a completed operation's result line with officers sent and nothing educated or handled.
  idle: source({
    read: drillIdle,
    row: (r) => ({
      id: Number(r.id),
      link: `/operations/${r.id}`,
      at: readDate(r.at),
      title: String(r.title),
      number: numberFrom(r),
      value: Number(r.idle_lines),
      why: {
        key: 'why.idle',
        params: {
          squad: String(r.squad),
          squadEn: String(r.squad_en),
          others: Number(r.squads) - 1,
          officers: Number(r.officers),
        },
      },
    }),
  }),
  incidents: source({
    read: (m, ask) => drillIncidents(m, ask, { seriousOnly: ask.indicator.id === 'incidents_serious' }),
    row: (r) =>
      ofOperation(r, r.at, 1, { key: 'why.incident', params: { type: String(r.type), severity: String(r.severity) } }),
  }),
  audits: source({
    read: drillAudits,
    row: (r) => ofOperation(r, r.at, r.kind === 'audit_pass' ? 1 : 0, { key: `why.${r.kind}`, params: {} }),
  }),
  limits: source({
    read: (m, ask) => drillLimits(m, ask, ask.indicator.id.replace('ontime_', ''), ask.now),
    row: (r) => {
      const met = r.closed !== null && r.outcome === 'met';
      return ofOperation(r, r.due, met ? 1 : 0, {
        key: met ? 'why.limit_met' : r.closed === null ? 'why.limit_open_late' : 'why.limit_late',
        params: {},
      });
    },
  }),
  changes: source({
    read: (m, ask) => drillChanges(m, ask, changeEvent(ask.indicator)),
    row: (r, ask) => {
      const payload = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { reason?: string } | null;
      const key = changeEvent(ask.indicator) === 'RETURN' ? 'why.returned' : 'why.cancelled';
      return ofOperation(r, r.at, 1, { key, params: { reason: payload?.reason ?? '', actor: String(r.actor) } });
    },
  }),
  flags: source({
    read: (m, ask) => drillFlags(m, ask, { resolved: ask.indicator.id !== 'flags_raised' }),
    row: (r) => ({
      id: Number(r.id),
      link: `/flags/${r.id}`,
      at: readDate(r.at),
      title: `${r.rule} · ${r.fperiod}`,
      value: 1,
      why: { key: 'why.flag', params: { kind: String(r.kind), status: String(r.status) } },
    }),
  }),
  // R15: the problems behind the figure, newest first (in memory: a brigade has dozens a year, not thousands).
  problems: source({
    async read(m, ask) {
      let rows: DrillRow[];
      if (ask.indicator.id === 'problems_resolved') {
        const held = heldResolutions(await resolutionSteps(m, ask.scope, ask.period.start, ask.period.end));
        rows = held.map((h) => ({
          id: h.problemId,
          link: `/problems/${h.problemId}`,
          at: h.at,
          title: `#${h.problemId} ${h.title}`,
          value: 1,
          why: { key: 'why.problem_resolved', params: {} },
        }));
      } else {
        const reported = await problemsReported(m, ask.scope.brigadeId, ask.period);
        const inScope = await problemsInScope(m, ask.scope);
        rows = reported
          .filter((r) => inScope.has(Number(r.id)))
          .map((r) => ({
            id: Number(r.id),
            link: `/problems/${r.id}`,
            at: readDate(r.reported_at),
            title: `#${r.id} ${r.title}`,
            value: 1,
            why: { key: 'why.problem_reported', params: { state: String(r.state) } },
          }));
      }
      rows.sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0) || b.id - a.id);
      const after = ask.after;
      if (after)
        rows = rows.filter(
          (r) =>
            (r.at?.getTime() ?? 0) < after.at.getTime() ||
            ((r.at?.getTime() ?? 0) === after.at.getTime() && r.id < after.id),
        );
      return rows.slice(0, ask.take);
    },
    row: (r) => r,
  }),
  // R13: the items themselves; "held" are those registered before the period's end and not dealt with by then.
  goods: source({
    read: (m, ask) => drillGoods(m, ask, goodsOutcome(ask.indicator)),
    row: (r, ask) => ({
      id: Number(r.id),
      link: `/goods/${r.id}`,
      at: readDate(r.at),
      title: `${r.description}（${Number(r.quantity)} ${r.unit}）`,
      value: 1,
      why: {
        key: `why.goods_${goodsOutcome(ask.indicator)}`,
        params: {
          party: String(r.party),
          squad: String(r.squad),
          squadEn: String(r.squad_en),
          goodsState: String(r.state),
        },
      },
    }),
  }),
};

function changeEvent(indicator: Indicator): 'RETURN' | 'CANCEL' {
  return indicator.id.startsWith('return') ? 'RETURN' : 'CANCEL';
}

function goodsOutcome(indicator: Indicator): string {
  return indicator.id.replace('goods_', '');
}
