import { type EntityManager, In, IsNull } from 'typeorm';
import { groupsOfBrigade, squadsByCodes, squadsOfBrigade } from '../org/org.queries';
import type { Config } from '../../../config';
import {
  type HoldingCoverage,
  type OperationContext,
  type OperationPlan,
  type FilingCheck,
  type ResultLine,
  filingChecklist,
  mayCreateOperation,
  planShapeProblems,
} from '../../../workflows/operation';
import type { CreatedRecord, LoadedInstance, WorkflowEngine } from '../../engine/engine';
import type { CommandEvent } from '../../engine/workflow-definition';
import { ForbiddenError, RuleViolationError, ValidationError } from '../../errors';
import { problem } from '../../../workflows/shared/problem';
import type { Database } from '../../persistence/data-source';
import {
  type OperationListQuery,
  activeSquadLeaders,
  isProblemOfOperation,
  listOperations,
} from './operations.queries';
import { decodeCursor, encodeCursor } from '../../persistence/cursor';
import {
  HardProblemOperation,
  HardProblemResolution,
  HoldingRecord,
  LinkageGroup,
  Operation,
  OperationIncident,
  OperationSquad,
  Squad,
  User,
  WorkflowDeadline,
  type WorkflowHistory,
} from '../../persistence/entities';
import { localDateOf, zonedInstant } from '../../time';
import { type ChainRecord, type RecordVerdict, verifyRecordChain } from '../history/history-chain';
import type { OrgService, Principal } from '../org/org.service';
import type { EventInput, OperationFilters, PlanInput } from './operation.inputs';
import {
  type OperationWorkflow,
  createdRowValues,
  goodsBySquadOf,
  holdingCoverageOf,
  planFacts,
  planFactsOf,
} from './operation.workflow';
import type { Clock } from '../../clock';
import { rowAsRead } from '../../persistence/rows';
import { parseRecordNo } from '../numbering/record-number';
import { checkPlanProblems, setNewPlanProblems, setPlanProblems } from '../problems/hard-problem.service';
import { holdsSquadSites, mayBeDesignatedCommander, spotChecksHolding } from './operation.policy';
import { type HoldingItem, eligibleCommanders, openHolding } from './operations.read-models';
import { known } from '../../known';
import { type AttachedFile, attachedFilesOf } from '../files/files.service';

/** Everything known about one operation, for presenters. */
export interface OperationRecord {
  operation: Operation;
  state: string;
  version: number;
  context: OperationContext;
  squads: OperationSquad[];
  incidents: OperationIncident[];
  holding: HoldingRecord[];
  deadlines: WorkflowDeadline[];
  allowedEvents: string[];
  /** Squads and groups of the brigade, by id. */
  squadById: Map<number, Squad>;
  groupById: Map<number, LinkageGroup>;
  /** Users the record names (and, loaded with its history, everyone in it), by id. */
  userById: Map<number, User>;
  /** Who commands it now (R4): the designated commander, or the host squad's leaders. */
  commanders: User[];
  /** §3.4: the hard problems its plan targets. */
  problemIds: number[];
  /** R12: the coverage of the current (or last) round of holding, days missed counted up to today; null before holding. */
  coverage: HoldingCoverage | null;
  /** R13: items its goods ledger registered, per detaining squad. */
  goodsBySquad: Record<number, number>;
  /** §3.4: the hard problems it resolved (whether its plan named them or not). */
  resolvedProblemIds: number[];
  /** Issue 13: its evidence files (holding checks, spot checks, audits, results, incidents), in the order attached. */
  files: AttachedFile[];
}

export interface OperationPage {
  items: Operation[];
  nextCursor: string | null;
  /** The open time limit of each listed operation's state (§3.5), by operation id. */
  timeLimits: Map<number, WorkflowDeadline>;
  squadById: Map<number, Squad>;
  groupById: Map<number, LinkageGroup>;
}

/** The brigade's squads, and its groups when a plan names one, as a create read them. */
interface OrgInHand {
  squads: Squad[];
  groups: LinkageGroup[] | null;
}

/** What a create had in hand, for its answer (see `read`); without groups in hand, the answer reads them. */
interface Created extends OrgInHand {
  loaded: LoadedInstance<OperationContext>;
  /** The engine's record of the create (WorkflowEngine.remember, once its transaction committed). */
  record: CreatedRecord<OperationContext>;
  /** The hard problems its plan targets, by id (§3.4). */
  problemIds: number[];
}

const PLAN_TEXTS = [
  'situation',
  'mission',
  'execution',
  'command',
  'contingency',
  'goodsArrangements',
  'holdingPlan',
] as const;

/** The most operations each list of the holding page shows. */
export const HOLDING_PAGE_MAX = 30;

/** The joint operation's use cases: the API and the web both call these (STYLE habit 1). */
export class OperationService {
  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly org: OrgService,
    private readonly workflow: OperationWorkflow,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {}

  /** Drafts a new plan (state `draft`). Squads and groups are given by code. */
  async create(actor: Principal, input: PlanInput, tx?: EntityManager): Promise<number> {
    const run = async (m: EntityManager) => (await this.draft(m, actor, input)).loaded.row.id;
    // In the caller's transaction when given (a border notice becoming a plan, R8).
    return tx ? run(tx) : this.db.transaction(run);
  }

  /**
   * Drafts a new plan and answers the record as a `get` right after would,
   * from what the create had in hand: the record as stored, the brigade's
   * squads and groups it resolved the codes with, and what its first step
   * wrote. Only the rows the database fills in are read back.
   */
  async createAndGet(actor: Principal, input: PlanInput): Promise<OperationRecord> {
    // Deferred (MariaDB): the checks' reads go before the transaction, which opens with the record's first row
    // and, when the plan targets no hard problems (linked after the create), commits with the create's writes.
    const created = await this.db.transaction((m) => this.draft(m, actor, input, undefined, { alone: true }), {
      deferred: true,
    });
    // Committed: its first step (FILE, mostly) starts from the record as written, not from a read of it.
    this.engine.remember(created.record);
    return (await this.read(actor, created.loaded.row.id, false, created)).record;
  }

  /**
   * The brigade's squads, and its groups when the plan names one: read once in
   * a create, they resolve the plan's codes, check it (planFacts) and name them
   * in the answer.
   */
  private async orgOf(m: EntityManager, actor: Principal, input: PlanInput): Promise<OrgInHand> {
    const squads = await squadsOfBrigade(m, actor.brigadeId);
    const groups = typeof input.group === 'string' ? await groupsOfBrigade(m, actor.brigadeId) : null;
    return { squads, groups };
  }

  /** `alone`: the caller writes nothing after the draft in its transaction. */
  private async draft(
    m: EntityManager,
    actor: Principal,
    input: PlanInput,
    org?: OrgInHand,
    opts: { alone?: boolean } = {},
  ): Promise<Created> {
    const { squads, groups } = org ?? (await this.orgOf(m, actor, input));
    const plan = await this.toPlan(m, actor, input, null, { squads, groups });
    const permit = mayCreateOperation(actor, plan);
    if (!permit.ok) throw new ForbiddenError('Only the lead squad’s leader drafts its plan', permit.reason);
    // A draft may be incomplete, but what it says must make sense (completeness is checked at FILE).
    const facts = planFactsOf(squads, actor, plan, this.config);
    const problems = planShapeProblems(plan, facts).filter((p) => p.code !== 'required' && p.code !== 'too_few_squads');
    if (problems.length) throw new RuleViolationError('The plan is not valid', problems);
    if (input.problems?.length) await checkPlanProblems(m, actor.brigadeId, input.problems);
    const linksProblems = Boolean(input.problems?.length);
    const created = await this.engine.create(this.workflow, actor, permit.role, { plan, createdBy: actor.userId }, m, {
      last: opts.alone === true && !linksProblems,
    });
    if (linksProblems) await setNewPlanProblems(m, actor.brigadeId, created.id, input.problems ?? [], this.clock.now());
    return {
      loaded: created.loaded,
      record: created,
      squads,
      groups,
      // What setNewPlanProblems linked, as the record reads the links (by id).
      problemIds: [...new Set(input.problems ?? [])].sort((a, b) => a - b),
    };
  }

  /**
   * The "ready to file" checklist of a plan: as stored (`id`), or as typed in
   * a form over it (`input`, not saved). The same rules FILE refuses with.
   */
  async filingCheck(
    actor: Principal,
    input: PlanInput | null,
    id?: number,
    m: EntityManager = this.db.manager,
    org?: OrgInHand,
  ): Promise<{ plan: OperationPlan; checks: FilingCheck[] }> {
    const base = id === undefined ? null : (await this.engine.load(m, this.workflow, id, actor)).context.plan;
    const plan = input ? await this.toPlan(m, actor, input, base, org) : base;
    if (!plan) throw new Error('a filing check needs a plan or an operation');
    return { plan, checks: await this.checklistOf(actor, plan, m, org?.squads) };
  }

  /** The "ready to file" checklist of a plan already at hand (a draft's page has loaded it). */
  async checklistOf(
    actor: Principal,
    plan: OperationPlan,
    m: EntityManager = this.db.manager,
    squads?: Squad[],
  ): Promise<FilingCheck[]> {
    const facts = squads ? planFactsOf(squads, actor, plan, this.config) : await planFacts(m, actor, plan, this.config);
    return filingChecklist(plan, facts, this.clock.now().toISOString());
  }

  /**
   * 保存并报备: saves the plan (a new draft, or an edit of one) and files it,
   * in one transaction — both or neither. A plan not fit to file is refused
   * with every problem at once (each naming its field), and nothing is saved.
   */
  async saveAndFile(
    actor: Principal,
    input: PlanInput,
    target?: { id: number; expectedVersion: number },
  ): Promise<{ id: number; state: string; version: number }> {
    const result = await this.db.transaction(async (m) => {
      // Who may edit it comes before what is wrong with it (issue 11, finding 8).
      if (target) await this.engine.loadAuthorized(m, this.workflow, target.id, actor, 'EDIT_PLAN');
      // A new plan's squads and groups are read once: they check it, then create it.
      const org = target ? undefined : await this.orgOf(m, actor, input);
      const { checks } = await this.filingCheck(actor, input, target?.id, m, org);
      const problems = checks.flatMap((c) => c.problems);
      if (problems.length) throw new RuleViolationError('The plan is not ready to file', problems);
      let id: number;
      let version: number;
      // The draft just created, as stored: FILE is computed from it (no one else can have seen it yet).
      let loaded: LoadedInstance<OperationContext> | undefined;
      if (target) {
        if (input.problems) await checkPlanProblems(m, actor.brigadeId, input.problems, target.id);
        const base = (await this.engine.load(m, this.workflow, target.id, actor)).context.plan;
        const edit = { type: 'EDIT_PLAN', plan: await this.toPlan(m, actor, input, base) };
        version = (
          await this.engine.send(this.workflow, target.id, actor, edit, {
            expectedVersion: target.expectedVersion,
            tx: m,
          })
        ).version;
        if (input.problems) await setPlanProblems(m, actor.brigadeId, target.id, input.problems, this.clock.now());
        id = target.id;
      } else {
        loaded = (await this.draft(m, actor, input, org)).loaded;
        id = loaded.row.id;
        version = 1;
      }
      const filed = await this.engine.send(
        this.workflow,
        id,
        actor,
        { type: 'FILE' },
        { expectedVersion: version, tx: m, loaded },
      );
      return { id, state: filed.state, version: filed.version };
    });
    // The filing is news for the Duty Command Section: deliver it now, not at the outbox job's next run.
    this.engine.outboxCommitted();
    return result;
  }

  /**
   * §3.4, R12: how a rebound seen while holding reopens a hard problem of the
   * operation (set by the container: the hard-problem service's REBOUND, run in
   * the check's own transaction).
   */
  reportRebound: ((m: EntityManager, actor: Principal, problemId: number, note: string) => Promise<void>) | null = null;

  /**
   * Sends one event. Codes in the payload are resolved to the records they name first. A command prepared
   * from the record starts from this process's copy of it when there is one (WorkflowEngine.loadAuthorized's
   * `copy`); refused or failed from the copy, whatever the reason, it is prepared and sent once more from the
   * record as read — a refusal is always about the record as it is.
   */
  async send(actor: Principal, id: number, input: EventInput): Promise<{ state: string; version: number }> {
    let copy = true;
    let fromCopy = false;
    return this.engine.fromCopyOrRow(
      id,
      () => {
        const once = this.sendOnce(actor, id, input, copy, (took) => (fromCopy = took));
        copy = false;
        return once;
      },
      () => fromCopy,
    );
  }

  private async sendOnce(
    actor: Principal,
    id: number,
    input: EventInput,
    copy: boolean,
    tookCopy: (copy: boolean) => void,
  ): Promise<{ state: string; version: number }> {
    // A command prepared from the database (codes to ids, a plan over the stored one, a rebound's problem) is checked
    // against who may send it first: an unknown record is 404 and a caller who may not act 403 before any of that.
    const loaded = PREPARED.has(input.type)
      ? await this.engine.loadAuthorized(this.db.manager, this.workflow, id, actor, input.type, {
          copy,
          expectedVersion: input.expectedVersion,
        })
      : null;
    tookCopy(loaded?.copy === true);
    if (input.type === 'LOG_HOLDING_CHECK' && input.reboundProblem !== undefined)
      return this.checkWithRebound(actor, id, input);
    const { expectedVersion, ...rest } = input;
    const command = await this.toCommand(actor, rest as Exclude<EventInput, never>, loaded);
    // §3.4: an edit that names the hard problems the plan targets checks them and links them with the step, in one transaction.
    const problems = rest.type === 'EDIT_PLAN' ? rest.plan.problems : undefined;
    const result = problems
      ? await this.db.transaction(async (m) => {
          await checkPlanProblems(m, actor.brigadeId, problems, id);
          const step = await this.engine.send(this.workflow, id, actor, command, {
            expectedVersion,
            tx: m,
            loaded: loaded ?? undefined,
          });
          await setPlanProblems(m, actor.brigadeId, id, problems, this.clock.now());
          return step;
        })
      : await this.engine.send(this.workflow, id, actor, command, { expectedVersion, loaded: loaded ?? undefined });
    return { state: result.state, version: result.version };
  }

  /** A holding check that saw a rebound of one of the operation's hard problems: the check and the problem's REBOUND, both or neither. */
  private async checkWithRebound(
    actor: Principal,
    id: number,
    input: Extract<EventInput, { type: 'LOG_HOLDING_CHECK' }>,
  ) {
    const { expectedVersion, reboundProblem: problemId, ...check } = input;
    if (problemId === undefined) throw new Error('a check with a rebound names its problem');
    const notes = input.notes?.trim() ?? '';
    const problems = [
      ...(input.reboundObserved ? [] : [problem('rebound_not_observed', 'reboundProblem', 'R12')]),
      // What was seen is the problem's reopening note.
      ...(notes ? [] : [problem('required', 'notes', 'R12')]),
    ];
    if (problems.length)
      throw new RuleViolationError('A rebound is reported from a check that saw one, saying what was seen', problems);
    if (!this.reportRebound) throw new Error('OperationService.reportRebound is not wired');
    const report = this.reportRebound;
    const result = await this.db.transaction(async (m) => {
      if (!(await isProblemOfOperation(m, id, problemId)))
        throw new ValidationError(`Hard problem ${problemId} is not one of this operation's`, {
          reboundProblem: 'problem_not_of_operation',
        });
      const step = await this.engine.send(this.workflow, id, actor, check, { expectedVersion, tx: m });
      await report(m, actor, problemId, notes);
      return step;
    });
    this.engine.outboxCommitted();
    return { state: result.state, version: result.version };
  }

  async get(actor: Principal, id: number): Promise<OperationRecord> {
    return (await this.read(actor, id, false)).record;
  }

  /** The operation and its history, from one load of the instance (the operation's page shows both). */
  async getWithHistory(
    actor: Principal,
    id: number,
  ): Promise<{ record: OperationRecord; history: WorkflowHistory[]; chain: ChainRecord }> {
    return this.read(actor, id, true);
  }

  /**
   * Loads the instance (404 outside the actor's brigade), then everything else
   * at once: all of it hangs on the id and the snapshot's context alone. The
   * users named anywhere (history included) come in one last read.
   *
   * `created`: the record `draft` created just now, with what it had in hand.
   * Incidents, holding records, evidence files, resolutions and goods are
   * written by later steps and commands on an operation that exists, and its
   * first step wrote none (it carries no files; a draft opens no time limit):
   * those are not read. Operations are never deleted, so no row of an older
   * one can carry its new id.
   */
  private async read(
    actor: Principal,
    id: number,
    withHistory: boolean,
    created?: Created,
  ): Promise<{ record: OperationRecord; history: WorkflowHistory[]; chain: ChainRecord }> {
    const m = this.db.manager;
    const loaded = created?.loaded ?? (await this.engine.load(m, this.workflow, id, actor));
    const ctx = loaded.context;
    const none = <T>(): Promise<T[]> => Promise.resolve([]);
    const opensNoDeadline = created && !this.workflow.deadlines(ctx, loaded.state, this.clock.now()).length;
    // Its own rows and its squads' are what the create wrote (createdRowValues): as a read of them would give them.
    const rows = created
      ? createdRowValues(
          {
            instanceId: id,
            brigadeId: loaded.row.brigadeId,
            next: ctx,
            to: loaded.state,
            at: created.record.at,
            effectiveAt: created.record.at,
          },
          m,
        )
      : null;
    const [operation, squads, incidents, holding, deadlines, allSquads, groups, commanders, history] =
      await Promise.all([
        rows ? rowAsRead(m, Operation, rows.operation) : m.findOneByOrFail(Operation, { id }),
        rows
          ? rows.squads.map((r) => rowAsRead(m, OperationSquad, r))
          : m.find(OperationSquad, { where: { operationId: id }, order: { position: 'ASC' } }),
        created
          ? none<OperationIncident>()
          : m.find(OperationIncident, { where: { operationId: id }, order: { occurredAt: 'ASC', id: 'ASC' } }),
        created
          ? none<HoldingRecord>()
          : m.find(HoldingRecord, { where: { operationId: id }, order: { at: 'ASC', id: 'ASC' } }),
        opensNoDeadline
          ? none<WorkflowDeadline>()
          : m.find(WorkflowDeadline, { where: { instanceId: id }, order: { id: 'ASC' } }),
        created?.squads ?? squadsOfBrigade(m, actor.brigadeId),
        created?.groups ?? groupsOfBrigade(m, actor.brigadeId),
        this.commandersOf(m, ctx),
        withHistory ? this.engine.history(m, id) : Promise.resolve([]),
      ]);
    // The commanders are read whole already: only the others named are read again.
    const commanderIds = new Set(commanders.map((u) => u.id));
    const userIds = [
      ctx.createdBy,
      ctx.filedBy,
      ctx.approvedBy,
      ctx.designatedCommanderId,
      ...incidents.map((i) => i.reportedBy),
      ...holding.map((h) => h.byUserId),
      ...history.map((h) => h.actorUserId),
    ].filter((x): x is number => x !== null && !commanderIds.has(x));
    const [users, problemIds, resolutions, coverage, goodsBySquad, files] = await Promise.all([
      this.org.usersByIds(userIds, m),
      created
        ? created.problemIds
        : m
            .find(HardProblemOperation, {
              select: { problemId: true },
              where: { operationId: id },
              order: { problemId: 'ASC' },
            })
            .then((links) => links.map((l) => l.problemId)),
      created
        ? none<HardProblemResolution>()
        : m.find(HardProblemResolution, {
            select: { problemId: true },
            where: { operationId: id },
            order: { problemId: 'ASC' },
          }),
      holdingCoverageOf(m, id, ctx, actor.timeZone, this.clock.now()),
      created ? {} : goodsBySquadOf(m, id),
      created
        ? none<AttachedFile>()
        : attachedFilesOf(m, actor.brigadeId, 'operation', id, this.config.files.takenLongBeforeHours),
    ]);
    const record: OperationRecord = {
      operation,
      state: loaded.state,
      version: loaded.row.version,
      context: ctx,
      squads,
      incidents,
      holding,
      deadlines,
      allowedEvents: this.engine.allowedEvents(this.workflow, loaded, actor),
      squadById: new Map(allSquads.map((s) => [s.id, s])),
      groupById: new Map(groups.map((g) => [g.id, g])),
      userById: new Map([...users, ...commanders].map((u) => [u.id, u])),
      commanders,
      problemIds,
      coverage: coverage ?? null,
      goodsBySquad,
      resolvedProblemIds: [...new Set(resolutions.map((r) => r.problemId))],
      files,
    };
    // The record as loaded, before its history was read: what its hash chain is checked against.
    const chain: ChainRecord = {
      instanceId: id,
      workflow: this.workflow.name,
      brigadeId: loaded.row.brigadeId,
      version: loaded.row.version,
      headHash: loaded.row.headHash,
      state: loaded.state,
    };
    return { record, history, chain };
  }

  async history(actor: Principal, id: number) {
    const m = this.db.manager;
    await this.engine.load(m, this.workflow, id, actor);
    return this.engine.history(m, id);
  }

  /** The history and whether its hash chain verifies (against the record as loaded just before). */
  async historyWithCheck(actor: Principal, id: number): Promise<{ rows: WorkflowHistory[]; verdict: RecordVerdict }> {
    const m = this.db.manager;
    const loaded = await this.engine.load(m, this.workflow, id, actor);
    const rows = await this.engine.history(m, id);
    const chain: ChainRecord = {
      instanceId: id,
      workflow: this.workflow.name,
      brigadeId: loaded.row.brigadeId,
      version: loaded.row.version,
      headHash: loaded.row.headHash,
      state: loaded.state,
    };
    return { rows, verdict: verifyRecordChain(chain, rows, { rowsMayBeAhead: true }) };
  }

  /** R4: who may be designated an operation's commander (the designation form's choices; `send` checks the same rule). */
  async designatableCommanders(actor: Principal): Promise<User[]> {
    return eligibleCommanders(this.db.manager, actor.brigadeId);
  }

  /**
   * The holding page (固守登记): R12, the operations in holding hosted by the
   * user's squad, each with whether today's check is in; R14, for an
   * inspector, those they may spot-check (never their own squad's). Each list
   * holds at most `HOLDING_PAGE_MAX`, the holding that ends first first.
   */
  async holdingWork(actor: Principal): Promise<{ own: HoldingItem[]; spotCheck: HoldingItem[] }> {
    const m = this.db.manager;
    const today = localDateOf(this.clock.now(), actor.timeZone);
    const squadId = actor.squadId;
    const [own, spotCheck] = await Promise.all([
      holdsSquadSites(actor) && squadId !== null
        ? openHolding(m, actor.brigadeId, { hostSquadId: squadId }, today, HOLDING_PAGE_MAX)
        : [],
      spotChecksHolding(actor)
        ? openHolding(m, actor.brigadeId, { notHostSquadId: squadId }, today, HOLDING_PAGE_MAX)
        : [],
    ]);
    return { own, spotCheck };
  }

  /** A page of the brigade's operations, newest first, with cursor pagination. */
  async list(actor: Principal, filters: OperationFilters): Promise<OperationPage> {
    const m = this.db.manager;
    const limit = Math.min(Math.max(filters.limit ?? 50, 1), 200);
    const [squads, groups] = await Promise.all([
      squadsOfBrigade(m, actor.brigadeId),
      groupsOfBrigade(m, actor.brigadeId),
    ]);
    const query: OperationListQuery = {
      brigadeId: actor.brigadeId,
      states: filters.state,
      kind: filters.kind,
      source: filters.source,
      take: limit + 1,
    };
    if (filters.group) {
      const group = groups.find((g) => g.code === filters.group);
      if (!group)
        throw new ValidationError(`Unknown group code: ${filters.group}`, { group: `unknown_code:${filters.group}` });
      query.groupId = group.id;
    }
    if (filters.squad) {
      const squad = squads.find((s) => s.code === filters.squad);
      if (!squad)
        throw new ValidationError(`Unknown squad code: ${filters.squad}`, { squad: `unknown_code:${filters.squad}` });
      query.squadId = squad.id;
    }
    if (filters.from) query.from = this.instant(filters.from, actor.timeZone);
    if (filters.to) query.to = this.instant(filters.to, actor.timeZone);
    if (filters.q?.trim()) {
      // A plan is found by the brigade's number for it, or by words of its title or place.
      const no = parseRecordNo(filters.q);
      if (no) query.number = no;
      else query.text = filters.q.trim().replace(/[%_]/g, '');
    }
    if (filters.cursor) query.beforeId = decodeCursor(filters.cursor);
    const rows = await listOperations(m, query);
    const items = rows.slice(0, limit);
    const open = items.length
      ? await m.find(WorkflowDeadline, { where: { instanceId: In(items.map((o) => o.id)), closedAt: IsNull() } })
      : [];
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null,
      timeLimits: new Map(open.map((d) => [d.instanceId, d])),
      squadById: new Map(squads.map((s) => [s.id, s])),
      groupById: new Map(groups.map((g) => [g.id, g])),
    };
  }

  private instant(value: string, timeZone: string): Date {
    return /^\d{4}-\d{2}-\d{2}$/.test(value) ? zonedInstant(value, timeZone) : new Date(value);
  }

  /** R4: the designated commander, else the host squad's leaders. */
  private async commandersOf(m: EntityManager, ctx: OperationContext): Promise<User[]> {
    if (ctx.designatedCommanderId !== null) return m.find(User, { where: { id: ctx.designatedCommanderId } });
    if (ctx.plan.hostSquadId === null) return [];
    return activeSquadLeaders(m, ctx.plan.hostSquadId);
  }

  /** Builds a machine plan from codes, over `base` (for edits). Unknown codes are a 400 naming the field. */
  async toPlan(
    m: EntityManager,
    actor: Principal,
    input: PlanInput,
    base: OperationPlan | null,
    org?: OrgInHand,
  ): Promise<OperationPlan> {
    const codes = [
      ...(input.leadSquad ? [input.leadSquad] : []),
      ...(input.hostSquad ? [input.hostSquad] : []),
      ...(input.squads ?? []),
      ...(input.forces ?? []).map((f) => f.squad),
    ];
    const fieldOf = (code: string) =>
      code === input.leadSquad
        ? 'leadSquad'
        : code === input.hostSquad
          ? 'hostSquad'
          : input.squads?.includes(code)
            ? 'squads'
            : 'forces';
    const wanted = new Set(codes);
    // squadsByCodes reads nothing when no code is asked.
    const found = org
      ? org.squads.filter((s) => wanted.has(s.code))
      : await squadsByCodes(m, actor.brigadeId, [...wanted]);
    const byCode = new Map(found.map((s) => [s.code, s.id]));
    const unknown = [...new Set(codes)].filter((c) => !byCode.has(c));
    if (unknown.length) {
      throw new ValidationError(
        `Unknown squad code(s): ${unknown.join(', ')}`,
        Object.fromEntries(unknown.map((c) => [fieldOf(c), `unknown_code:${c}`])),
      );
    }
    const id = (code: string) => known(byCode, code, 'squad');
    let groupId = base?.groupId ?? null;
    if (input.group !== undefined) {
      // A code the groups in hand do not spell exactly is asked of the database (whose collation may match it).
      const inHand = input.group === null ? undefined : org?.groups?.find((g) => g.code === input.group);
      groupId =
        input.group === null
          ? null
          : (inHand ?? (await this.org.resolveGroupCode(actor.brigadeId, input.group, 'group', m))).id;
    }
    const leadSquadId = input.leadSquad ? id(input.leadSquad) : base?.leadSquadId;
    if (leadSquadId === undefined) throw new ValidationError('The lead squad is required', { leadSquad: 'required' });
    const hostSquadId =
      input.hostSquad !== undefined ? (input.hostSquad ? id(input.hostSquad) : null) : (base?.hostSquadId ?? null);
    const forces = input.forces
      ? input.forces.map((f) => ({ squadId: id(f.squad), officers: f.officers, vehicles: f.vehicles }))
      : (base?.forces ?? []);
    // The squads taking part default to everyone the plan names (and, in an edit, those it named before).
    const squadIds = input.squads
      ? input.squads.map(id)
      : [
          ...new Set([
            ...(base?.squadIds ?? []),
            leadSquadId,
            ...(hostSquadId !== null ? [hostSquadId] : []),
            ...forces.map((f) => f.squadId),
          ]),
        ];
    const texts = Object.fromEntries(PLAN_TEXTS.map((k) => [k, (input[k] ?? base?.[k] ?? '').trim()])) as Pick<
      OperationPlan,
      (typeof PLAN_TEXTS)[number]
    >;
    return {
      kind: input.kind ?? base?.kind ?? 'regular',
      groupId,
      leadSquadId,
      hostSquadId,
      squadIds,
      title: (input.title ?? base?.title ?? '').trim(),
      problemSource: input.problemSource !== undefined ? input.problemSource : (base?.problemSource ?? null),
      location: (input.location ?? base?.location ?? '').trim(),
      plannedStart:
        input.plannedStart !== undefined
          ? input.plannedStart
            ? new Date(input.plannedStart).toISOString()
            : null
          : (base?.plannedStart ?? null),
      plannedHours: input.plannedHours !== undefined ? input.plannedHours : (base?.plannedHours ?? null),
      holdingDays: input.holdingDays ?? base?.holdingDays ?? this.config.operations.holdingDaysDefault,
      forces,
      ...texts,
    };
  }

  private async toCommand(
    actor: Principal,
    input: Exclude<EventInput, never>,
    loaded: LoadedInstance<OperationContext> | null,
  ): Promise<CommandEvent> {
    const m = this.db.manager;
    switch (input.type) {
      case 'EDIT_PLAN':
        // An edit is over the plan as stored (`send` loaded it).
        if (!loaded) throw new Error('EDIT_PLAN: the operation was not loaded');
        return { type: 'EDIT_PLAN', plan: await this.toPlan(m, actor, input.plan, loaded.context.plan) };
      case 'COMPLETE': {
        const squads = await this.org.squadIdsByCodes(
          actor.brigadeId,
          input.results.map((r) => r.squad),
          'results',
        );
        const results: ResultLine[] = input.results.map(({ squad, ...r }) => ({
          squadId: known(squads, squad, 'squad'),
          ...r,
        }));
        return {
          ...input,
          results,
          ...(input.actualEnd ? { actualEnd: new Date(input.actualEnd).toISOString() } : {}),
        };
      }
      case 'START':
        return { ...input, ...(input.actualStart ? { actualStart: new Date(input.actualStart).toISOString() } : {}) };
      case 'LOG_INCIDENT':
        return { ...input, ...(input.occurredAt ? { occurredAt: new Date(input.occurredAt).toISOString() } : {}) };
      case 'DESIGNATE_COMMANDER': {
        // R4: the designated commander is a squad leader or a commander of the same brigade.
        const found = await this.org.userByUsername(actor.brigadeId, input.commander, m);
        if (!found || !found.user.active) {
          throw new ValidationError(`Unknown user: ${input.commander}`, {
            commander: `unknown_user:${input.commander}`,
          });
        }
        if (!mayBeDesignatedCommander(found.roles)) {
          throw new RuleViolationError('A commander must be a squad leader or a commander', [
            { code: 'not_eligible_commander', field: 'commander', rule: 'R4' },
          ]);
        }
        return { type: 'DESIGNATE_COMMANDER', commanderId: found.user.id };
      }
      default:
        return { ...input };
    }
  }
}

/** Events whose command the service prepares from the database before the engine sends it (see `send`). */
const PREPARED = new Set(['EDIT_PLAN', 'COMPLETE', 'DESIGNATE_COMMANDER', 'LOG_HOLDING_CHECK']);
