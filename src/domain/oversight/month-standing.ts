import type { Config } from '../../../config';
import type { Clock } from '../../clock';
import type { Database } from '../../persistence/data-source';
import { type FactSource, TOUCHED, byBucket } from '../figures/facts';
import { type FactSet, MonthFacts } from '../figures/month-facts';
import { groupMonthRows } from './oversight.queries';
import { monthOf } from './periods';

/**
 * How a linkage group's month stands (R6), one rule for every view of it: the
 * compliance grid and its API, the annual report, the figures' groups chart and
 * the monthly-minimum job's flags all read `MonthStandings.of`.
 *
 * - `before`: the month is before the brigade began using Liandong (`since`): never judged;
 * - `future`: not begun yet; `open`: under way (not judged until it is over);
 * - `met` / `missed`: over, with at least / fewer than the minimum of qualifying operations.
 */
export const MONTH_STATUSES = ['met', 'missed', 'open', 'future', 'before'] as const;
export type MonthStatus = (typeof MONTH_STATUSES)[number];

export interface MonthStanding {
  month: string;
  /** Qualifying operations (R6) that began in the month. */
  qualifying: number;
  /** Operations that began in the month and do not count (short, ad hoc, not completed). */
  notCounting: number;
  status: MonthStatus;
}

/** The brigade as the rule needs it. */
export interface StandingBrigade {
  id: number;
  timeZone: string;
  /** `YYYY-MM`: the month it began using Liandong. */
  since: string;
}

/** The status of a month with `qualifying` operations, `current` being the month under way. */
export function monthStatus(
  month: string,
  qualifying: number,
  o: { since: string; current: string; minimum: number },
): MonthStatus {
  if (month < o.since) return 'before';
  if (month > o.current) return 'future';
  if (month === o.current) return 'open';
  return qualifying >= o.minimum ? 'met' : 'missed';
}

/**
 * R6 per linkage group and month: the operations that began in it (a squad of
 * the group taking part, once per operation; cancelled ones never began) and of
 * those the qualifying ones. Keyed `g<group id>:operations` / `g<group id>:qualifying`.
 * Kept by month (figure_month_facts, under the groups' make-up), so a year reads
 * twelve small rows instead of a year of operations.
 */
const groupMonthFacts: FactSource = {
  name: 'r6.groups',
  cacheable: true,
  touched: [TOUCHED.start],
  queries: [groupMonthRows],
  load: async ({ m, scope, bounds }) => {
    const rows = await groupMonthRows(m, scope.brigadeId, bounds);
    return byBucket(bounds, rows, (f, r) => {
      f[`g${Number(r.grp)}:operations`] = (f[`g${Number(r.grp)}:operations`] ?? 0) + Number(r.operations ?? 0);
      f[`g${Number(r.grp)}:qualifying`] = (f[`g${Number(r.grp)}:qualifying`] ?? 0) + Number(r.qualifying ?? 0);
    });
  },
};

/** Every group's R6 facts of a brigade (keyed by every group's make-up: a squad moved makes the kept months old). */
export const GROUP_MONTHS_SET: FactSet = {
  name: 'groups',
  membership: true,
  exactWhileOpen: true,
  scopeKey: () => 'groups',
  sources: [groupMonthFacts],
};

/** Each group's standing in each month asked for (a group without operations: zeros). */
export interface Standings {
  minimum: number;
  since: string;
  /** The month under way (brigade time). */
  current: string;
  months: string[];
  of(groupId: number): MonthStanding[];
}

export class MonthStandings {
  /**
   * Every month is read from kept facts, the month under way too, and each is
   * computed again as soon as an operation that began in it changes (the set is
   * `exactWhileOpen`: its one fact lies at an operation's actual start), never
   * after the figures' `liveMonthSeconds`: a judgement never lags the operations
   * table, and a quiet month is not counted again on every view.
   */
  private readonly facts: MonthFacts;

  constructor(
    db: Database,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {
    this.facts = new MonthFacts(db, clock, 0);
  }

  /** How every group of `brigade` stands in each of `months` (`YYYY-MM`). */
  async of(brigade: StandingBrigade, months: string[]): Promise<Standings> {
    const current = monthOf(this.clock.now(), brigade.timeZone);
    const minimum = this.config.jobs.monthlyMinimum;
    const facts = await this.facts.months(
      GROUP_MONTHS_SET,
      { brigadeId: brigade.id, timeZone: brigade.timeZone, kind: 'brigade' },
      months,
    );
    const rule = { since: brigade.since, current, minimum };
    return {
      minimum,
      since: brigade.since,
      current,
      months,
      of: (groupId) =>
        months.map((month, i) => {
          const qualifying = facts[i][`g${groupId}:qualifying`] ?? 0;
          const operations = facts[i][`g${groupId}:operations`] ?? 0;
          return {
            month,
            qualifying,
            notCounting: operations - qualifying,
            status: monthStatus(month, qualifying, rule),
          };
        }),
    };
  }
}
