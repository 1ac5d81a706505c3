import { type EntityManager, In } from 'typeorm';
import {
  BorderNotice,
  Case,
  CaseTransfer,
  Flag,
  GoodsItem,
  GroupPlan,
  HardProblem,
  LinkageGroup,
  Meeting,
  Operation,
  OperationSquad,
  Squad,
  User,
  UserRole,
  WorkflowHistory,
} from '../../persistence/entities';
import type { NotificationParams } from './notification.transport';
import type { Directory, NotificationSubject } from './recipients';

/** An outbox row as the worker reads it. */
export interface OutboxRow {
  id: number;
  brigadeId: number;
  instanceId: number | null;
  historySeq: number;
  workflow: string;
  topic: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  attempts: number;
}

/** What an event is about: for choosing whom to tell, what to show them and where it leads. */
export interface Announcement {
  subject: NotificationSubject;
  params: NotificationParams;
  link: string;
}

/** Reads the record behind an outbox row of one workflow; null when it is gone. */
export type SubjectLoader = (m: EntityManager, row: OutboxRow) => Promise<Announcement | null>;

/** What the event carried worth showing beside the title (why it was returned, what must be rectified …). */
const NOTE_FIELDS = ['reason', 'rectification', 'description'] as const;

/** What an operation's outbox row announces: the operation, its squads (in order) and the step it announces. */
function operationAnnouncement(
  op: Operation,
  squadIds: number[],
  step: WorkflowHistory | null | undefined,
): Announcement {
  const payload = (typeof step?.payload === 'string' ? JSON.parse(step.payload) : (step?.payload ?? {})) as Record<
    string,
    unknown
  >;
  const note = NOTE_FIELDS.map((f) => payload[f]).find((v): v is string => typeof v === 'string' && v.trim() !== '');
  return {
    subject: {
      type: 'operation',
      id: op.id,
      kind: op.kind,
      groupId: op.groupId,
      leadSquadId: op.leadSquadId,
      hostSquadId: op.hostSquadId,
      squadIds,
      designatedCommanderId: op.designatedCommanderId,
    },
    params: {
      operationId: op.id,
      number: op.numberSeq !== null && op.numberYear !== null ? { year: op.numberYear, seq: op.numberSeq } : null,
      title: op.title,
      note: note ? note.trim().slice(0, 500) : null,
      severity: typeof payload.severity === 'string' ? payload.severity : null,
    },
    link: `/operations/${op.id}`,
  };
}

async function operationSubject(m: EntityManager, row: OutboxRow): Promise<Announcement | null> {
  return (await operationSubjects(m, [row])).get(row.id) ?? null;
}

/**
 * The operations behind several outbox rows in three statements, whatever
 * their number (the worker's batch): the operations, their squads, and the
 * steps the rows announce. A row whose operation is gone (or of another
 * brigade) maps to null.
 */
async function operationSubjects(
  m: EntityManager,
  rows: readonly OutboxRow[],
): Promise<Map<number, Announcement | null>> {
  const found = new Map<number, Announcement | null>(rows.map((r) => [r.id, null]));
  const asked = rows.filter((r) => r.instanceId !== null);
  if (!asked.length) return found;
  const ids = [...new Set(asked.map((r) => r.instanceId as number))];
  const [ops, squads, steps] = await Promise.all([
    m.find(Operation, { where: { id: In(ids) } }),
    m.find(OperationSquad, {
      select: { operationId: true, squadId: true, position: true },
      where: { operationId: In(ids) },
      order: { operationId: 'ASC', position: 'ASC' },
    }),
    m.find(WorkflowHistory, { where: asked.map((r) => ({ instanceId: r.instanceId as number, seq: r.historySeq })) }),
  ]);
  const opById = new Map(ops.map((o) => [o.id, o]));
  const squadsOf = new Map<number, number[]>();
  for (const s of squads) squadsOf.set(s.operationId, [...(squadsOf.get(s.operationId) ?? []), s.squadId]);
  const stepOf = new Map(steps.map((s) => [`${s.instanceId}:${s.seq}`, s]));
  for (const row of asked) {
    const op = opById.get(row.instanceId as number);
    // Another brigade's record is nobody's here: as the single loader, which asks by brigade.
    if (!op || op.brigadeId !== row.brigadeId) continue;
    found.set(row.id, operationAnnouncement(op, squadsOf.get(op.id) ?? [], stepOf.get(`${op.id}:${row.historySeq}`)));
  }
  return found;
}

async function flagSubject(m: EntityManager, row: OutboxRow): Promise<Announcement | null> {
  const flagId = Number(row.payload.flagId);
  const flag = Number.isSafeInteger(flagId) ? await m.findOneBy(Flag, { id: flagId, brigadeId: row.brigadeId }) : null;
  if (!flag) return null;
  const [group, squad] = await Promise.all([
    flag.groupId !== null ? m.findOneBy(LinkageGroup, { id: flag.groupId }) : null,
    flag.squadId !== null ? m.findOneBy(Squad, { id: flag.squadId }) : null,
  ]);
  const figures = (typeof flag.figures === 'string' ? JSON.parse(flag.figures) : (flag.figures ?? {})) as Record<
    string,
    unknown
  >;
  return {
    subject: { type: 'flag', id: flag.id, groupId: flag.groupId, squadId: flag.squadId },
    params: {
      flagId: flag.id,
      rule: flag.rule,
      kind: flag.kind,
      period: flag.period,
      group: group ? { name: group.name, nameEn: group.nameEn } : null,
      squad: squad ? { name: squad.name, nameEn: squad.nameEn } : null,
      record:
        flag.recordType && flag.recordId !== null
          ? { type: flag.recordType, id: flag.recordId, title: typeof figures.title === 'string' ? figures.title : '' }
          : null,
    },
    // The flag's own page (SPEC §4: every flag can be traced and resolved).
    link: `/flags/${flag.id}`,
  };
}

/** The note an event carried (a return's reason, a cancellation's), from its history row. */
async function noteOf(m: EntityManager, row: OutboxRow): Promise<string | null> {
  if (row.instanceId === null) return null;
  const step = await m.findOneBy(WorkflowHistory, { instanceId: row.instanceId, seq: row.historySeq });
  const payload = (typeof step?.payload === 'string' ? JSON.parse(step.payload) : (step?.payload ?? {})) as Record<
    string,
    unknown
  >;
  const note = NOTE_FIELDS.map((f) => payload[f]).find((v): v is string => typeof v === 'string' && v.trim() !== '');
  return note ? note.trim().slice(0, 500) : null;
}

/** R5: a group's monthly plan. */
async function groupPlanSubject(m: EntityManager, row: OutboxRow): Promise<Announcement | null> {
  if (row.instanceId === null) return null;
  const plan = await m.findOneBy(GroupPlan, { id: row.instanceId, brigadeId: row.brigadeId });
  if (!plan) return null;
  const group = await m.findOneBy(LinkageGroup, { id: plan.groupId });
  return {
    subject: { type: 'group_plan', id: plan.id, groupId: plan.groupId },
    params: {
      planId: plan.id,
      month: plan.month,
      period: plan.month,
      group: group ? { name: group.name, nameEn: group.nameEn } : null,
      note: await noteOf(m, row),
    },
    link: `/group-plans/${plan.id}`,
  };
}

/** R9: a group meeting or the HQ's summary meeting. */
async function meetingSubject(m: EntityManager, row: OutboxRow): Promise<Announcement | null> {
  if (row.instanceId === null) return null;
  const meeting = await m.findOneBy(Meeting, { id: row.instanceId, brigadeId: row.brigadeId });
  if (!meeting) return null;
  const group = meeting.groupId !== null ? await m.findOneBy(LinkageGroup, { id: meeting.groupId }) : null;
  return {
    subject: {
      type: 'meeting',
      id: meeting.id,
      kind: meeting.kind,
      groupId: meeting.groupId,
      convenerSquadId: meeting.convenerSquadId,
    },
    params: {
      meetingId: meeting.id,
      meetingKind: meeting.kind,
      period: meeting.period,
      meetingAt: meeting.meetingAt.toISOString(),
      group: group ? { name: group.name, nameEn: group.nameEn } : null,
      note: await noteOf(m, row),
    },
    link: `/meetings/${meeting.id}`,
  };
}

/** §3.4: a hard problem. */
async function hardProblemSubject(m: EntityManager, row: OutboxRow): Promise<Announcement | null> {
  if (row.instanceId === null) return null;
  const p = await m.findOneBy(HardProblem, { id: row.instanceId, brigadeId: row.brigadeId });
  if (!p) return null;
  const squadIds = (typeof p.squadIds === 'string' ? JSON.parse(p.squadIds) : p.squadIds) as number[];
  return {
    subject: { type: 'hard_problem', id: p.id, squadIds },
    params: { recordId: p.id, title: p.title, note: await noteOf(m, row) },
    link: `/problems/${p.id}`,
  };
}

/** R8: a border notification. */
async function borderNoticeSubject(m: EntityManager, row: OutboxRow): Promise<Announcement | null> {
  if (row.instanceId === null) return null;
  const n = await m.findOneBy(BorderNotice, { id: row.instanceId, brigadeId: row.brigadeId });
  if (!n) return null;
  const squadIds = (typeof n.squadIds === 'string' ? JSON.parse(n.squadIds) : n.squadIds) as number[];
  return {
    subject: { type: 'border_notice', id: n.id, groupId: n.groupId, squadIds },
    params: { recordId: n.id, title: n.location, note: n.what.slice(0, 500) },
    link: `/border-notices/${n.id}`,
  };
}

/** R13: a detained item (its disposal approved, its limit extended). */
async function goodsSubject(m: EntityManager, row: OutboxRow): Promise<Announcement | null> {
  if (row.instanceId === null) return null;
  const item = await m.findOneBy(GoodsItem, { id: row.instanceId, brigadeId: row.brigadeId });
  if (!item) return null;
  return {
    subject: { type: 'goods', id: item.id, custodianSquadId: item.custodianSquadId },
    params: {
      operationId: item.id,
      title: `${item.description}（${item.quantity} ${item.unit}）`,
      note: await noteOf(m, row),
    },
    link: `/goods/${item.id}`,
  };
}

/** R10: a case transfer. */
async function caseTransferSubject(m: EntityManager, row: OutboxRow): Promise<Announcement | null> {
  if (row.instanceId === null) return null;
  const transfer = await m.findOneBy(CaseTransfer, { id: row.instanceId, brigadeId: row.brigadeId });
  if (!transfer) return null;
  const found = await m.findOneBy(Case, { id: transfer.caseId });
  return {
    subject: {
      type: 'case_transfer',
      id: transfer.id,
      fromSquadId: transfer.fromSquadId,
      toSquadId: transfer.toSquadId,
      designatedSquadId: transfer.designatedSquadId,
    },
    params: { transferId: transfer.id, reference: found?.reference ?? '', note: await noteOf(m, row) },
    link: `/transfers/${transfer.id}`,
  };
}

/**
 * The loaders by the outbox row's `workflow`. A workflow that announces
 * something adds its loader here (and its topics to recipients.ts).
 */
/** Reads the records behind several outbox rows of one workflow at once: by outbox row id, null when gone. */
export type SubjectBatchLoader = (
  m: EntityManager,
  rows: readonly OutboxRow[],
) => Promise<Map<number, Announcement | null>>;

/** Workflows whose records a batch reads in a fixed number of statements (the rest: row by row). */
export const SUBJECT_BATCH_LOADERS: Partial<Record<string, SubjectBatchLoader>> = {
  operation: operationSubjects,
};

export const SUBJECT_LOADERS: Partial<Record<string, SubjectLoader>> = {
  operation: operationSubject,
  flag: flagSubject,
  group_plan: groupPlanSubject,
  meeting: meetingSubject,
  hard_problem: hardProblemSubject,
  border_notice: borderNoticeSubject,
  goods: goodsSubject,
  case_transfer: caseTransferSubject,
};

/** The people of one brigade, their roles and squads, and where its squads belong. */
export async function loadDirectory(
  m: EntityManager,
  brigadeId: number,
): Promise<Directory & { byId: Map<number, User> }> {
  const [users, squads] = await Promise.all([
    m.find(User, {
      select: { id: true, brigadeId: true, squadId: true, active: true, username: true, displayName: true },
      where: { brigadeId },
    }),
    m.find(Squad, { select: { id: true, groupId: true }, where: { brigadeId } }),
  ]);
  const roles = users.length ? await m.find(UserRole, { where: { userId: In(users.map((u) => u.id)) } }) : [];
  const rolesOf = new Map<number, string[]>();
  for (const r of roles) rolesOf.set(r.userId, [...(rolesOf.get(r.userId) ?? []), r.role]);
  return {
    brigadeId,
    users: users.map((u) => ({
      id: u.id,
      brigadeId: u.brigadeId,
      squadId: u.squadId,
      active: Boolean(u.active),
      roles: rolesOf.get(u.id) ?? [],
    })),
    squads: squads.map((s) => ({ id: s.id, groupId: s.groupId })),
    byId: new Map(users.map((u) => [u.id, u])),
  };
}
