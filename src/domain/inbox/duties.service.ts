import { In, LessThanOrEqual, Not } from 'typeorm';
import type { Config } from '../../../config';
import type { Clock } from '../../clock';
import type { Database } from '../../persistence/data-source';
import { Brigade, GroupPlan, LinkageGroup, Meeting, Squad } from '../../persistence/entities';
import type { MeetingService } from '../meetings/meeting.service';
import type { Principal } from '../org/org.service';
import { halfYearBounds, halfYearMonths, halfYearOf } from '../oversight/half-years';
import { addMonths, monthBounds, monthOf } from '../oversight/periods';
import { groupMembers } from '../plans/group-scope';

/**
 * What the calendar asks of a user (R5, R9), beside the records that wait for
 * them: a monthly plan to draft and file, a meeting to convene (the inbox of
 * the next convener shows the duty) or to record, the HQ's summary meeting.
 */
export type DutyKey =
  | 'plan_to_file'
  | 'plan_returned'
  | 'meeting_to_convene'
  | 'meeting_to_record'
  | 'hq_meeting_to_arrange'
  | 'hq_meeting_to_record';

export interface Duty {
  key: DutyKey;
  groupId: number | null;
  /** The month (`YYYY-MM`) or half-year (`YYYY-H1`) it is for. */
  period: string;
  /** The record it is about, when there is one (a draft plan, a meeting to record). */
  recordType: 'group_plan' | 'meeting' | null;
  recordId: number | null;
  /** R5: the month's start for a plan; R9: the period's end for a meeting. */
  dueAt: Date;
  overdue: boolean;
  /** A returned plan's reason. */
  note: string | null;
}

const DAY = 86_400_000;
const ACTIVE_MEETING = Not('cancelled');

export class DutyService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Readonly<Config>,
    private readonly meetings: MeetingService,
  ) {}

  /** The duties of this user now, most urgent first. */
  async duties(p: Principal): Promise<Duty[]> {
    const out: Duty[] = [];
    if (p.roles.includes('squad_leader') && p.squadId !== null) out.push(...(await this.groupDuties(p, p.squadId)));
    if (p.roles.includes('duty_officer') || p.roles.includes('commander')) out.push(...(await this.hqDuties(p)));
    return out.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  async count(p: Principal): Promise<number> {
    return (await this.duties(p)).length;
  }

  /** A squad leader's: their group's plans (any leader of the group may file them) and meetings (the next convener's). */
  private async groupDuties(p: Principal, squadId: number): Promise<Duty[]> {
    const m = this.db.manager;
    const squad = await m.findOneBy(Squad, { id: squadId });
    if (!squad?.groupId || !squad.active) return [];
    const group = await m.findOneByOrFail(LinkageGroup, { id: squad.groupId });
    if (!group.active) return [];
    const now = this.clock.now();
    const tz = p.timeZone;
    const month = monthOf(now, tz);
    const next = addMonths(month, 1);
    const nextStart = monthBounds(next, tz).start;
    // The coming month shows once it is near (plans.remindDaysBefore); a draft for it shows at once.
    const near = nextStart.getTime() - now.getTime() <= this.config.plans.remindDaysBefore * DAY;
    // Never the plan of a month that began before the brigade used Liandong (its since month or earlier): it could not have filed for it.
    const { since } = await m.findOneByOrFail(Brigade, { id: p.brigadeId });
    const out: Duty[] = [];

    // R5: the plan of the month under way (if the brigade was here when it began) and of the coming month.
    const plans = await m.find(GroupPlan, { where: { groupId: group.id, month: In([month, next]) } });
    for (const mo of [month, next]) {
      const start = monthBounds(mo, tz).start;
      if (mo <= since) continue;
      const plan = plans.find((x) => x.month === mo);
      if (plan?.state === 'filed') continue;
      if (!plan && mo === next && !near) continue;
      out.push({
        key: plan && plan.returnCount > 0 ? 'plan_returned' : 'plan_to_file',
        groupId: group.id,
        period: mo,
        recordType: plan ? 'group_plan' : null,
        recordId: plan?.id ?? null,
        dueAt: start,
        overdue: start <= now,
        note: plan?.lastReturnReason ?? null,
      });
    }

    // R9: the next convener arranges the group's meeting — this month's, or once it has one, the coming month's.
    const members = await groupMembers(m, p.brigadeId, group.id);
    const { rotation } = await this.meetings.rotationOf(m, group, members);
    if (rotation.next === p.squadId) {
      const held = await m.find(Meeting, {
        select: { period: true },
        where: { groupId: group.id, kind: 'group', state: ACTIVE_MEETING, period: In([month, next]) },
      });
      const target = !held.some((x) => x.period === month)
        ? month
        : near && !held.some((x) => x.period === next)
          ? next
          : null;
      if (target) {
        const end = monthBounds(target, tz).end;
        out.push({
          key: 'meeting_to_convene',
          groupId: group.id,
          period: target,
          recordType: null,
          recordId: null,
          dueAt: end,
          overdue: end <= now,
          note: null,
        });
      }
    }
    // R9: meetings this squad convened that have taken place and wait for their record.
    const toRecord = await m.find(Meeting, {
      where: {
        groupId: group.id,
        kind: 'group',
        state: 'scheduled',
        convenerSquadId: squadId,
        plannedStart: LessThanOrEqual(now),
      },
    });
    for (const x of toRecord) {
      const end = monthBounds(x.period, tz).end;
      out.push({
        key: 'meeting_to_record',
        groupId: group.id,
        period: x.period,
        recordType: 'meeting',
        recordId: x.id,
        dueAt: end,
        overdue: end <= now,
        note: null,
      });
    }
    return out;
  }

  /** A manager's: the HQ's half-yearly summary meeting, from the half-year's last month (R9). */
  private async hqDuties(p: Principal): Promise<Duty[]> {
    const m = this.db.manager;
    const now = this.clock.now();
    const month = monthOf(now, p.timeZone);
    const half = halfYearOf(month);
    const out: Duty[] = [];
    const end = halfYearBounds(half, p.timeZone).end;
    if (month === halfYearMonths(half).last) {
      const any = await m.count(Meeting, {
        where: { brigadeId: p.brigadeId, kind: 'hq_summary', period: half, state: ACTIVE_MEETING },
      });
      if (!any)
        out.push({
          key: 'hq_meeting_to_arrange',
          groupId: null,
          period: half,
          recordType: null,
          recordId: null,
          dueAt: end,
          overdue: false,
          note: null,
        });
    }
    const toRecord = await m.find(Meeting, {
      where: { brigadeId: p.brigadeId, kind: 'hq_summary', state: 'scheduled', plannedStart: LessThanOrEqual(now) },
    });
    for (const x of toRecord) {
      const due = halfYearBounds(x.period, p.timeZone).end;
      out.push({
        key: 'hq_meeting_to_record',
        groupId: null,
        period: x.period,
        recordType: 'meeting',
        recordId: x.id,
        dueAt: due,
        overdue: due <= now,
        note: null,
      });
    }
    return out;
  }
}
