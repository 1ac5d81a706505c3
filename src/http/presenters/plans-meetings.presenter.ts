import type { GroupRotation, MeetingList, MeetingRecordView } from '../../domain/meetings/meeting.service';
import type { GroupPlanList, GroupPlanRecord } from '../../domain/plans/group-plan.service';
import type { GroupPlan, LinkageGroup, Meeting, Squad, User } from '../../persistence/entities';
import { isoInZone } from '../../time';

/** Plain JSON for the API (camelCase, codes not ids, times in the brigade's offset): monthly group plans (R5) and meetings (R9). */

const when = (d: Date | null | undefined, tz: string) => (d ? isoInZone(d, tz) : null);
const whenIso = (iso: string | null | undefined, tz: string) => (iso ? isoInZone(new Date(iso), tz) : null);
const person = (u: User | undefined) => (u ? { username: u.username, displayName: u.displayName } : null);

export function presentGroupPlanSummary(p: GroupPlan, groupById: Map<number, LinkageGroup>, tz: string) {
  return {
    id: p.id,
    group: groupById.get(p.groupId)?.code ?? null,
    month: p.month,
    state: p.state,
    targets: p.targetCount,
    plannedOperations: p.plannedOperations,
    filedAt: when(p.filedAt, tz),
    filedLate: p.filedLate,
    returnCount: p.returnCount,
    updatedAt: when(p.updatedAt, tz),
  };
}

export function presentGroupPlanList(list: GroupPlanList, tz: string) {
  return { items: list.items.map((p) => presentGroupPlanSummary(p, list.groupById, tz)) };
}

export function presentGroupPlan(r: GroupPlanRecord, tz: string) {
  const ctx = r.context;
  const squad = (id: number | null) => (id === null ? null : (r.squadById.get(id)?.code ?? null));
  const user = (id: number | null) => (id === null ? null : person(r.userById.get(id)));
  return {
    id: r.plan.id,
    state: r.state,
    version: r.version,
    allowedEvents: r.allowedEvents,
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
      state: o.state,
      kind: o.kind,
      leadSquad: squad(o.leadSquadId),
      plannedStart: when(o.plannedStart, tz),
      actualStart: when(o.actualStart, tz),
      countsTowardMinimum: o.countsTowardMinimum,
    })),
    createdAt: when(r.plan.createdAt, tz),
    updatedAt: when(r.plan.updatedAt, tz),
  };
}

export function presentMeetingSummary(x: Meeting, groupById: Map<number, LinkageGroup>, squadById: Map<number, Squad>, tz: string) {
  return {
    id: x.id,
    kind: x.kind,
    group: x.groupId !== null ? (groupById.get(x.groupId)?.code ?? null) : null,
    period: x.period,
    state: x.state,
    convenerSquad: x.convenerSquadId !== null ? (squadById.get(x.convenerSquadId)?.code ?? null) : null,
    plannedStart: when(x.plannedStart, tz),
    heldAt: when(x.heldAt, tz),
    updatedAt: when(x.updatedAt, tz),
  };
}

export function presentMeetingList(list: MeetingList, tz: string) {
  return { items: list.items.map((x) => presentMeetingSummary(x, list.groupById, list.squadById, tz)) };
}

export function presentMeeting(r: MeetingRecordView, tz: string) {
  const ctx = r.context;
  const squad = (id: number | null) => (id === null ? null : (r.squadById.get(id)?.code ?? null));
  const a = ctx.arrangements;
  return {
    id: r.meeting.id,
    kind: ctx.kind,
    state: r.state,
    version: r.version,
    allowedEvents: r.allowedEvents,
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
    createdAt: when(r.meeting.createdAt, tz),
    updatedAt: when(r.meeting.updatedAt, tz),
  };
}

/** R9: the next convener and the queue behind it, each squad with why it stands where it does. */
export function presentRotation(r: GroupRotation, squadById: Map<number, Squad>, tz: string) {
  const code = (id: number | null) => (id === null ? null : (squadById.get(id)?.code ?? null));
  const meeting = (id: number | null) => {
    const x = id === null ? undefined : r.meetingById.get(id);
    return x && id !== null ? { id, period: x.period, at: when(x.meetingAt, tz), convenerSquad: code(x.convenerSquadId) } : null;
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
