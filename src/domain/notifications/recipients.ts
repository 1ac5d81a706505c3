/**
 * Who is told of what (issue 4, item 7): a pure function of the event, what it
 * is about, and the organisation of its brigade. No database, no clock.
 */
import type { OperationKind } from '../../../workflows/operation';
import type { Role } from '../../../workflows/shared/actor';

/** One person of the organisation, as the rules of who-is-told see them. */
export interface DirectoryUser {
  id: number;
  brigadeId: number;
  squadId: number | null;
  roles: readonly Role[] | readonly string[];
  active: boolean;
}

/** The organisation of one brigade: its users and where its squads belong (R3). */
export interface Directory {
  brigadeId: number;
  users: readonly DirectoryUser[];
  squads: ReadonlyArray<{ id: number; groupId: number | null }>;
}

/** What an outbox row says happened. */
export interface OutboxEvent {
  topic: string;
  brigadeId: number;
  /** Who caused it (null: the system, a job): never told of their own action. */
  actorUserId: number | null;
  /** The state the record left (operation events), e.g. `approved` for a cancellation after approval. */
  from?: string | null;
}

/** The record an event is about, as far as who-is-told needs it. */
export type NotificationSubject =
  | {
      type: 'operation';
      id: number;
      kind: OperationKind | string;
      groupId: number | null;
      leadSquadId: number;
      hostSquadId: number | null;
      squadIds: readonly number[];
      designatedCommanderId: number | null;
    }
  | { type: 'flag'; id: number; groupId: number | null; squadId: number | null }
  | { type: 'group_plan'; id: number; groupId: number }
  | {
      type: 'meeting';
      id: number;
      kind: 'group' | 'hq_summary' | string;
      groupId: number | null;
      convenerSquadId: number | null;
    }
  | { type: 'hard_problem'; id: number; squadIds: readonly number[] }
  | { type: 'border_notice'; id: number; groupId: number | null; squadIds: readonly number[] }
  | { type: 'goods'; id: number; custodianSquadId: number }
  | { type: 'case_transfer'; id: number; fromSquadId: number; toSquadId: number; designatedSquadId: number | null };

/** The topics the rules know, for tests and documentation. */
export const NOTIFICATION_TOPICS = [
  'operation.filed',
  'operation.approved',
  'operation.returned',
  'operation.cancelled',
  'operation.incident',
  'operation.serious_incident',
  'operation.rebound_observed',
  'operation.audit_due',
  'operation.audit_passed',
  'operation.audit_failed',
  'flag.raised',
  'group_plan.filed',
  'group_plan.returned',
  'meeting.scheduled',
  'meeting.recorded',
  'meeting.cancelled',
  'problem.reported',
  'problem.resolved',
  'problem.rebound',
  'border_notice.sent',
  'goods.disposal_approved',
  'goods.extended',
  'case_transfer.proposed',
  'case_transfer.accepted',
  'case_transfer.disputed',
  'case_transfer.designated',
  'case_transfer.withdrawn',
] as const;

/**
 * The people to tell of `event`, as sorted user ids: only active users of the
 * event's brigade, never the one who caused it.
 *
 * - plan filed → duty officers (R1, R6: the plan is filed with the Duty Command
 *   Section; commanders see filings in their inbox and are not told of each
 *   one), and commanders too when the operation is brigade-led (R4: the brigade's
 *   own operation, whose commander it designates);
 * - approved → the lead squad's leaders, the host squad's leaders and the
 *   designated commander (R4: whoever commands it must start it);
 * - returned → the lead squad's leaders (R6: they redraft and file again);
 * - cancelled → the lead squad's leaders; after approval also every squad
 *   taking part and the designated commander (they had forces committed);
 * - incident → duty officers (R1: the section coordinates); a serious or
 *   critical one → commanders and duty officers (R11);
 * - rebound observed while holding → the host squad's leaders and the leaders
 *   of the group's squads (R8, R12: the group rectifies together); without a
 *   group, the leaders of the squads that took part;
 * - audit due → inspectors not of the host squad (R14);
 * - audit passed / failed → the host squad's leaders (R12: they hold the site);
 * - flag raised → duty officers and commanders, and the leaders of the squad
 *   the flag names, else of the group's squads (SPEC §4);
 * - monthly plan filed → duty officers (R5: filed with the Duty Command
 *   Section); returned → the leaders of the group's squads (they redraft it);
 * - group meeting arranged, cancelled or recorded → the leaders of the group's
 *   squads (R9: they attend; the minutes are theirs); recorded also → duty
 *   officers (the section follows the groups' linkage content);
 * - HQ summary meeting arranged, cancelled or recorded → every squad leader and
 *   the commanders (R9: the brigade's half-yearly summary).
 * - case transfer proposed or withdrawn → the receiving squad's leaders;
 *   accepted → the sending squad's leaders; disputed → the legal section (R10:
 *   it designates) and the sending squad's leaders; designated → the leaders
 *   of both sides and of the squad designated.
 */
export function recipientsOf(event: OutboxEvent, subject: NotificationSubject | null, directory: Directory): number[] {
  const people = directory.users.filter(
    (u) => u.active && u.brigadeId === event.brigadeId && u.brigadeId === directory.brigadeId,
  );
  const has = (u: DirectoryUser, role: Role) => (u.roles as readonly string[]).includes(role);
  const withRole = (role: Role) => people.filter((u) => has(u, role)).map((u) => u.id);
  const leadersOf = (squadIds: ReadonlyArray<number | null>) => {
    const wanted = new Set(squadIds.filter((s): s is number => s !== null));
    return people.filter((u) => u.squadId !== null && wanted.has(u.squadId) && has(u, 'squad_leader')).map((u) => u.id);
  };
  const squadsOfGroup = (groupId: number | null) =>
    groupId === null ? [] : directory.squads.filter((s) => s.groupId === groupId).map((s) => s.id);
  const inspectorsNotOf = (squadId: number | null) =>
    people.filter((u) => has(u, 'inspector') && (squadId === null || u.squadId !== squadId)).map((u) => u.id);
  const user = (id: number | null) => (id !== null && people.some((u) => u.id === id) ? [id] : []);

  let told: number[] = [];
  if (subject?.type === 'operation') {
    const op = subject;
    switch (event.topic) {
      case 'operation.filed':
        told = [...withRole('duty_officer'), ...(op.kind === 'brigade_led' ? withRole('commander') : [])];
        break;
      case 'operation.approved':
        told = [...leadersOf([op.leadSquadId, op.hostSquadId]), ...user(op.designatedCommanderId)];
        break;
      case 'operation.returned':
        told = leadersOf([op.leadSquadId]);
        break;
      case 'operation.cancelled':
        told =
          event.from === 'approved'
            ? [...leadersOf([op.leadSquadId, op.hostSquadId, ...op.squadIds]), ...user(op.designatedCommanderId)]
            : leadersOf([op.leadSquadId]);
        break;
      case 'operation.incident':
        told = withRole('duty_officer');
        break;
      case 'operation.serious_incident':
        told = [...withRole('commander'), ...withRole('duty_officer')];
        break;
      case 'operation.rebound_observed':
        told = leadersOf([op.hostSquadId, ...(op.groupId !== null ? squadsOfGroup(op.groupId) : op.squadIds)]);
        break;
      case 'operation.audit_due':
        told = inspectorsNotOf(op.hostSquadId);
        break;
      case 'operation.audit_passed':
      case 'operation.audit_failed':
        told = leadersOf([op.hostSquadId]);
        break;
    }
  } else if (subject?.type === 'group_plan') {
    if (event.topic === 'group_plan.filed') told = withRole('duty_officer');
    if (event.topic === 'group_plan.returned') told = leadersOf(squadsOfGroup(subject.groupId));
  } else if (subject?.type === 'meeting' && event.topic.startsWith('meeting.')) {
    if (subject.kind === 'hq_summary') told = [...withRole('squad_leader'), ...withRole('commander')];
    else
      told = [
        ...leadersOf(squadsOfGroup(subject.groupId)),
        ...(event.topic === 'meeting.recorded' ? withRole('duty_officer') : []),
      ];
  } else if (subject?.type === 'hard_problem' && event.topic.startsWith('problem.')) {
    // §3.4: the squads at the border own the problem; the Duty Command Section follows every one (R1).
    // A resolution is for the section to see (and, for the hotline, to call back); the squads did it.
    told =
      event.topic === 'problem.resolved'
        ? withRole('duty_officer')
        : [...leadersOf(subject.squadIds), ...withRole('duty_officer')];
  } else if (subject?.type === 'border_notice' && event.topic === 'border_notice.sent') {
    // R8: the group is told (and the squads at the border, a mobile squad having no group).
    told = leadersOf([...squadsOfGroup(subject.groupId), ...subject.squadIds]);
  } else if (subject?.type === 'goods' && event.topic.startsWith('goods.')) {
    // R13: the custodian squad acts on a disposal approved or a limit moved.
    told = leadersOf([subject.custodianSquadId]);
  } else if (subject?.type === 'case_transfer') {
    // R10: a proposal (and its withdrawal) → the receiving squad's leaders; the answer → the sending squad's;
    // a dispute → the legal section, which designates; a designation → both sides and the squad named.
    const tr = subject;
    if (event.topic === 'case_transfer.proposed' || event.topic === 'case_transfer.withdrawn')
      told = leadersOf([tr.toSquadId]);
    if (event.topic === 'case_transfer.accepted') told = leadersOf([tr.fromSquadId]);
    if (event.topic === 'case_transfer.disputed') told = [...withRole('legal'), ...leadersOf([tr.fromSquadId])];
    if (event.topic === 'case_transfer.designated')
      told = leadersOf([tr.fromSquadId, tr.toSquadId, tr.designatedSquadId]);
  } else if (subject?.type === 'flag' && event.topic === 'flag.raised') {
    const squads = subject.squadId !== null ? [subject.squadId] : squadsOfGroup(subject.groupId);
    told = [...withRole('duty_officer'), ...withRole('commander'), ...leadersOf(squads)];
  }
  return [...new Set(told)].filter((id) => id !== event.actorUserId).sort((a, b) => a - b);
}
