import type { Config } from '../../../config';
import type { Database } from '../../persistence/data-source';
import { Brigade, Flag, LinkageGroup } from '../../persistence/entities';
import { NotFoundError, ValidationError } from '../../errors';
import type { Principal } from '../org/org.service';
import { evaluateMonth, type GroupMonth } from './compliance';
import { type MonthStanding, MonthStandings, type Standings } from './month-standing';
import { monthsOf } from './periods';
import type { Clock } from '../../clock';
import { In } from 'typeorm';
import { known } from '../../known';

export interface ComplianceCell extends MonthStanding {
  flags: Array<{ id: number; kind: string; status: string }>;
}

export interface ComplianceRow {
  group: LinkageGroup;
  cells: ComplianceCell[];
  /** Months met of months judged. */
  met: number;
  judged: number;
}

/** Months met of months judged (R6): only months that are over and not before the brigade's `since` are judged. */
export function metOfJudged(cells: ReadonlyArray<Pick<MonthStanding, 'status'>>): { met: number; judged: number } {
  const judged = cells.filter((c) => c.status === 'met' || c.status === 'missed');
  return { met: judged.filter((c) => c.status === 'met').length, judged: judged.length };
}

/** R6 compliance: groups × months of a year, and for one group and month the operations that count and those that do not, and why. */
export class ComplianceService {
  private readonly standingsOf: MonthStandings;

  constructor(
    private readonly db: Database,
    config: Readonly<Config>,
    clock: Clock,
  ) {
    this.standingsOf = new MonthStandings(db, config, clock);
  }

  /** How each of the brigade's groups stands in each of `months` (R6: the one rule, month-standing.ts). */
  async standings(p: Pick<Principal, 'brigadeId'>, months: string[]): Promise<Standings> {
    const brigade = await this.db.manager.findOneByOrFail(Brigade, { id: p.brigadeId });
    return this.standingsOf.of(brigade, months);
  }

  async year(
    p: Principal,
    year: number,
  ): Promise<{ months: string[]; rows: ComplianceRow[]; minimum: number; since: string }> {
    if (!Number.isInteger(year) || year < 2000 || year > 2100)
      throw new ValidationError('A year is 2000–2100', { year: 'invalid' });
    const m = this.db.manager;
    const months = monthsOf(year);
    const groups = await m.find(LinkageGroup, {
      where: { brigadeId: p.brigadeId, active: true },
      order: { id: 'ASC' },
    });
    const standings = await this.standings(p, months);
    const flags = await m.find(Flag, {
      where: { brigadeId: p.brigadeId, kind: In(['monthly_minimum', 'early_warning']), period: In(months) },
    });
    return {
      months,
      minimum: standings.minimum,
      since: standings.since,
      rows: groups.map((group) => {
        const cells = standings.of(group.id).map(
          (c): ComplianceCell => ({
            ...c,
            flags: flags
              .filter((f) => f.groupId === group.id && f.period === c.month)
              .map((f) => ({ id: f.id, kind: f.kind, status: f.status })),
          }),
        );
        return { group, cells, ...metOfJudged(cells) };
      }),
    };
  }

  /** One group's month: every operation, whether it counts, and why not. */
  async groupMonth(
    p: Principal,
    groupCode: string,
    month: string,
  ): Promise<{
    group: LinkageGroup;
    month: string;
    minimum: number;
    since: string;
    standing: MonthStanding;
    result: GroupMonth;
    flags: Flag[];
  }> {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
      throw new ValidationError('A month is YYYY-MM', { month: 'invalid_format:YYYY-MM' });
    const m = this.db.manager;
    const group = await m.findOneBy(LinkageGroup, { brigadeId: p.brigadeId, code: groupCode });
    if (!group) throw new NotFoundError(`No group ${groupCode}`);
    const standings = await this.standings(p, [month]);
    const result = known(await evaluateMonth(m, p.brigadeId, month, p.timeZone, [group.id]), group.id, 'group');
    const flags = await m.find(Flag, {
      where: { brigadeId: p.brigadeId, groupId: group.id, period: month },
      order: { id: 'ASC' },
    });
    return {
      group,
      month,
      minimum: standings.minimum,
      since: standings.since,
      standing: standings.of(group.id)[0],
      result,
      flags,
    };
  }
}
