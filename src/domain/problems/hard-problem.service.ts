import { type EntityManager, In, IsNull } from 'typeorm';
import type { Config } from '../../../config';
import {
  type HardProblemContext,
  type ProblemReport,
  type ReboundOrigin,
  mayReportProblem,
  reboundOriginsOf,
  reportProblems,
} from '../../../workflows/hard-problem';
import type { Clock } from '../../clock';
import type { WorkflowEngine } from '../../engine/engine';
import type { CommandEvent } from '../../engine/workflow-definition';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import {
  HardProblem,
  HardProblemOperation,
  HardProblemReport,
  HardProblemResolution,
  Operation,
  Squad,
  type User,
  WorkflowDeadline,
  type WorkflowHistory,
} from '../../persistence/entities';
import {
  type ProblemListQuery,
  listProblems,
  linkNewOperation,
  problemIdsOfPlan,
  recentProblemsOfCategory,
  unlinkOperation,
  versionsOf,
} from './problems.queries';
import { decodeCursor, encodeCursor } from '../../persistence/cursor';
import type { OrgService, Principal } from '../org/org.service';
import type { DuplicateQuery, ProblemEventInput, ProblemFilters, ProblemReportInput } from './hard-problem.inputs';
import { type HardProblemWorkflow, holdingSquadsOf, linkOperation, locationKey } from './hard-problem.workflow';
import { mayReadProblem, problemListReporter, reportAsSeenBy } from './problem.policy';
import { known } from '../../known';
import { type AttachedFile, attachedFilesOf } from '../files/files.service';

/** States of an operation that was carried out (it began). */
export const CARRIED_OUT: readonly string[] = ['in_progress', 'holding', 'awaiting_audit', 'closed'];

/** Everything known about one hard problem, for presenters. */
export interface HardProblemRecordView {
  problem: HardProblem;
  state: string;
  version: number;
  context: HardProblemContext;
  allowedEvents: string[];
  /** §3.4: where this reader may say a rebound was found (the origin follows the sender); empty unless it is resolved. */
  reboundOrigins: ReboundOrigin[];
  /** Its reports: its own, its rebounds and those of the duplicates merged into it, oldest first. */
  reports: HardProblemReport[];
  /** The operations whose plans target it (the plans say so; an edit of one changes this). */
  operations: Operation[];
  /** The operations that resolved it, each time one did, oldest first (apart from the targets: a plan's edit never changes these). */
  resolvedBy: Array<{ operation: Operation; at: Date; seq: number }>;
  /** Problems merged into it. */
  mergedFrom: HardProblem[];
  /** §3.5: the open time limit of its state (acceptance; a hotline one's call-back), if any. */
  timeLimit: WorkflowDeadline | null;
  squadById: Map<number, Squad>;
  userById: Map<number, User>;
  /** Issue 13: its evidence files (the report's, the rebounds'), in the order attached. */
  files: AttachedFile[];
}

export interface HardProblemPage {
  items: HardProblem[];
  nextCursor: string | null;
  squadById: Map<number, Squad>;
}

/** States a plan may name a problem in (§3.4: the operation tackles a problem not yet resolved). */
const TARGETABLE = ['reported', 'open'];

/** Hard problems (SPEC §3.4, R7, R15): the API, the web and the border notices call these (STYLE habit 1). */
export class HardProblemService {
  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly org: OrgService,
    private readonly workflow: HardProblemWorkflow,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {}

  /**
   * Reports a hard problem (state `reported`) and returns it with its likely
   * duplicates (same kind, same place, recent): the caller may merge it into
   * one, or — for a resolved one — report a rebound instead.
   */
  async report(
    actor: Principal,
    input: ProblemReportInput,
    opts: { fromNoticeId?: number; tx?: EntityManager } = {},
  ): Promise<{ id: number; duplicates: HardProblem[] }> {
    const run = async (m: EntityManager) => {
      const permit = mayReportProblem(actor, input.source);
      if (!permit.ok) throw new ForbiddenError('The hotline feed reports 12319 hotline complaints only', permit.reason);
      const squads = await this.org.resolveSquadCodes(actor.brigadeId, input.squads, 'squads', m);
      const active = await m.find(Squad, { select: { id: true }, where: { brigadeId: actor.brigadeId, active: true } });
      const report: ProblemReport = {
        source: input.source,
        category: input.category,
        title: input.title.trim(),
        description: input.description.trim(),
        location: input.location.trim(),
        squadIds: input.squads.map((c) => known(squads, c, 'squad').id),
        evidence: (input.evidence ?? [])
          .map((e) => ({ description: e.description.trim(), ref: e.ref?.trim() || null }))
          .filter((e) => e.description),
        hotlineRef: input.hotlineRef?.trim() || null,
        complainant: input.complainant?.trim() || null,
      };
      const problems = reportProblems(
        report,
        active.map((s) => s.id),
      );
      if (problems.length) throw new RuleViolationError('The report is not valid', problems);
      const created = await this.engine.create(
        this.workflow,
        actor,
        permit.role,
        {
          report,
          reportedBy: actor.userId,
          reportedAt: this.clock.now().toISOString(),
          fromNoticeId: opts.fromNoticeId ?? null,
          // Issue 13: kept in the step's payload; the engine's hook attaches them in this transaction.
          ...(input.files?.length ? { files: input.files } : {}),
        },
        m,
      );
      return created.id;
    };
    const id = opts.tx ? await run(opts.tx) : await this.db.transaction(run);
    // Inside a caller's transaction (a border notice becoming a problem) nobody is there to choose among duplicates.
    const duplicates = opts.tx
      ? []
      : (await this.duplicates(actor, { category: input.category, location: input.location })).filter(
          (p) => p.id !== id,
        );
    return { id, duplicates };
  }

  /**
   * Likely duplicates of a report (§3.4): problems of the brigade of the same
   * kind, at the same place (one place name containing the other, spaces and
   * punctuation aside), reported within the configured window, not merged.
   */
  async duplicates(actor: Principal, query: DuplicateQuery): Promise<Array<HardProblem & { version: number }>> {
    const key = locationKey(query.location ?? '');
    if (key.length < 2 || !query.category) return [];
    const since = new Date(this.clock.now().getTime() - this.config.problems.duplicateWindowDays * 86_400_000);
    const m = this.db.manager;
    const candidates = await recentProblemsOfCategory(m, actor.brigadeId, query.category, since);
    const found = candidates
      .filter((p) => p.locationKey === key || p.locationKey.includes(key) || key.includes(p.locationKey))
      .slice(0, 10);
    // Each with its version: a REBOUND on it is sent against what was seen (the hotline feed reads nothing more of a problem it did not report).
    const versions = await versionsOf(
      m,
      found.map((p) => p.id),
    );
    return found.map((p) => Object.assign(p, { version: versions.get(p.id) ?? 1 }));
  }

  /** Sends one event; MERGE names the survivor by id (`into`). */
  async send(
    actor: Principal,
    id: number,
    input: ProblemEventInput,
    opts: { tx?: EntityManager } = {},
  ): Promise<{ state: string; version: number }> {
    const { expectedVersion, ...rest } = input;
    // MERGE and RESOLVE are checked against other records first: who may send them is asked before (issue 11, finding 8).
    if (rest.type === 'MERGE' || rest.type === 'RESOLVE')
      await this.engine.loadAuthorized(opts.tx ?? this.db.manager, this.workflow, id, actor, rest.type);
    let command: CommandEvent;
    switch (rest.type) {
      case 'MERGE':
        if (rest.into === id)
          throw new RuleViolationError('A problem cannot be merged into itself', [
            { code: 'merge_into_itself', field: 'into', rule: '§3.4' },
          ]);
        command = { type: 'MERGE', intoId: rest.into, ...(rest.note ? { note: rest.note } : {}) };
        break;
      case 'RESOLVE': {
        if (rest.operation !== undefined && rest.operation !== null) {
          const op = await (opts.tx ?? this.db.manager).findOneBy(Operation, {
            id: rest.operation,
            brigadeId: actor.brigadeId,
          });
          if (!op)
            throw new ValidationError(`No operation ${rest.operation}`, {
              operation: `unknown_operation:${rest.operation}`,
            });
          // §3.4: resolved by an operation that was carried out, not by a plan on paper or a cancelled one.
          if (!CARRIED_OUT.includes(op.state)) {
            throw new RuleViolationError(`Operation ${op.id} was not carried out (${op.state})`, [
              { code: 'operation_not_carried_out', field: 'operation', rule: '§3.4', params: { state: op.state } },
            ]);
          }
        }
        command = { type: 'RESOLVE', note: rest.note, operationId: rest.operation ?? null };
        break;
      }
      case 'RECORD_CALLBACK':
        command = {
          ...rest,
          calledAt: rest.calledAt ? new Date(rest.calledAt).toISOString() : this.clock.now().toISOString(),
        };
        break;
      default:
        command = { ...rest };
    }
    const result = await this.engine.send(this.workflow, id, actor, command, { expectedVersion, tx: opts.tx });
    return { state: result.state, version: result.version };
  }

  async get(actor: Principal, id: number): Promise<HardProblemRecordView> {
    const m = this.db.manager;
    const loaded = await this.engine.load(m, this.workflow, id, actor);
    const ctx = loaded.context;
    const [problem, reports, links, resolutions, mergedFrom, squads, timeLimit] = await Promise.all([
      m.findOneByOrFail(HardProblem, { id }),
      m.find(HardProblemReport, { where: { problemId: id }, order: { at: 'ASC', id: 'ASC' } }),
      m.find(HardProblemOperation, { where: { problemId: id }, order: { linkedAt: 'ASC' } }),
      m.find(HardProblemResolution, { where: { problemId: id }, order: { seq: 'ASC' } }),
      m.find(HardProblem, { where: { mergedIntoId: id }, order: { id: 'ASC' } }),
      m.find(Squad, { where: { brigadeId: actor.brigadeId } }),
      m.findOne(WorkflowDeadline, { where: { instanceId: id, closedAt: IsNull() }, order: { dueAt: 'ASC' } }),
    ]);
    // The hotline feed reads only what it reported (problem.policy.ts); to it, anything else does not exist.
    if (!mayReadProblem(actor, { reporterIds: reporterIdsOf(ctx.reportedBy, reports) }))
      throw new NotFoundError(`No hard_problem ${id}`);
    const opIds = [...new Set([...links.map((l) => l.operationId), ...resolutions.map((r) => r.operationId)])];
    const ops = opIds.length ? await m.find(Operation, { where: { id: In(opIds) }, order: { id: 'ASC' } }) : [];
    const opById = new Map(ops.map((o) => [o.id, o]));
    const userIds = [
      ctx.reportedBy,
      ctx.acceptedBy,
      ...ctx.resolutions.map((r) => r.by),
      ...ctx.callbacks.map((c) => c.recordedBy),
      ...reports.map((r) => r.byUserId),
    ].filter((x): x is number => x !== null);
    const [users, files] = await Promise.all([
      this.org.usersByIds([...new Set(userIds)], m),
      attachedFilesOf(m, actor.brigadeId, 'problem', id, this.config.files.takenLongBeforeHours),
    ]);
    // R12: a rebound is found in holding by the squads at the border and by the host squads holding an operation of it now.
    const permitFacts =
      loaded.state === 'resolved' ? { holdingSquadIds: await holdingSquadsOf(m, actor.brigadeId, id) } : undefined;
    return {
      problem,
      state: loaded.state,
      version: loaded.row.version,
      // The complainant and the hotline reference as this reader may see them (problem.policy.ts).
      context: { ...ctx, report: reportAsSeenBy(actor, ctx.report, ctx.reportedBy) },
      allowedEvents: this.engine.allowedEvents(this.workflow, loaded, actor, permitFacts),
      reboundOrigins: permitFacts ? reboundOriginsOf(actor, ctx, permitFacts) : [],
      reports,
      operations: ops.filter((o) => links.some((l) => l.operationId === o.id)),
      resolvedBy: resolutions.map((r) => ({
        operation: known(opById, r.operationId, 'operation'),
        at: r.resolvedAt,
        seq: r.seq,
      })),
      mergedFrom,
      timeLimit,
      squadById: new Map(squads.map((s) => [s.id, s])),
      userById: new Map(users.map((u) => [u.id, u])),
      files,
    };
  }

  /**
   * The problem's history as this reader may see it (problem.policy.ts): none
   * of it for the hotline feed unless it reported the problem; the report's
   * complainant and hotline reference masked unless they may see them. The
   * stored steps are what the hash chain is checked against, never these copies.
   */
  async history(actor: Principal, id: number): Promise<WorkflowHistory[]> {
    const m = this.db.manager;
    const loaded = await this.engine.load(m, this.workflow, id, actor);
    const ctx = loaded.context;
    const reports = await m.find(HardProblemReport, { select: { byUserId: true }, where: { problemId: id } });
    if (!mayReadProblem(actor, { reporterIds: reporterIdsOf(ctx.reportedBy, reports) }))
      throw new NotFoundError(`No hard_problem ${id}`);
    const rows = await this.engine.history(m, id);
    return rows.map((h) => {
      const payload = h.payload as Record<string, unknown> | null;
      const report = payload?.report as ProblemReport | undefined;
      if (h.event !== 'CREATE' || !report) return h;
      const seen = reportAsSeenBy(actor, report, ctx.reportedBy);
      return seen === report
        ? h
        : Object.assign(Object.create(Object.getPrototypeOf(h)), h, { payload: { ...payload, report: seen } });
    });
  }

  /** A page of the brigade's hard problems, newest first (cursor pagination, SPEC §6). */
  async list(actor: Principal, filters: ProblemFilters): Promise<HardProblemPage> {
    const m = this.db.manager;
    const limit = Math.min(Math.max(filters.limit ?? 50, 1), 200);
    const squads = await m.find(Squad, { where: { brigadeId: actor.brigadeId } });
    // The hotline feed lists only what it reported (problem.policy.ts): its own problems, and those it told of a rebound on or that gained its report by a merge.
    const query: ProblemListQuery = {
      brigadeId: actor.brigadeId,
      reporterId: problemListReporter(actor),
      states: filters.state,
      source: filters.source,
      category: filters.category,
      take: limit + 1,
    };
    if (filters.squad) {
      const squad = squads.find((s) => s.code === filters.squad);
      if (!squad)
        throw new ValidationError(`Unknown squad code: ${filters.squad}`, { squad: `unknown_code:${filters.squad}` });
      query.squadId = squad.id;
    }
    if (filters.q) query.text = filters.q.replace(/[%_]/g, '');
    if (filters.cursor) query.beforeId = decodeCursor(filters.cursor);
    const rows = await listProblems(m, query);
    const items = rows.slice(0, limit);
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null,
      squadById: new Map(squads.map((s) => [s.id, s])),
    };
  }

  /**
   * The hard problems an operation's plan targets and those it resolved (its
   * page's section): one entry per problem, saying which of the two it is.
   */
  async ofOperation(
    actor: Principal,
    operationId: number,
  ): Promise<
    Array<{
      problem: HardProblem;
      version: number;
      allowedEvents: string[];
      targeted: boolean;
      resolvedHere: boolean;
      mayResolveHere: boolean;
    }>
  > {
    const m = this.db.manager;
    const [links, resolutions, operation] = await Promise.all([
      m.find(HardProblemOperation, { where: { operationId, brigadeId: actor.brigadeId } }),
      m.find(HardProblemResolution, { where: { operationId, brigadeId: actor.brigadeId } }),
      m.findOne(Operation, {
        select: { id: true, state: true },
        where: { id: operationId, brigadeId: actor.brigadeId },
      }),
    ]);
    // §3.4: an operation resolves a problem once it was carried out (`send` refuses it before).
    const carriedOut = operation !== null && CARRIED_OUT.includes(operation.state);
    const ids = [...new Set([...links.map((l) => l.problemId), ...resolutions.map((r) => r.problemId)])];
    if (!ids.length) return [];
    const problems = await m.find(HardProblem, { where: { id: In(ids) }, order: { id: 'ASC' } });
    return Promise.all(
      problems.map(async (problem) => {
        const loaded = await this.engine.load(m, this.workflow, problem.id, actor);
        const allowedEvents = this.engine.allowedEvents(this.workflow, loaded, actor);
        return {
          problem,
          version: loaded.row.version,
          allowedEvents,
          targeted: links.some((l) => l.problemId === problem.id),
          resolvedHere: resolutions.some((r) => r.problemId === problem.id),
          mayResolveHere: carriedOut && allowedEvents.includes('RESOLVE'),
        };
      }),
    );
  }

  /** The problem ids an operation's plan names now (its targets; not those it resolved without naming them). */
  async idsOfOperation(brigadeId: number, operationId: number): Promise<number[]> {
    const links = await this.db.manager.find(HardProblemOperation, {
      select: { problemId: true },
      where: { operationId, brigadeId },
    });
    return links.map((l) => l.problemId).sort((a, b) => a - b);
  }

  /** Problems a plan may target (reported or open), for the plan form. */
  async targetable(actor: Principal, alsoIds: readonly number[] = []): Promise<HardProblem[]> {
    const open = await this.db.manager.find(HardProblem, {
      where: { brigadeId: actor.brigadeId, state: In(TARGETABLE) },
      order: { id: 'DESC' },
      take: 200,
    });
    // Those a plan names already stay on offer whatever their state now (resolved since), so saving the draft keeps them.
    const missing = alsoIds.filter((id) => Number.isSafeInteger(id) && !open.some((x) => x.id === id));
    const named = missing.length
      ? await this.db.manager.find(HardProblem, { where: { brigadeId: actor.brigadeId, id: In(missing) } })
      : [];
    return [...open, ...named];
  }
}

/**
 * R7, §3.4: the problems an operation's plan names must be of the brigade
 * and not yet resolved (reported or open). Unknown ids are a 400 naming the
 * field; a resolved or merged one is refused by the rule (422).
 */
export async function checkPlanProblems(
  m: EntityManager,
  brigadeId: number,
  ids: readonly number[],
  operationId?: number,
): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  const found = await m.find(HardProblem, { select: { id: true, state: true }, where: { brigadeId, id: In(unique) } });
  const unknown = unique.filter((id) => !found.some((p) => p.id === id));
  if (unknown.length)
    throw new ValidationError(`Unknown hard problem(s): ${unknown.join(', ')}`, {
      problems: `unknown_problem:${unknown.join(',')}`,
    });
  // A plan keeps a target it named before, even if that problem was resolved since (an edit of the draft does not lose it).
  const named = operationId === undefined ? [] : await problemIdsOfPlan(m, operationId);
  const closed = found.filter((p) => !TARGETABLE.includes(p.state) && !named.includes(p.id));
  if (closed.length) {
    throw new RuleViolationError(
      `Hard problem(s) ${closed.map((p) => `#${p.id} (${p.state})`).join(', ')} are not open`,
      closed.map((p) => ({
        code: 'problem_not_open',
        field: 'problems',
        rule: '§3.4',
        params: { id: p.id, state: p.state },
      })),
    );
  }
}

/** The plan names exactly these problems now (an edit of the draft replaces the list; resolutions are not the plan's and stay). */
export async function setPlanProblems(
  m: EntityManager,
  brigadeId: number,
  operationId: number,
  ids: readonly number[],
  at: Date,
): Promise<void> {
  const unique = [...new Set(ids)];
  for (const problemId of await problemIdsOfPlan(m, operationId)) {
    if (!unique.includes(problemId)) await unlinkOperation(m, operationId, problemId);
  }
  for (const id of unique) await linkOperation(m, brigadeId, id, operationId, at);
}

/** The problems a plan created in this transaction targets (it targets none yet: nothing to unlink or look up). */
export async function setNewPlanProblems(
  m: EntityManager,
  brigadeId: number,
  operationId: number,
  ids: readonly number[],
  at: Date,
): Promise<void> {
  await linkNewOperation(m, brigadeId, [...new Set(ids)], operationId, at);
}

/** Who reported a problem: its first report's author and everyone whose report (a rebound, a merged duplicate's) it gathered. */
function reporterIdsOf(
  reportedBy: number | null,
  reports: ReadonlyArray<Pick<HardProblemReport, 'byUserId'>>,
): number[] {
  return [reportedBy, ...reports.map((r) => r.byUserId)].filter((x): x is number => x !== null);
}
