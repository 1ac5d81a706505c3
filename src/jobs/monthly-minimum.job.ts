import { Flag, LinkageGroup } from '../persistence/entities';
import { evaluateMonth, stillToCome } from '../domain/oversight/compliance';
import type { WantedFlag } from '../domain/oversight/flag.service';
import { addMonths, dayOfMonth, monthBounds, monthOf } from '../domain/oversight/periods';
import type { BrigadeJob } from './job';
import { known } from '../known';

/**
 * R6: after a month ends, every group whose month stands `missed` (fewer than
 * the minimum of qualifying operations, by month-standing.ts: the rule every
 * view of a month uses, so never a month before the brigade's `since`) is
 * flagged; months with open flags are looked at again, so a late-recorded operation resolves its flag by data. On the early
 * warning days, groups that cannot reach the minimum with what is completed
 * plus what is approved for the rest of the month are warned.
 */
export const monthlyMinimumJob: BrigadeJob = {
  name: 'monthly-minimum',
  description: 'R6',
  scope: 'brigade',
  defaultPeriod: ({ services, now }) => addMonths(monthOf(now, services.config.jobs.timeZone), -1),
  async runFor({ services, now, period, runId }, brigade) {
    const { db, flags, compliance, config } = services;
    let found = 0;
    let did = 0;
    const tz = brigade.timeZone;
    const groups = await db.manager.find(LinkageGroup, { where: { brigadeId: brigade.id, active: true } });
    const groupIds = groups.map((g) => g.id);
    // The month asked for (by default the one just ended), and every month whose flags are still open: only months that have ended.
    const target = period ?? addMonths(monthOf(now, tz), -1);
    const open = await db.manager.find(Flag, {
      select: { period: true },
      where: { brigadeId: brigade.id, kind: 'monthly_minimum', status: 'open' },
    });
    const months = [...new Set([target, ...open.map((f) => f.period)])]
      .filter((mo) => monthBounds(mo, tz).end <= now)
      .sort();
    // R6: how each group's months stand, by the one rule every view uses (a month before the brigade's `since` is
    // never missed, so a flag left open for one is resolved by data). Read before the transaction below: on SQLite
    // keeping the computed months is a write of its own.
    const standings = months.length ? await compliance.standings({ brigadeId: brigade.id }, months) : null;
    const minimum = config.jobs.monthlyMinimum;
    const perMonth: Record<string, unknown> = {};
    for (const [i, month] of months.entries()) {
      if (!standings) throw new Error('months to judge without their standings');
      const result = await db.transaction(async (m) => {
        // Which operations counted and why the others did not: the flag's figures.
        const evaluated = await evaluateMonth(m, brigade.id, month, tz, groupIds);
        const wanted: WantedFlag[] = [];
        for (const groupId of groupIds) {
          const standing = standings.of(groupId)[i];
          if (standing.status !== 'missed') continue;
          const g = known(evaluated, groupId, 'group');
          wanted.push({
            rule: 'R6',
            kind: 'monthly_minimum',
            period: month,
            groupId,
            subject: `g${groupId}`,
            figures: {
              minimum,
              qualifying: standing.qualifying,
              counted: g.counted.map((o) => ({ id: o.id, no: o.number, title: o.title, hours: o.actualHours })),
              notCounted: g.notCounted.map((o) => ({
                id: o.id,
                no: o.number,
                title: o.title,
                hours: o.actualHours,
                reason: o.reason,
              })),
            },
          });
        }
        const sync = await flags.sync(m, brigade.id, { kind: 'monthly_minimum', periods: [month] }, wanted, runId);
        // The month's early warnings: those of groups that did reach the minimum are settled by the data.
        const warned = await m.find(Flag, {
          select: { id: true, groupId: true },
          where: { brigadeId: brigade.id, kind: 'early_warning', period: month, status: 'open' },
        });
        if (warned.length) {
          const stillBelow = wanted
            .filter((w) => warned.some((f) => f.groupId === w.groupId))
            .map((w) => ({ ...w, kind: 'early_warning' }));
          await flags.sync(m, brigade.id, { kind: 'early_warning', periods: [month] }, stillBelow, runId);
        }
        return { wanted: wanted.length, sync };
      });
      perMonth[month] =
        month < brigade.since
          ? { before: brigade.since, ...result.sync }
          : { groups: groupIds.length, belowMinimum: result.wanted, ...result.sync };
      found += result.wanted;
      did += result.sync.raised + result.sync.resolvedByData;
    }
    // Early warning on the configured days, for the month under way.
    if (!period && config.jobs.earlyWarningDays.includes(dayOfMonth(now, tz))) {
      const month = monthOf(now, tz);
      const bounds = monthBounds(month, tz);
      const standing = await compliance.standings({ brigadeId: brigade.id }, [month]);
      const result = await db.transaction(async (m) => {
        const evaluated = await evaluateMonth(m, brigade.id, month, tz, groupIds);
        const coming = await stillToCome(m, brigade.id, bounds, now);
        const wanted: WantedFlag[] = [];
        for (const g of evaluated.values()) {
          const { qualifying } = standing.of(g.groupId)[0];
          const planned = (coming.get(g.groupId) ?? []).filter((id) => !g.counted.some((o) => o.id === id));
          if (qualifying + planned.length >= standing.minimum) continue;
          wanted.push({
            rule: 'R6',
            kind: 'early_warning',
            period: month,
            groupId: g.groupId,
            subject: `g${g.groupId}`,
            figures: {
              minimum: standing.minimum,
              qualifying,
              counted: g.counted.map((o) => ({ id: o.id, no: o.number, title: o.title, hours: o.actualHours })),
              stillToCome: planned,
            },
          });
        }
        return {
          wanted: wanted.length,
          sync: await flags.sync(m, brigade.id, { kind: 'early_warning', periods: [month] }, wanted, runId),
        };
      });
      perMonth[`${month} (early warning)`] = { groups: groupIds.length, cannotReach: result.wanted, ...result.sync };
      found += result.wanted;
      did += result.sync.raised + result.sync.resolvedByData;
    }
    return { found, did, summary: perMonth };
  },
};
