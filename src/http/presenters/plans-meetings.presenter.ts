import type { z } from 'zod';
import { GROUP_PLAN_EVENT_TYPES, GROUP_PLAN_STATES } from '../../../workflows/group-plan';
import { MEETING_EVENT_TYPES, MEETING_KINDS, MEETING_STATES } from '../../../workflows/meeting';
import { OPERATION_KINDS, OPERATION_STATES } from '../../../workflows/operation';
import type {
  groupPlanDetail,
  groupPlanList,
  groupPlanListItem,
  meetingDetail,
  meetingList,
  meetingListItem,
  rotation,
} from '../schemas/responses/plans-meetings.response';
import { allOf, oneOf } from './narrow';
import type { GroupRotation, MeetingList, MeetingRecordView } from '../../domain/meetings/meeting.service';
import type { GroupPlanList, GroupPlanRecord } from '../../domain/plans/group-plan.service';
import type { GroupPlan, LinkageGroup, Meeting, Squad, User } from '../../persistence/entities';
import { isoInZone } from '../../time';

/** Plain JSON for the API (camelCase, codes not ids, times in the brigade's offset): monthly group plans (R5) and meetings (R9). */

const when = (d: Date | null | undefined, tz: string) => (d ? isoInZone(d, tz) : null);
const whenIso = (iso: string | null | undefined, tz: string) => (iso ? isoInZone(new Date(iso), tz) : null);
const person = (u: User | undefined) => (u ? { username: u.username, displayName: u.displayName } : null);

export function presentGroupPlanSummary(
  p: GroupPlan,
  groupById: Map<number, LinkageGroup>,
  tz: string,
): z.output<typeof groupPlanListItem> {
  return {
    id: p.id,
    group: groupById.get(p.groupId)?.code ?? null,
    month: p.month,
    state: oneOf(GROUP_PLAN_STATES, p.state),
    targets: p.targetCount,
    plannedOperations: p.plannedOperations,
    filedAt: when(p.filedAt, tz),
    filedLate: p.filedLate,
    returnCount: p.returnCount,
    updatedAt: isoInZone(p.updatedAt, tz),
  };
}

export function presentGroupPlanList(list: GroupPlanList, tz: string): z.output<typeof groupPlanList> {
  return { items: list.items.map((p) => presentGroupPlanSummary(p, list.groupById, tz)) };
}

export function presentGroupPlan(r: GroupPlanRecord, tz: string): z.output<typeof groupPlanDetail> {
  const ctx = r.context;
  const squad = (id: number | null) => (id === null ? null : (r.squadById.get(id)?.code ?? null));
  const user = (id: number | null) => (id === null ? null : person(r.userById.get(id)));
  return {
    id: r.plan.id,
    state: oneOf(GROUP_PLAN_STATES, r.state),
    version: r.version,
    allowedEvents: allOf(GROUP_PLAN_EVENT_TYPES, r.allowedEvents),
    group: r.group.code,
    month: ctx.month,
    dueAt: whenIso(ctx.dueAt, tz),
    targets: ctx.content.targets,
    operations: ctx.content.operations.map((l) => ({
      date: l.date,
      title: l.title,
      leadSquad: squad(l.leadSquadId),
      location: l.location,
      problemSource: l.problemSource,
      operation: l.operationId,
    })),
    notes: ctx.content.notes,
    createdBy: user(ctx.createdBy),
    filedBy: user(ctx.filedBy),
    filedAt: whenIso(ctx.filedAt, tz),
    firstFiledAt: whenIso(ctx.firstFiledAt, tz),
    filedLate: ctx.filedLate,
    returnCount: ctx.returnCount,
    lastReturnReason: ctx.lastReturnReason,
    returnedBy: user(ctx.returnedBy),
    // The group's operations of the month as they really are, to set against the schedule.
    monthOperations: r.monthOperations.map((o) => ({
      id: o.id,
      title: o.title,
      state: oneOf(OPERATION_STATES, o.state),
      kind: oneOf(OPERATION_KINDS, o.kind),
      leadSquad: squad(o.leadSquadId),
      plannedStart: when(o.plannedStart, tz),
      actualStart: when(o.actualStart, tz),
      countsTowardMinimum: o.countsTowardMinimum,
    })),
    createdAt: isoInZone(r.plan.createdAt, tz),
    updatedAt: isoInZone(r.plan.updatedAt, tz),
  };
}

export function presentMeetingSummary(
  x: Meeting,
  groupById: Map<number, LinkageGroup>,
  squadById: Map<number, Squad>,
  tz: string,
): z.output<typeof meetingListItem> {
  return {
    id: x.id,
    kind: oneOf(MEETING_KINDS, x.kind),
    group: x.groupId !== null ? (groupById.get(x.groupId)?.code ?? null) : null,
    period: x.period,
    state: oneOf(MEETING_STATES, x.state),
    convenerSquad: x.convenerSquadId !== null ? (squadById.get(x.convenerSquadId)?.code ?? null) : null,
    plannedStart: isoInZone(x.plannedStart, tz),
    heldAt: when(x.heldAt, tz),
    updatedAt: isoInZone(x.updatedAt, tz),
  };
}

export function presentMeetingList(list: MeetingList, tz: string): z.output<typeof meetingList> {
  return { items: list.items.map((x) => presentMeetingSummary(x, list.groupById, list.squadById, tz)) };
}

export function presentMeeting(r: MeetingRecordView, tz: string): z.output<typeof meetingDetail> {
  const ctx = r.context;
  const squad = (id: number | null) => (id === null ? null : (r.squadById.get(id)?.code ?? null));
  const a = ctx.arrangements;
  return {
    id: r.meeting.id,
    kind: ctx.kind,
    state: oneOf(MEETING_STATES, r.state),
    version: r.version,
    allowedEvents: allOf(MEETING_EVENT_TYPES, r.allowedEvents),
    group: r.group?.code ?? null,
    period: r.meeting.period,
    plannedStart: whenIso(a.plannedStart, tz),
    place: a.place,
    agenda: a.agenda,
    convenerSquad: squad(a.convenerSquadId),
    rotationConvenerSquad: squad(ctx.rotationConvenerSquadId),
    convenerReason: a.convenerReason,
    members: ctx.memberSquadIds.map(squad),
    heldAt: whenIso(ctx.record?.heldAt, tz),
    attendeeSquads: ctx.record ? ctx.record.attendeeSquadIds.map(squad) : [],
    attendees: ctx.record?.attendees ?? [],
    minutes: ctx.record?.minutes ?? null,
    decisions: ctx.record?.decisions ?? [],
    recordedBy: ctx.recordedBy !== null ? person(r.userById.get(ctx.recordedBy)) : null,
    recordedAt: whenIso(ctx.recordedAt, tz),
    cancelReason: ctx.cancelReason,
    createdBy: ctx.createdBy !== null ? person(r.userById.get(ctx.createdBy)) : null,
    createdAt: isoInZone(r.meeting.createdAt, tz),
    updatedAt: isoInZone(r.meeting.updatedAt, tz),
  };
}

/** R9: the next convener and the queue behind it, each squad with why it stands where it does. */
export function presentRotation(
  r: GroupRotation,
  squadById: Map<number, Squad>,
  tz: string,
): z.output<typeof rotation> {
  const code = (id: number | null) => (id === null ? null : (squadById.get(id)?.code ?? null));
  const meeting = (id: number | null) => {
    const x = id === null ? undefined : r.meetingById.get(id);
    return x && id !== null
      ? { id, period: x.period, at: isoInZone(x.meetingAt, tz), convenerSquad: code(x.convenerSquadId) }
      : null;
  };
  return {
    group: r.group.code,
    next: code(r.rotation.next),
    lastConvenerSquad: code(r.rotation.lastConvenerSquadId),
    meetingsCounted: r.rotation.meetings,
    queue: r.rotation.queue.map((p) => ({
      squad: code(p.squadId),
      memberOrder: p.memberOrder,
      waiting: p.kind,
      since: meeting(p.since),
      tiedOnWaiting: p.tied,
    })),
  };
}
