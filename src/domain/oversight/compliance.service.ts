import type { Config } from '../../../config';
import type { Database } from '../../persistence/data-source';
import { Brigade, Flag, LinkageGroup } from '../../persistence/entities';
import { readDate, sql } from '../../persistence/sql';
import { NotFoundError, ValidationError } from '../../errors';
import type { Principal } from '../org/org.service';
import { evaluateMonth, type GroupMonth, notCountingReason } from './compliance';
import { monthBounds, monthOf, monthsOf } from './periods';
import type { Clock } from '../../clock';
import { In } from 'typeorm';

export interface ComplianceCell {
  month: string;
  /** Qualifying operations (R6). */
  qualifying: number;
  /** Operations of the month that did not count. */
  notCounting: number;
  /** `met`, `missed`, `open` (month under way), `future`, `before` (before the brigade used Liandong). */
  status: 'met' | 'missed' | 'open' | 'future' | 'before';
  flags: Array<{ id: number; kind: string; status: string }>;
}

export interface ComplianceRow {
  group: LinkageGroup;
  cells: ComplianceCell[];
  /** Months met of months judged. */
  met: number;
  judged: number;
}

/** R6 compliance: groups × months of a year, and for one group and month the operations that count and those that do not, and why. */
export class ComplianceService {
  constructor(
    private readonly db: Database,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {}

  async year(p: Principal, year: number): Promise<{ months: string[]; rows: ComplianceRow[]; minimum: number }> {
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new ValidationError('A year is 2000–2100', { year: 'invalid' });
    const m = this.db.manager;
    const tz = p.timeZone;
    const months = monthsOf(year);
    const minimum = this.config.jobs.monthlyMinimum;
    const groups = await m.find(LinkageGroup, { where: { brigadeId: p.brigadeId, active: true }, order: { id: 'ASC' } });
    const { start } = monthBounds(months[0], tz);
    const { end } = monthBounds(months[11], tz);
    // One query for the whole year and every group.
    const { rows } = await sql<{ group_id: number; id: number; actual_start: unknown; kind: string; state: string; counts_toward_minimum: unknown }>(
      m,
      `SELECT s.group_id AS group_id, o.id AS id, o.actual_start AS actual_start, o.kind AS kind, o.state AS state, o.counts_toward_minimum AS counts_toward_minimum
         FROM operations o JOIN operation_squads os ON os.operation_id = o.id JOIN squads s ON s.id = os.squad_id
        WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND s.group_id IS NOT NULL AND o.state <> 'cancelled'`,
      [p.brigadeId, start, end],
    );
    const counts = new Map<string, { qualifying: number; notCounting: number }>();
    const seen = new Set<string>();
    for (const r of rows) {
      // Two squads of one group give the same operation twice: count it once.
      const pair = `${r.group_id}|${r.id}`;
      if (seen.has(pair)) continue;
      seen.add(pair);
      const k = `${r.group_id}|${monthOf(readDate(r.actual_start)!, tz)}`;
      const c = counts.get(k) ?? { qualifying: 0, notCounting: 0 };
      const reason = notCountingReason({ kind: r.kind, state: r.state, countsTowardMinimum: r.counts_toward_minimum === null ? null : Boolean(Number(r.counts_toward_minimum)) });
      if (reason) c.notCounting++;
      else c.qualifying++;
      counts.set(k, c);
    }
    const flags = await m.find(Flag, { where: { brigadeId: p.brigadeId, kind: In(['monthly_minimum', 'early_warning']), period: In(months) } });
    const { createdAt } = await m.findOneByOrFail(Brigade, { id: p.brigadeId });
    const now = this.clock.now();
    const current = monthOf(now, tz);
    return {
      months,
      minimum,
      rows: groups.map((group) => {
        const cells = months.map((month): ComplianceCell => {
          const c = counts.get(`${group.id}|${month}`) ?? { qualifying: 0, notCounting: 0 };
          const status = monthStatus(month, c.qualifying, { createdAt, current, minimum, timeZone: tz });
          return {
            month,
            ...c,
            status,
            flags: flags.filter((f) => f.groupId === group.id && f.period === month).map((f) => ({ id: f.id, kind: f.kind, status: f.status })),
          };
        });
        const judged = cells.filter((c) => c.status === 'met' || c.status === 'missed');
        return { group, cells, judged: judged.length, met: judged.filter((c) => c.status === 'met').length };
      }),
    };
  }

  /** One group's month: every operation, whether it counts, and why not. */
  async groupMonth(p: Principal, groupCode: string, month: string): Promise<{ group: LinkageGroup; month: string; minimum: number; result: GroupMonth; flags: Flag[] }> {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new ValidationError('A month is YYYY-MM', { month: 'invalid_format:YYYY-MM' });
    const m = this.db.manager;
    const group = await m.findOneBy(LinkageGroup, { brigadeId: p.brigadeId, code: groupCode });
    if (!group) throw new NotFoundError(`No group ${groupCode}`);
    const result = (await evaluateMonth(m, p.brigadeId, month, p.timeZone, [group.id])).get(group.id)!;
    const flags = await m.find(Flag, { where: { brigadeId: p.brigadeId, groupId: group.id, period: month }, order: { id: 'ASC' } });
    return { group, month, minimum: this.config.jobs.monthlyMinimum, result, flags };
  }
}

/**
 * R6: how a group's month stands: before the brigade was set up, in the future,
 * open (the current month), or met / missed against the minimum.
 */
export function monthStatus(
  month: string,
  qualifying: number,
  o: { createdAt: Date; current: string; minimum: number; timeZone: string },
): ComplianceCell['status'] {
  if (monthBounds(month, o.timeZone).end <= o.createdAt) return 'before';
  if (month > o.current) return 'future';
  if (month === o.current) return 'open';
  return qualifying >= o.minimum ? 'met' : 'missed';
}
