import { In, Not } from 'typeorm';
import { Flag, GroupPlan, LinkageGroup, Meeting } from '../persistence/entities';
import type { WantedFlag } from '../domain/oversight/flag.service';
import { HALF_YEAR, halfYearBounds, halfYearOf } from '../domain/oversight/half-years';
import { addMonths, monthBounds, monthOf } from '../domain/oversight/periods';
import type { BrigadeJob } from './job';

const MONTH = /^\d{4}-\d{2}$/;

/**
 * R5 and R9, by the calendar:
 * - `plan_missing` (R5): a group without a filed plan for the month under way,
 *   once the month has begun (a plan is filed before the month starts);
 * - `meeting_missing` (R9): a group without a work meeting held in a month that
 *   has ended;
 * - `hq_meeting_missing` (R9): a half-year that has ended without the HQ's
 *   summary meeting.
 * Periods with open flags are looked at again, so a plan filed late or a
 * meeting recorded after the fact resolves its flag by data. Never what fell
 * due before the brigade used Liandong (its `since` month): meetings are judged
 * for months from `since` on (and half-years ending after it began); plans,
 * due as their month begins, for months after `since`.
 */
export const plansAndMeetingsJob: BrigadeJob = {
  name: 'plans-and-meetings',
  description: 'R5 R9',
  scope: 'brigade',
  defaultPeriod: ({ services, now }) => monthOf(now, services.config.jobs.timeZone),
  async runFor({ services, now, period, runId }, brigade) {
    const { db, flags } = services;
    const tz = brigade.timeZone;
    // The brigade began using Liandong some time in its `since` month.
    const since = monthBounds(brigade.since, tz).start;
    const groups = await db.manager.find(LinkageGroup, { where: { brigadeId: brigade.id, active: true } });
    const open = await db.manager.find(Flag, {
      select: { kind: true, period: true },
      where: {
        brigadeId: brigade.id,
        status: 'open',
        kind: In(['plan_missing', 'meeting_missing', 'hq_meeting_missing']),
      },
    });
    const reopen = (kind: string) => open.filter((f) => f.kind === kind).map((f) => f.period);
    const current = monthOf(now, tz);
    const ask = period ?? current;
    // R5: a plan falls due as its month begins: judged once that is past, and only after the brigade's since month
    // (that month's plan fell due before, or as, the brigade began).
    const started = (mo: string) => monthBounds(mo, tz).start <= now && mo > brigade.since;
    // R9: a meeting is held within its period: judged for periods that have ended, from the since month on.
    const ended = (bounds: { end: Date }) => bounds.end <= now && bounds.end > since;

    // R5: the month asked for (by default the one under way), and every month with a flag still open.
    const planMonths = [...new Set([ask, ...reopen('plan_missing')])]
      .filter((mo) => MONTH.test(mo) && started(mo))
      .sort();
    // R9: the month asked for if it has ended, else the last one; and every month with a flag still open.
    const meetingMonths = [...new Set([ask === current ? addMonths(current, -1) : ask, ...reopen('meeting_missing')])]
      .filter((mo) => MONTH.test(mo) && ended(monthBounds(mo, tz)))
      .sort();
    // R9: the half-year of the month looked at for meetings, once it has ended.
    const halves = [
      ...new Set([halfYearOf(ask === current ? addMonths(current, -1) : ask), ...reopen('hq_meeting_missing')]),
    ]
      .filter((h) => HALF_YEAR.test(h) && ended(halfYearBounds(h, tz)))
      .sort();

    const result = await db.transaction(async (m) => {
      const plans = planMonths.length
        ? await m.find(GroupPlan, { where: { brigadeId: brigade.id, month: In(planMonths) } })
        : [];
      const wantedPlans: WantedFlag[] = [];
      for (const month of planMonths) {
        for (const g of groups) {
          const plan = plans.find((p) => p.groupId === g.id && p.month === month);
          if (plan?.state === 'filed') continue;
          wantedPlans.push({
            rule: 'R5',
            kind: 'plan_missing',
            period: month,
            groupId: g.id,
            subject: `g${g.id}`,
            figures: {
              month,
              dueAt: monthBounds(month, tz).start.toISOString(),
              plan: plan
                ? {
                    id: plan.id,
                    state: plan.state,
                    returnCount: plan.returnCount,
                    lastReturnReason: plan.lastReturnReason,
                  }
                : null,
            },
          });
        }
      }
      const meetings = meetingMonths.length
        ? await m.find(Meeting, {
            where: { brigadeId: brigade.id, kind: 'group', period: In(meetingMonths), state: Not('cancelled') },
          })
        : [];
      const wantedMeetings: WantedFlag[] = [];
      for (const month of meetingMonths) {
        for (const g of groups) {
          const of = meetings.filter((x) => x.groupId === g.id && x.period === month);
          if (of.some((x) => x.state === 'held')) continue;
          wantedMeetings.push({
            rule: 'R9',
            kind: 'meeting_missing',
            period: month,
            groupId: g.id,
            subject: `g${g.id}`,
            // A meeting arranged but never recorded as held does not count: the figures name it.
            figures: {
              month,
              held: 0,
              scheduled: of.map((x) => ({
                id: x.id,
                plannedStart: x.plannedStart.toISOString(),
                convenerSquadId: x.convenerSquadId,
              })),
            },
          });
        }
      }
      const hq = halves.length
        ? await m.find(Meeting, {
            where: { brigadeId: brigade.id, kind: 'hq_summary', period: In(halves), state: Not('cancelled') },
          })
        : [];
      const wantedHq: WantedFlag[] = halves
        .filter((h) => !hq.some((x) => x.period === h && x.state === 'held'))
        .map((h) => ({
          rule: 'R9',
          kind: 'hq_meeting_missing',
          period: h,
          subject: 'hq',
          figures: {
            halfYear: h,
            held: 0,
            scheduled: hq
              .filter((x) => x.period === h)
              .map((x) => ({ id: x.id, plannedStart: x.plannedStart.toISOString() })),
          },
        }));
      return {
        plan_missing: await flags.sync(
          m,
          brigade.id,
          { kind: 'plan_missing', periods: planMonths },
          wantedPlans,
          runId,
        ),
        meeting_missing: await flags.sync(
          m,
          brigade.id,
          { kind: 'meeting_missing', periods: meetingMonths },
          wantedMeetings,
          runId,
        ),
        hq_meeting_missing: await flags.sync(
          m,
          brigade.id,
          { kind: 'hq_meeting_missing', periods: halves },
          wantedHq,
          runId,
        ),
        wanted: wantedPlans.length + wantedMeetings.length + wantedHq.length,
      };
    });
    const { wanted, ...byKind } = result;
    const did = Object.values(byKind).reduce((n, s) => n + s.raised + s.resolvedByData, 0);
    return {
      found: wanted,
      did,
      summary: { planMonths, meetingMonths, halfYears: halves, groups: groups.length, ...byKind },
    };
  },
};
