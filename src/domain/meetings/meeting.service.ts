import type { EntityManager } from 'typeorm';
import {
  type MeetingArrangements,
  type MeetingContext,
  type Rotation,
  arrangementProblems,
  mayCreateMeeting,
  rotation,
} from '../../../workflows/meeting';
import type { Clock } from '../../clock';
import type { WorkflowEngine } from '../../engine/engine';
import type { CommandEvent } from '../../engine/workflow-definition';
import { ForbiddenError, RuleViolationError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { LinkageGroup, Meeting, Squad, User, type WorkflowHistory } from '../../persistence/entities';
import { listMeetings } from './meetings.queries';
import type { OrgService, Principal } from '../org/org.service';
import { assertMayRead, groupMembers, membersByGroup, readableGroupIds } from '../plans/group-scope';
import type { MeetingArrangementsInput, MeetingEventInput, MeetingFilters, NewMeetingInput } from './meeting.inputs';
import { type MeetingWorkflow, meetingFacts, rotationHistory } from './meeting.workflow';
import { known } from '../../known';

/** Everything known about one meeting, for presenters. */
export interface MeetingRecordView {
  meeting: Meeting;
  state: string;
  version: number;
  context: MeetingContext;
  allowedEvents: string[];
  group: LinkageGroup | null;
  squadById: Map<number, Squad>;
  userById: Map<number, User>;
}

/** A group's rotation (R9) with the meetings it names, for the page that explains it. */
export interface GroupRotation {
  group: LinkageGroup;
  rotation: Rotation;
  /** The meetings the rotation counted, by id (their period and when). */
  meetingById: Map<number, { period: string; meetingAt: Date; convenerSquadId: number | null }>;
}

export interface MeetingList {
  items: Meeting[];
  groupById: Map<number, LinkageGroup>;
  squadById: Map<number, Squad>;
}

/** R9's meetings: the API and the web both call these (STYLE habit 1). */
export class MeetingService {
  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly org: OrgService,
    private readonly workflow: MeetingWorkflow,
    private readonly clock: Clock,
  ) {}

  /**
   * Arranges a meeting (state `scheduled`). A group meeting's convener is the
   * squad the rotation names unless another is given, with a reason (R9).
   */
  async create(actor: Principal, input: NewMeetingInput): Promise<number> {
    return this.db.transaction(async (m) => {
      let groupId: number | null = null;
      let members: number[] = [];
      let rotationConvener: number | null = null;
      if (input.kind === 'group') {
        if (!input.group) throw new ValidationError('A group meeting names its group', { group: 'required' });
        groupId = (await this.org.resolveGroupCode(actor.brigadeId, input.group, 'group', m)).id;
        members = await groupMembers(m, actor.brigadeId, groupId);
        rotationConvener = rotation(members, await rotationHistory(m, groupId)).next;
      }
      const permit = mayCreateMeeting(actor, input.kind, members);
      if (!permit.ok)
        throw new ForbiddenError(
          'Only a squad leader of the group (or a manager, for the HQ’s meeting) arranges it',
          permit.reason,
        );
      const arrangements = await this.toArrangements(m, actor, input, null, rotationConvener, input.kind === 'group');
      const facts = await meetingFacts(m, actor, groupId);
      const problems = arrangementProblems(input.kind, arrangements, rotationConvener, facts);
      if (problems.length) throw new RuleViolationError('The meeting is not valid', problems);
      const created = await this.engine.create(
        this.workflow,
        actor,
        permit.role,
        {
          kind: input.kind,
          groupId,
          arrangements,
          rotationConvenerSquadId: rotationConvener,
          memberSquadIds: members,
          createdBy: actor.userId,
        },
        m,
      );
      return created.id;
    });
  }

  async send(actor: Principal, id: number, input: MeetingEventInput): Promise<{ state: string; version: number }> {
    const { expectedVersion, ...rest } = input;
    const m = this.db.manager;
    // The command is prepared from codes and the stored arrangements: who may send it is asked first (issue 11, finding 8).
    const loaded =
      rest.type === 'CANCEL' ? null : await this.engine.loadAuthorized(m, this.workflow, id, actor, rest.type);
    let command: CommandEvent;
    switch (rest.type) {
      case 'EDIT_MEETING': {
        if (!loaded) throw new Error('EDIT_MEETING: the meeting was not loaded');
        const ctx = loaded.context;
        command = {
          type: 'EDIT_MEETING',
          arrangements: await this.toArrangements(m, actor, rest.meeting, ctx.arrangements, null, ctx.kind === 'group'),
        };
        break;
      }
      case 'RECORD': {
        const squads = await this.org.resolveSquadCodes(actor.brigadeId, rest.attendeeSquads, 'attendeeSquads', m);
        command = {
          type: 'RECORD',
          record: {
            heldAt: rest.heldAt ? new Date(rest.heldAt).toISOString() : this.clock.now().toISOString(),
            attendeeSquadIds: rest.attendeeSquads.map((c) => known(squads, c, 'squad').id),
            attendees: (rest.attendees ?? []).map((a) => a.trim()).filter(Boolean),
            minutes: rest.minutes.trim(),
            decisions: (rest.decisions ?? []).map((d) => d.trim()).filter(Boolean),
          },
        };
        break;
      }
      default:
        command = { ...rest };
    }
    const result = await this.engine.send(this.workflow, id, actor, command, { expectedVersion });
    return { state: result.state, version: result.version };
  }

  async get(actor: Principal, id: number): Promise<MeetingRecordView> {
    const m = this.db.manager;
    const loaded = await this.engine.load(m, this.workflow, id, actor);
    const ctx = loaded.context;
    const members = ctx.groupId === null ? [] : await groupMembers(m, actor.brigadeId, ctx.groupId);
    // The HQ's summary meeting is the whole brigade's; a group's is the group's and the managers'.
    if (ctx.kind === 'group') assertMayRead(actor, members);
    const [meeting, group, squads, users] = await Promise.all([
      m.findOneByOrFail(Meeting, { id }),
      ctx.groupId === null ? null : m.findOneByOrFail(LinkageGroup, { id: ctx.groupId }),
      m.find(Squad, { where: { brigadeId: actor.brigadeId } }),
      this.org.usersByIds(
        [ctx.createdBy, ctx.recordedBy].filter((x): x is number => x !== null),
        m,
      ),
    ]);
    return {
      meeting,
      state: loaded.state,
      version: loaded.row.version,
      context: ctx,
      allowedEvents: this.engine.allowedEvents(this.workflow, loaded, actor),
      group,
      squadById: new Map(squads.map((s) => [s.id, s])),
      userById: new Map(users.map((u) => [u.id, u])),
    };
  }

  async history(actor: Principal, id: number): Promise<WorkflowHistory[]> {
    await this.get(actor, id);
    return this.engine.history(this.db.manager, id);
  }

  /** R9: who convenes the group's next meeting, and why (the queue with each squad's place in it). */
  async rotation(actor: Principal, groupCode: string): Promise<GroupRotation> {
    const m = this.db.manager;
    const group = await this.org.resolveGroupCode(actor.brigadeId, groupCode, 'group', m);
    const members = await groupMembers(m, actor.brigadeId, group.id);
    assertMayRead(actor, members);
    return this.rotationOf(m, group, members);
  }

  /** R9: the rotation of a group the caller already read, over `members` (its active squads, in order). */
  async rotationOf(m: EntityManager | null, group: LinkageGroup, members: number[]): Promise<GroupRotation> {
    m ??= this.db.manager;
    const history = await rotationHistory(m, group.id);
    return {
      group,
      rotation: rotation(members, history),
      meetingById: new Map(
        history.map((h) => [h.id, { period: h.period, meetingAt: h.meetingAt, convenerSquadId: h.convenerSquadId }]),
      ),
    };
  }

  /** The meetings this user may read — the HQ's, and their group's (every group's for a manager) — newest first. */
  async list(actor: Principal, filters: MeetingFilters): Promise<MeetingList> {
    const m = this.db.manager;
    const [groups, members, squads] = await Promise.all([
      m.find(LinkageGroup, { where: { brigadeId: actor.brigadeId } }),
      membersByGroup(m, actor.brigadeId),
      m.find(Squad, { where: { brigadeId: actor.brigadeId } }),
    ]);
    const readable = readableGroupIds(actor, groups, members);
    let groupId: number | undefined;
    if (filters.group) {
      const group = groups.find((g) => g.code === filters.group);
      if (!group)
        throw new ValidationError(`Unknown group code: ${filters.group}`, { group: `unknown_code:${filters.group}` });
      if (!readable.includes(group.id))
        throw new ForbiddenError(
          'Only the group’s own squads and the managers read its meetings',
          'not_group_or_manager',
        );
      groupId = group.id;
    }
    const { kind, period, year, state } = filters;
    const items = await listMeetings(m, {
      brigadeId: actor.brigadeId,
      groupId,
      readableGroupIds: readable,
      kind,
      period,
      year,
      state,
      take: 500,
    });
    return {
      items,
      groupById: new Map(groups.map((g) => [g.id, g])),
      squadById: new Map(squads.map((s) => [s.id, s])),
    };
  }

  /**
   * Arrangements from codes, over `base` (for edits). A new group meeting's
   * convener defaults to the rotation's; the HQ's meeting has none.
   */
  private async toArrangements(
    m: EntityManager,
    actor: Principal,
    input: MeetingArrangementsInput,
    base: MeetingArrangements | null,
    rotationConvener: number | null,
    isGroup: boolean,
  ): Promise<MeetingArrangements> {
    let convenerSquadId: number | null = base?.convenerSquadId ?? rotationConvener;
    if (isGroup && input.convenerSquad) {
      convenerSquadId = known(
        await this.org.resolveSquadCodes(actor.brigadeId, [input.convenerSquad], 'convenerSquad', m),
        input.convenerSquad,
        'squad',
      ).id;
    }
    if (!isGroup) convenerSquadId = null;
    const reason = input.convenerReason !== undefined ? input.convenerReason : (base?.convenerReason ?? null);
    return {
      plannedStart: input.plannedStart ? new Date(input.plannedStart).toISOString() : (base?.plannedStart ?? ''),
      place: (input.place ?? base?.place ?? '').trim(),
      agenda: (input.agenda ?? base?.agenda ?? '').trim(),
      convenerSquadId,
      convenerReason: reason && reason.trim() ? reason.trim() : null,
    };
  }
}
