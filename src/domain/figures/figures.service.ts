import type { Config } from '../../../config';
import type { Clock } from '../../clock';
import { NotFoundError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import type { Principal } from '../org/org.service';
import { assertMayReadFigures } from './figures.policy';
import {
  type FigurePeriod,
  figurePeriod,
  monthRange,
  monthsOfPeriod,
  previousPeriod,
  samePeriodLastYear,
} from './figure-period';
import { DWELL_STATES, FACT_SOURCES, type Facts, sumFacts } from './facts';
import { SQUADS_SET, type SquadAssessment, assessSquads } from './assessment';
import { type FactSet, MonthFacts } from './month-facts';
import { INDICATORS, type Indicator, type IndicatorValue, evaluate } from './indicators';
import { type FigureScope, everyScope, figureScope } from './scope';
import { localDateOf } from '../../time';
import { GROUP_MONTHS_SET } from '../oversight/month-standing';
import { DRILL_SOURCES } from './drill-sources';
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
  const first = q.from ?? q.to;
  const last = q.to ?? q.from;
  if (first && last) return monthRange(first, last, timeZone);
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
  scopeKey: (s) =>
    s.kind === 'squad' ? `squad:${s.squad.id}` : s.kind === 'group' ? `group:${s.group.id}` : 'brigade',
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

/** What the `figures` job kept: months `from`–`to` of each scope (the assessment's squads one more); how many it computed. */
export interface KeptMonths {
  from: string;
  to: string;
  scopes: number;
  months: number;
  /** Months of every scope looked at (kept already, or computed now). */
  found: number;
  computed: number;
}

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
    const held = await Promise.all(
      [period, previous, lastYear].map(
        async (pp) => heldResolutions(await resolutionSteps(m, scope, pp.start, pp.end, problems)).length,
      ),
    );
    [cur, prev, ly].forEach((f, i) => (f.problems_resolved = held[i]));
    const min = this.config.figures.minSample;
    const values = [cur, prev, ly].map((f) => evaluate(INDICATORS, f, min));
    return {
      scope,
      period,
      previous,
      lastYear,
      rows: INDICATORS.map((indicator, i) => ({
        indicator,
        current: values[0][i],
        previous: values[1][i],
        lastYear: values[2][i],
      })),
      facts: cur,
      asOf,
    };
  }

  /** The facts month by month (for the charts of results over time). */
  async monthly(
    p: Principal,
    q: { group?: string; squad?: string },
    months: string[],
  ): Promise<Array<{ month: string; facts: Facts }>> {
    assertMayReadFigures(p);
    const scope = await figureScope(this.db.manager, p, q);
    const facts = await this.monthFacts.months(SCOPE_SET, scope, months);
    return months.map((month, i) => ({ month, facts: facts[i] }));
  }

  /**
   * Keeps the figures of every month that is over, from January two years back to last month, for the
   * brigade, each active group and squad, and every squad's assessment (the `figures` job, hourly): a
   * year's figures, this year's or last year's, its annual report and assessment are then read from kept
   * months instead of computed while someone waits. A month already kept and still good is left alone.
   * And every group's R6 standing in those months and the month under way (its facts are exact while
   * it is open): the compliance grid, the annual report's groups and the groups chart read them.
   */
  async keepMonths(brigade: { id: number; timeZone: string }): Promise<KeptMonths> {
    const thisMonth = localDateOf(this.clock.now(), brigade.timeZone).slice(0, 7);
    const last = previousPeriod(figurePeriod(thisMonth, brigade.timeZone), brigade.timeZone).key;
    const months = monthsOfPeriod(monthRange(`${Number(thisMonth.slice(0, 4)) - 2}-01`, last, brigade.timeZone));
    const scopes = await everyScope(this.db.manager, brigade);
    const sets: Array<[FactSet, FigureScope, string[]]> = [
      ...scopes.map((scope): [FactSet, FigureScope, string[]] => [SCOPE_SET, scope, months]),
      [SQUADS_SET, scopes[0], months],
      [GROUP_MONTHS_SET, scopes[0], [...months, thisMonth]],
    ];
    let computed = 0;
    for (const [set, scope, keys] of sets) computed += await this.monthFacts.keepOver(set, scope, keys);
    const found = sets.reduce((n, [, , keys]) => n + keys.length, 0);
    return { from: months[0], to: last, scopes: sets.length, months: months.length, found, computed };
  }

  /** R14: the annual assessment of every squad, best first, each score with how it was reached. */
  async assessment(p: Principal, year: number): Promise<SquadAssessment[]> {
    assertMayReadFigures(p);
    return assessSquads(this.db, this.monthFacts, this.config, p, year);
  }

  /** Every record behind one figure (for an export), page after page. */
  async drillAll(
    p: Principal,
    q: PeriodQuery & { indicator: string; group?: string; squad?: string },
  ): Promise<DrillPage> {
    let page = await this.drill(p, { ...q, limit: 500 });
    const rows = [...page.rows];
    while (page.nextCursor) {
      page = await this.drill(p, { ...q, limit: 500, cursor: page.nextCursor });
      rows.push(...page.rows);
    }
    return { ...page, rows, nextCursor: null };
  }

  /** The records behind one figure, newest first, a page at a time (keyset on the instant and id); their values add up to the figure. */
  async drill(
    p: Principal,
    q: PeriodQuery & { indicator: string; group?: string; squad?: string; cursor?: string; limit?: number },
  ): Promise<DrillPage> {
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
    const ask = { indicator, scope, period, take: limit + 1, after, now: this.clock.now() };
    const source = DRILL_SOURCES[indicator.drill];
    if (!source) return page([]);
    const rows = await source.read(m, ask);
    return page(rows.map((r) => source.row(r, ask)));
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
    if (when && !Number.isNaN(when.getTime()) && Number.isSafeInteger(id) && (id as number) > 0)
      return { at: when, id: id as number };
  } catch {
    // fall through
  }
  throw new ValidationError('The cursor is not valid', { cursor: 'invalid' });
}
