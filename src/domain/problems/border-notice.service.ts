import { In } from 'typeorm';
import { type BorderNoticeContext, maySendNotice, noticeReportProblems } from '../../../workflows/border-notice';
import type { Clock } from '../../clock';
import type { WorkflowEngine } from '../../engine/engine';
import { ForbiddenError, RuleViolationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { BorderNotice, Squad, type User, type WorkflowHistory } from '../../persistence/entities';
import type { PlanInput } from '../operations/operation.inputs';
import type { OperationService } from '../operations/operation.service';
import type { OrgService, Principal } from '../org/org.service';
import type { HardProblemService } from './hard-problem.service';
import type { ProblemReportInput } from './hard-problem.inputs';
import type { BorderNoticeWorkflow } from './border-notice.workflow';
import { decodeCursor, encodeCursor } from '../../persistence/cursor';
import { listNotices } from './problems.queries';
import { known } from '../../known';
import { type AttachedFile, attachedFilesOf } from '../files/files.service';

export interface BorderNoticeInputData {
  location: string;
  what: string;
  /** The squads at the border (codes), the sender's own among them. */
  squads: string[];
  /** Default now. */
  seenAt?: string;
  /** Issue 13: evidence file ids, attached in the notice's transaction. */
  files?: string[];
}

export type BorderNoticeEventInput = { expectedVersion?: number } & (
  | {
      type: 'TO_PROBLEM';
      problem?: Partial<Pick<ProblemReportInput, 'category' | 'title' | 'description' | 'evidence'>>;
    }
  | { type: 'TO_PLAN'; plan: PlanInput }
  | { type: 'CLOSE'; reason: string }
);

export interface BorderNoticeRecordView {
  notice: BorderNotice;
  state: string;
  version: number;
  context: BorderNoticeContext;
  allowedEvents: string[];
  squadById: Map<number, Squad>;
  userById: Map<number, User>;
  /** Issue 13: its evidence files (photos of what was seen), in the order attached. */
  files: AttachedFile[];
}

export interface BorderNoticeFilters {
  state?: string[];
  cursor?: string;
  limit?: number;
}

/** Border notifications (R8): sent by officers, acted on by the group's squad leaders. */
export class BorderNoticeService {
  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly org: OrgService,
    private readonly workflow: BorderNoticeWorkflow,
    private readonly problems: HardProblemService,
    private readonly operations: OperationService,
    private readonly clock: Clock,
    /** Issue 13: `files.takenLongBeforeHours` (a photo this much older than its step is marked). */
    private readonly takenLongBeforeHours = 24,
  ) {}

  /** R8: an officer tells the group of a violation at the border their squad cannot handle alone. */
  async send(actor: Principal, input: BorderNoticeInputData): Promise<number> {
    return this.db.transaction(async (m) => {
      const permit = maySendNotice(actor);
      if (!permit.ok)
        throw new ForbiddenError('Officers and squad leaders of a squad send border notifications', permit.reason);
      const ownId = actor.squadId;
      if (ownId === null) throw new Error("a border notice's permit without a squad");
      const squads = await this.org.resolveSquadCodes(actor.brigadeId, input.squads, 'squads', m);
      const own = await m.findOneByOrFail(Squad, { id: ownId });
      const active = await m.find(Squad, { select: { id: true }, where: { brigadeId: actor.brigadeId, active: true } });
      const now = this.clock.now().toISOString();
      const report = {
        location: input.location.trim(),
        what: input.what.trim(),
        squadIds: input.squads.map((c) => known(squads, c, 'squad').id),
        seenAt: input.seenAt ? new Date(input.seenAt).toISOString() : now,
      };
      const problems = noticeReportProblems(
        report,
        own.id,
        active.map((s) => s.id),
        now,
      );
      if (problems.length) throw new RuleViolationError('The notification is not valid', problems);
      const created = await this.engine.create(
        this.workflow,
        actor,
        permit.role,
        {
          report,
          senderSquadId: own.id,
          groupId: own.groupId,
          sentBy: actor.userId,
          ...(input.files?.length ? { files: input.files } : {}),
        },
        m,
      );
      return created.id;
    });
  }

  /**
   * One step on a notice. TO_PROBLEM reports a hard problem from it (source
   * `notification`, R7) and TO_PLAN drafts an `ad_hoc` operation (R8), each
   * in the same transaction as the notice's step: both happen or neither.
   */
  async act(
    actor: Principal,
    id: number,
    input: BorderNoticeEventInput,
  ): Promise<{ state: string; version: number; problemId?: number; operationId?: number }> {
    const { expectedVersion } = input;
    if (input.type === 'CLOSE') {
      const r = await this.engine.send(
        this.workflow,
        id,
        actor,
        { type: 'CLOSE', reason: input.reason },
        { expectedVersion },
      );
      return { state: r.state, version: r.version };
    }
    // Who may act is checked before anything is created (a 403 leaves no orphan behind).
    const loaded = await this.engine.load(this.db.manager, this.workflow, id, actor);
    if (!this.engine.allowedEvents(this.workflow, loaded, actor).includes(input.type)) {
      const permit = this.workflow.may(input.type, actor, loaded.context, loaded.state);
      if (!permit.ok) throw new ForbiddenError(`You may not send ${input.type}`, permit.reason);
    }
    const ctx = loaded.context;
    const codes = await this.squadCodes(ctx.report.squadIds);
    const draft = input.type === 'TO_PLAN' ? await this.planDraft(actor, id) : null;
    return this.db.transaction(async (m) => {
      if (input.type === 'TO_PROBLEM') {
        const extra = input.problem ?? {};
        const { id: problemId } = await this.problems.report(
          actor,
          {
            source: 'notification',
            category: extra.category ?? 'other',
            title: extra.title?.trim() || ctx.report.what.slice(0, 60),
            description: extra.description?.trim() || ctx.report.what,
            location: ctx.report.location,
            squads: codes,
            evidence: extra.evidence,
          },
          { fromNoticeId: id, tx: m },
        );
        const r = await this.engine.send(
          this.workflow,
          id,
          actor,
          { type: 'TO_PROBLEM', problemId },
          { expectedVersion, tx: m },
        );
        return { state: r.state, version: r.version, problemId };
      }
      // R8: the plan is the notice's pre-filled draft, with what the leader changed on it.
      const operationId = await this.operations.create(actor, { ...draft, ...input.plan, kind: 'ad_hoc' }, m);
      const r = await this.engine.send(
        this.workflow,
        id,
        actor,
        { type: 'TO_PLAN', operationId },
        { expectedVersion, tx: m },
      );
      return { state: r.state, version: r.version, operationId };
    });
  }

  /** An ad_hoc plan pre-filled from the notice (R8): the plan form opens with it. */
  async planDraft(actor: Principal, id: number): Promise<PlanInput> {
    const v = await this.get(actor, id);
    const ctx = v.context;
    const codes = await this.squadCodes(ctx.report.squadIds);
    const group =
      ctx.groupId !== null
        ? (await this.org.groups(actor.brigadeId)).find((g) => g.group.id === ctx.groupId)?.group.code
        : undefined;
    const lead = (actor.squadId !== null ? v.squadById.get(actor.squadId)?.code : undefined) ?? codes[0];
    const host = v.squadById.get(ctx.senderSquadId)?.code ?? codes[0];
    return {
      kind: 'ad_hoc',
      group: group ?? null,
      leadSquad: lead,
      hostSquad: host,
      squads: [...new Set([lead, ...codes])],
      title: ctx.report.what.slice(0, 60),
      problemSource: 'notification',
      location: ctx.report.location,
      situation: ctx.report.what,
    };
  }

  async get(actor: Principal, id: number): Promise<BorderNoticeRecordView> {
    const m = this.db.manager;
    const loaded = await this.engine.load(m, this.workflow, id, actor);
    const ctx = loaded.context;
    const [notice, squads, users, files] = await Promise.all([
      m.findOneByOrFail(BorderNotice, { id }),
      m.find(Squad, { where: { brigadeId: actor.brigadeId } }),
      this.org.usersByIds(
        [ctx.sentBy, ctx.decidedBy].filter((x): x is number => x !== null),
        m,
      ),
      attachedFilesOf(m, actor.brigadeId, 'border_notice', id, this.takenLongBeforeHours),
    ]);
    return {
      notice,
      state: loaded.state,
      version: loaded.row.version,
      context: ctx,
      allowedEvents: this.engine.allowedEvents(this.workflow, loaded, actor),
      squadById: new Map(squads.map((s) => [s.id, s])),
      userById: new Map(users.map((u) => [u.id, u])),
      files,
    };
  }

  async history(actor: Principal, id: number): Promise<WorkflowHistory[]> {
    await this.engine.load(this.db.manager, this.workflow, id, actor);
    return this.engine.history(this.db.manager, id);
  }

  async list(
    actor: Principal,
    filters: BorderNoticeFilters,
  ): Promise<{ items: BorderNotice[]; nextCursor: string | null; squadById: Map<number, Squad> }> {
    const m = this.db.manager;
    const limit = Math.min(Math.max(filters.limit ?? 50, 1), 200);
    const query = {
      brigadeId: actor.brigadeId,
      states: filters.state,
      beforeId: filters.cursor ? decodeCursor(filters.cursor) : undefined,
      take: limit + 1,
    };
    const [rows, squads] = await Promise.all([
      listNotices(m, query),
      m.find(Squad, { where: { brigadeId: actor.brigadeId } }),
    ]);
    const items = rows.slice(0, limit);
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null,
      squadById: new Map(squads.map((s) => [s.id, s])),
    };
  }

  private async squadCodes(ids: number[]): Promise<string[]> {
    const squads = ids.length ? await this.db.manager.find(Squad, { where: { id: In(ids) } }) : [];
    return ids.map((id) => {
      const squad = squads.find((s) => s.id === id);
      if (!squad) throw new Error(`squad ${id} not found`);
      return squad.code;
    });
  }
}
