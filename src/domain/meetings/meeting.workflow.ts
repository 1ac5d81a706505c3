import type { EntityManager } from 'typeorm';
import {
  MEETING_MACHINE_VERSION,
  type MeetingContext,
  type MeetingEvent,
  type MeetingEventType,
  type MeetingFacts,
  type MeetingInput,
  type MeetingState,
  type RotationMeeting,
  mayMeeting,
  meetingEventProblems,
  meetingMachine,
} from '../../../workflows/meeting';
import type { EngineActor, StepRecord, WorkflowDefinition } from '../../engine/workflow-definition';
import { Squad } from '../../persistence/entities';
import { readJson, readRequiredDate } from '../../persistence/sql';
import { groupMeetingRows } from './meetings.queries';
import { insertRow, updateRow } from '../../persistence/rows';
import { halfYearOf } from '../oversight/half-years';
import { monthOf } from '../oversight/periods';
import { groupMembers, mayReadGroupRecord, ownSquadIn } from '../plans/group-scope';

export type MeetingWorkflow = WorkflowDefinition<MeetingContext, MeetingInput>;

/** The facts a meeting's rules read: the group as it is now (none for the HQ's), the squads in use. */
export async function meetingFacts(
  m: EntityManager,
  actor: Pick<EngineActor, 'brigadeId' | 'timeZone'>,
  groupId: number | null,
): Promise<MeetingFacts> {
  const [memberSquadIds, active] = await Promise.all([
    groupId === null ? [] : groupMembers(m, actor.brigadeId, groupId),
    m.find(Squad, { select: { id: true }, where: { brigadeId: actor.brigadeId, active: true } }),
  ]);
  return { memberSquadIds, activeSquadIds: active.map((s) => s.id), timeZone: actor.timeZone };
}

/** When a meeting is (held, or planned until then): the instant the rotation orders meetings by. */
export function meetingInstant(ctx: MeetingContext): Date {
  return new Date(ctx.record?.heldAt ?? ctx.arrangements.plannedStart);
}

/** The period a meeting counts for (R9): its month for a group's, its half-year for the HQ's. */
export function meetingPeriod(ctx: MeetingContext, timeZone: string): string {
  const month = monthOf(meetingInstant(ctx), timeZone);
  return ctx.kind === 'hq_summary' ? halfYearOf(month) : month;
}

/** A group's meetings as the rotation counts them: every one not cancelled, oldest first (R9). */
export async function rotationHistory(
  m: EntityManager,
  groupId: number,
): Promise<Array<RotationMeeting & { meetingAt: Date; period: string }>> {
  const rows = await groupMeetingRows(m, groupId);
  return rows.map((r) => ({
    id: Number(r.id),
    convenerSquadId: r.convener_squad_id === null ? null : Number(r.convener_squad_id),
    memberSquadIds: readJson<number[]>(r.member_squad_ids),
    meetingAt: readRequiredDate(r.meeting_at, 'meetings.meeting_at'),
    period: r.period,
  }));
}

/** Meetings run by the engine: machine and rules from workflows/meeting, projection here. */
export function meetingWorkflow(): MeetingWorkflow {
  return {
    name: 'meeting',
    machine: meetingMachine,
    version: MEETING_MACHINE_VERSION,
    // R9: a group's meeting is the group's and the managers' to read; the HQ's summary meeting the whole brigade's.
    mayRead: (actor, context) =>
      context.kind === 'group' ? mayReadGroupRecord(actor, context.groupId) : { ok: true as const },
    may: (type, actor, context, state) =>
      mayMeeting(type as MeetingEventType, actor, context, state as MeetingState, ownSquadIn(actor, context.groupId)),
    problems: (context, event) => meetingEventProblems(context, event as MeetingEvent),
    facts: (m, actor, context) => meetingFacts(m, actor, context.groupId),
    project: projectMeeting,
    // R9's rhythm (a meeting a month, the HQ's a half-year) is watched by the plans-and-meetings job.
    deadlines: () => [],
  };
}

/** Writes the meeting's queryable record from its snapshot. */
async function projectMeeting(m: EntityManager, step: StepRecord<MeetingContext>): Promise<void> {
  const ctx = step.next;
  const columns: Record<string, unknown> = {
    period: meetingPeriod(ctx, step.actor.timeZone),
    state: step.to,
    convener_squad_id: ctx.arrangements.convenerSquadId,
    planned_start: new Date(ctx.arrangements.plannedStart),
    held_at: ctx.record ? new Date(ctx.record.heldAt) : null,
    meeting_at: meetingInstant(ctx),
    member_squad_ids: ctx.memberSquadIds,
    updated_at: step.at,
  };
  if (step.previous === null) {
    const all = {
      id: step.instanceId,
      brigade_id: step.brigadeId,
      kind: ctx.kind,
      group_id: ctx.groupId,
      rotation_convener_squad_id: ctx.rotationConvenerSquadId,
      ...columns,
      created_by: ctx.createdBy,
      created_at: step.at,
    };
    await insertRow(m, 'meetings', all);
  } else {
    await updateRow(m, 'meetings', step.instanceId, columns);
  }
}
