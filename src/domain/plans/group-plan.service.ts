import { type EntityManager, In } from 'typeorm';
import type { Config } from '../../../config';
import {
  type GroupPlanContent,
  type GroupPlanContext,
  type PlannedOperation,
  contentProblems,
  mayCreateGroupPlan,
} from '../../../workflows/group-plan';
import type { Clock } from '../../clock';
import type { WorkflowEngine } from '../../engine/engine';
import type { CommandEvent } from '../../engine/workflow-definition';
import { ConflictError, ForbiddenError, RuleViolationError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { GroupPlan, LinkageGroup, Operation, Squad, User, type WorkflowHistory } from '../../persistence/entities';
import { type GroupPlanListQuery, groupOperationsBetween, listGroupPlans } from './plans.queries';
import type { OrgService, Principal } from '../org/org.service';
import { isUniqueViolation } from '../../persistence/dialect';
import { addMonths, monthBounds, monthOf } from '../oversight/periods';
import type {
  GroupPlanContentInput,
  GroupPlanEventInput,
  GroupPlanFilters,
  NewGroupPlanInput,
} from './group-plan.inputs';
import { type GroupPlanWorkflow, groupPlanFacts } from './group-plan.workflow';
import { assertMayRead, groupMembers, membersByGroup, readableGroupIds } from './group-scope';
import { known } from '../../known';

/** Everything known about one group plan, for presenters. */
export interface GroupPlanRecord {
  plan: GroupPlan;
  state: string;
  version: number;
  context: GroupPlanContext;
  allowedEvents: string[];
  group: LinkageGroup;
  squadById: Map<number, Squad>;
  userById: Map<number, User>;
  /** The group's joint operations of the month as they really are (planned or begun in it), to set against the plan. */
  monthOperations: Operation[];
}

export interface GroupPlanList {
  items: GroupPlan[];
  groupById: Map<number, LinkageGroup>;
}

/** R5's monthly group plans: the API and the web both call these (STYLE habit 1). */
export class GroupPlanService {
  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly org: OrgService,
    private readonly workflow: GroupPlanWorkflow,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {}

  /** Drafts a group's plan for a month (state `draft`): one per group and month. */
  async create(actor: Principal, input: NewGroupPlanInput): Promise<number> {
    try {
      return await this.db.transaction(async (m) => {
        const group = await this.org.resolveGroupCode(actor.brigadeId, input.group, 'group', m);
        const members = await groupMembers(m, actor.brigadeId, group.id);
        const permit = mayCreateGroupPlan(actor, members);
        if (!permit.ok)
          throw new ForbiddenError('Only a squad leader of the group drafts its monthly plan', permit.reason);
        await this.checkMonth(m, actor, input.month);
        const existing = await m.findOneBy(GroupPlan, { groupId: group.id, month: input.month });
        if (existing) throw planExists(existing.id);
        const content = await this.toContent(m, actor, input, null);
        // A draft may be incomplete, but what it says must make sense (completeness is checked at FILE).
        const facts = await groupPlanFacts(m, actor.brigadeId, group.id, content, actor.timeZone, this.config);
        const problems = contentProblems(content, input.month, facts);
        if (problems.length) throw new RuleViolationError('The plan is not valid', problems);
        const created = await this.engine.create(
          this.workflow,
          actor,
          permit.role,
          {
            groupId: group.id,
            month: input.month,
            // R5: filed before the month starts (midnight, brigade time).
            dueAt: monthBounds(input.month, actor.timeZone).start.toISOString(),
            content,
            createdBy: actor.userId,
          },
          m,
        );
        return created.id;
      });
    } catch (e) {
      // Two leaders of the group drafting the same month at once: the unique index keeps one.
      if (isUniqueViolation(e)) throw planExists(null);
      throw e;
    }
  }

  async send(actor: Principal, id: number, input: GroupPlanEventInput): Promise<{ state: string; version: number }> {
    const { expectedVersion, ...rest } = input;
    let command: CommandEvent = rest;
    if (rest.type === 'EDIT_PLAN') {
      // Who may edit it comes before what is wrong with the edit (issue 11, finding 8).
      const loaded = await this.engine.loadAuthorized(this.db.manager, this.workflow, id, actor, 'EDIT_PLAN');
      command = {
        type: 'EDIT_PLAN',
        content: await this.toContent(this.db.manager, actor, rest.plan, loaded.context.content),
      };
    }
    const result = await this.engine.send(this.workflow, id, actor, command, { expectedVersion });
    return { state: result.state, version: result.version };
  }

  async get(actor: Principal, id: number): Promise<GroupPlanRecord> {
    const m = this.db.manager;
    const loaded = await this.engine.load(m, this.workflow, id, actor);
    const ctx = loaded.context;
    const members = await groupMembers(m, actor.brigadeId, ctx.groupId);
    assertMayRead(actor, members);
    const { start, end } = monthBounds(ctx.month, actor.timeZone);
    const [plan, group, squads, monthOperations] = await Promise.all([
      m.findOneByOrFail(GroupPlan, { id }),
      m.findOneByOrFail(LinkageGroup, { id: ctx.groupId }),
      m.find(Squad, { where: { brigadeId: actor.brigadeId } }),
      groupOperationsBetween(m, actor.brigadeId, ctx.groupId, start, end),
    ]);
    const users = await this.org.usersByIds(
      [ctx.createdBy, ctx.filedBy, ctx.returnedBy].filter((x): x is number => x !== null),
      m,
    );
    return {
      plan,
      state: loaded.state,
      version: loaded.row.version,
      context: ctx,
      allowedEvents: this.engine.allowedEvents(this.workflow, loaded, actor),
      group,
      squadById: new Map(squads.map((s) => [s.id, s])),
      userById: new Map(users.map((u) => [u.id, u])),
      monthOperations,
    };
  }

  async history(actor: Principal, id: number): Promise<WorkflowHistory[]> {
    await this.get(actor, id);
    return this.engine.history(this.db.manager, id);
  }

  /** The plans of the groups this user may read, by month (newest first) and group. */
  async list(actor: Principal, filters: GroupPlanFilters): Promise<GroupPlanList> {
    const m = this.db.manager;
    const [groups, members] = await Promise.all([
      m.find(LinkageGroup, { where: { brigadeId: actor.brigadeId } }),
      membersByGroup(m, actor.brigadeId),
    ]);
    const readable = readableGroupIds(actor, groups, members);
    let which: GroupPlanListQuery['groups'];
    if (filters.group) {
      const group = groups.find((g) => g.code === filters.group);
      if (!group)
        throw new ValidationError(`Unknown group code: ${filters.group}`, { group: `unknown_code:${filters.group}` });
      if (!readable.includes(group.id))
        throw new ForbiddenError('Only the group’s own squads and the managers read its plans', 'not_group_or_manager');
      which = { groupId: group.id };
    } else if (readable.length) which = { groupIds: readable };
    else return { items: [], groupById: new Map() };
    const { month, year, state } = filters;
    const items = await listGroupPlans(m, { brigadeId: actor.brigadeId, groups: which, month, year, state, take: 500 });
    return { items, groupById: new Map(groups.map((g) => [g.id, g])) };
  }

  /** R5: a plan is for a month from the brigade's first in Liandong to `plans.monthsAhead` ahead of the month under way. */
  private async checkMonth(m: EntityManager, actor: Principal, month: string): Promise<void> {
    const brigade = await this.org.brigadeById(actor.brigadeId, m);
    const from = brigade.since;
    const to = addMonths(monthOf(this.clock.now(), actor.timeZone), this.config.plans.monthsAhead);
    if (month < from || month > to)
      throw new RuleViolationError(`A plan is for a month from ${from} to ${to}`, [
        { code: 'month_out_of_range', field: 'month', rule: 'R5', params: { from, to } },
      ]);
  }

  /** Builds the machine's content from codes, over `base` (for edits). Unknown squad codes are a 400 naming the line. */
  async toContent(
    m: EntityManager,
    actor: Principal,
    input: GroupPlanContentInput,
    base: GroupPlanContent | null,
  ): Promise<GroupPlanContent> {
    const lines = input.operations;
    let operations: PlannedOperation[] = base?.operations ?? [];
    if (lines) {
      const codes = [...new Set(lines.map((l) => l.leadSquad).filter((c): c is string => !!c))];
      const found = codes.length ? await m.find(Squad, { where: { brigadeId: actor.brigadeId, code: In(codes) } }) : [];
      const byCode = new Map(found.map((s) => [s.code, s.id]));
      const unknown: Record<string, string> = {};
      lines.forEach((l, i) => {
        if (l.leadSquad && !byCode.has(l.leadSquad))
          unknown[`operations.${i}.leadSquad`] = `unknown_code:${l.leadSquad}`;
      });
      if (Object.keys(unknown).length) throw new ValidationError('Unknown squad code(s)', unknown);
      operations = lines.map((l) => ({
        date: (l.date ?? '').trim(),
        title: (l.title ?? '').trim(),
        leadSquadId: l.leadSquad ? known(byCode, l.leadSquad, 'squad') : null,
        location: (l.location ?? '').trim(),
        problemSource: l.problemSource ?? null,
        operationId: l.operation ?? null,
      }));
    }
    return {
      targets: input.targets ? input.targets.map((t) => t.trim()).filter((t) => t !== '') : (base?.targets ?? []),
      operations,
      notes: (input.notes ?? base?.notes ?? '').trim(),
    };
  }
}

function planExists(id: number | null): ConflictError {
  return new ConflictError(`The group already has a plan for this month${id ? ` (#${id})` : ''}`, 'plan_exists', {
    month: 'taken',
  });
}
