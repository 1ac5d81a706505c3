import { type EntityManager, In, IsNull } from 'typeorm';
import type { Config } from '../../../config';
import {
  type CaseTransferContext,
  type CaseTransferInput,
  OPEN_TRANSFER_STATES,
  mayProposeTransfer,
  proposalProblems,
} from '../../../workflows/case-transfer';
import { hasRole } from '../../../workflows/shared/actor';
import { problem } from '../../../workflows/shared/problem';
import type { Clock } from '../../clock';
import type { WorkflowEngine } from '../../engine/engine';
import type { CommandEvent } from '../../engine/workflow-definition';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import {
  Case,
  CaseTransfer,
  Operation,
  OperationSquad,
  Squad,
  User,
  WorkflowDeadline,
  type WorkflowHistory,
} from '../../persistence/entities';
import { localDateOf } from '../../time';
import type { OrgService, Principal } from '../org/org.service';
import { decodeCursor, encodeCursor } from '../../persistence/cursor';
import { type Light, lightOf } from '../oversight/lights';
import type { CaseFilters, NewCaseInput, NewTransferInput, TransferEventInput, TransferFilters } from './case.inputs';
import { type CaseTransferWorkflow, transferFacts } from './case-transfer.workflow';
import {
  type WaitingTransfers,
  countWaitingTransfers,
  listCases,
  listTransfers,
  waitingTransfers,
} from './cases.queries';
import { type CaseOperationFacts, caseOperationProblems, mayRegisterCase } from './case.policy';
import { known } from '../../known';
import { type AttachedFile, attachedFilesOf } from '../files/files.service';

/** A transfer's clock (§3.5): the open limit of its waiting state and its light; nothing when nothing waits. */
export interface TransferClock {
  kind: string | null;
  startsAt: Date | null;
  dueAt: Date | null;
  light: Light | null;
}

export interface TransferRecordView {
  transfer: CaseTransfer;
  case: Case;
  state: string;
  version: number;
  context: CaseTransferContext;
  allowedEvents: string[];
  clock: TransferClock;
  squadById: Map<number, Squad>;
  userById: Map<number, User>;
  /** Issue 13: the package's evidence as files, in the order attached. */
  files: AttachedFile[];
}

export interface CaseRecordView {
  case: Case;
  operation: Pick<Operation, 'id' | 'numberYear' | 'numberSeq' | 'title' | 'state'> | null;
  /** Oldest first: the case's history of transfers. */
  transfers: CaseTransfer[];
  squadById: Map<number, Squad>;
  /** Whether this user may propose a transfer now (a leader of the handling squad, none under way). */
  mayPropose: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  squadById: Map<number, Squad>;
}

/** The light of a transfer from its projection (the same thresholds as lightOf). */
export function lightFromProjection(t: Pick<CaseTransfer, 'dueAt' | 'amberAt'>, now: Date): Light | null {
  if (!t.dueAt || !t.amberAt) return null;
  if (now.getTime() > t.dueAt.getTime()) return 'red';
  if (now.getTime() >= t.amberAt.getTime()) return 'amber';
  return 'green';
}

const REFERENCE_TAKEN = 'reference_taken';

/** R10: the light case register and case transfers. The API and the web both call these (STYLE habit 1). */
export class CaseService {
  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly org: OrgService,
    private readonly workflow: CaseTransferWorkflow,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {}

  /** The required materials of a transfer package, from config (R10). */
  requiredMaterials(): readonly string[] {
    return this.config.transfers.requiredMaterials;
  }

  // ------------------------------------------------------------ cases

  /**
   * Registers a case for the caller's squad (a squad leader). From an
   * operation, the squad must have taken part in it.
   */
  async registerCase(p: Principal, input: NewCaseInput): Promise<number> {
    const permit = mayRegisterCase(p);
    if (!permit.ok) throw new ForbiddenError('Only a squad leader registers a case for their squad', permit.reason);
    const squadId = p.squadId;
    if (squadId === null) throw new Error("a squad leader's permit without a squad");
    return this.db.transaction(async (m) => {
      if (input.operation !== undefined && input.operation !== null) {
        const op = await this.operationFacts(m, p, input.operation);
        if (!op) throw new ValidationError(`No operation ${input.operation}`, { operation: 'unknown' });
        const problems = caseOperationProblems(p, op);
        if (problems.length)
          throw new RuleViolationError(
            `A case cannot come from operation ${input.operation}: ${problems.map((x) => x.code).join(', ')}`,
            problems,
          );
      }
      const reference = input.reference.trim();
      if (await m.findOneBy(Case, { brigadeId: p.brigadeId, reference })) {
        throw new ConflictError(`Case ${reference} is already registered`, REFERENCE_TAKEN, { reference: 'taken' });
      }
      const now = this.clock.now();
      const row = m.create(Case, {
        brigadeId: p.brigadeId,
        reference,
        handlingSquadId: squadId,
        registeringSquadId: squadId,
        operationId: input.operation ?? null,
        partyKind: input.partyKind,
        partyName: input.partyName.trim(),
        violation: input.violation.trim(),
        location: input.location.trim(),
        openedOn: input.openedOn ?? localDateOf(now, p.timeZone),
        openTransferId: null,
        createdBy: p.userId,
        createdAt: now,
        updatedAt: now,
      });
      if (row.openedOn > localDateOf(now, p.timeZone))
        throw new RuleViolationError('A case is not opened in the future', [problem('in_future', 'openedOn')]);
      try {
        await m.save(Case, row);
      } catch (e) {
        // Two registering the same number at once: the unique index refuses the second.
        if (/unique|duplicate/i.test(String((e as Error).message)))
          throw new ConflictError(`Case ${reference} is already registered`, REFERENCE_TAKEN, { reference: 'taken' });
        throw e;
      }
      return row.id;
    });
  }

  /** What the case rules need of an operation of the caller's brigade (null: no such operation). */
  private async operationFacts(
    m: EntityManager,
    p: Principal,
    operationId: number,
  ): Promise<CaseOperationFacts | null> {
    const op = Number.isSafeInteger(operationId)
      ? await m.findOneBy(Operation, { id: operationId, brigadeId: p.brigadeId })
      : null;
    if (!op) return null;
    const squads = await m.find(OperationSquad, { select: { squadId: true }, where: { operationId: op.id } });
    return { state: op.state, hostSquadId: op.hostSquadId, squadIds: squads.map((s) => s.squadId) };
  }

  /** Whether this user may register a case from the operation now (the operation's page offers it exactly then). */
  async mayRegisterFrom(p: Principal, operationId: number): Promise<boolean> {
    if (!mayRegisterCase(p).ok) return false;
    const op = await this.operationFacts(this.db.manager, p, operationId);
    return op !== null && caseOperationProblems(p, op).length === 0;
  }

  async getCase(p: Principal, id: number): Promise<CaseRecordView> {
    const m = this.db.manager;
    const found = Number.isSafeInteger(id) ? await m.findOneBy(Case, { id, brigadeId: p.brigadeId }) : null;
    if (!found) throw new NotFoundError(`No case ${id}`);
    const [transfers, squads, operation] = await Promise.all([
      m.find(CaseTransfer, { where: { caseId: id }, order: { id: 'ASC' } }),
      m.find(Squad, { where: { brigadeId: p.brigadeId } }),
      found.operationId !== null
        ? m.findOne(Operation, {
            select: { id: true, numberYear: true, numberSeq: true, title: true, state: true },
            where: { id: found.operationId },
          })
        : null,
    ]);
    return {
      case: found,
      operation,
      transfers,
      squadById: new Map(squads.map((s) => [s.id, s])),
      mayPropose: found.openTransferId === null && mayProposeTransfer(p, found.handlingSquadId).ok,
    };
  }

  /** A page of the brigade's cases, newest first (cursor pagination). */
  async listCases(p: Principal, f: CaseFilters): Promise<Page<Case> & { transferById: Map<number, CaseTransfer> }> {
    const m = this.db.manager;
    const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
    const squads = await m.find(Squad, { where: { brigadeId: p.brigadeId } });
    const handlingSquadId = f.squad ? this.squadByCode(squads, f.squad, 'squad').id : undefined;
    const beforeId = f.cursor ? decodeCursor(f.cursor) : undefined;
    const rows = await listCases(m, {
      brigadeId: p.brigadeId,
      handlingSquadId,
      operationId: f.operation,
      beforeId,
      take: limit + 1,
    });
    const items = rows.slice(0, limit);
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null,
      squadById: new Map(squads.map((s) => [s.id, s])),
      transferById: await this.latestTransfers(m, items),
    };
  }

  /** The latest transfer of each case (its transfer state as lists show it). */
  private async latestTransfers(m: EntityManager, cases: Case[]): Promise<Map<number, CaseTransfer>> {
    if (!cases.length) return new Map();
    const all = await m.find(CaseTransfer, { where: { caseId: In(cases.map((c) => c.id)) }, order: { id: 'ASC' } });
    return new Map(all.map((t) => [t.caseId, t]));
  }

  // ------------------------------------------------------------ transfers

  /**
   * R10: proposes to transfer a case to another squad with its evidence and
   * materials. A leader of the squad handling it; one transfer at a time; the
   * package complete (each missing item named).
   */
  async propose(p: Principal, input: NewTransferInput): Promise<number> {
    return this.db.transaction(async (m) => {
      const found = await m.findOneBy(Case, { id: input.case, brigadeId: p.brigadeId });
      if (!found) throw new ValidationError(`No case ${input.case}`, { case: 'unknown' });
      const permit = mayProposeTransfer(p, found.handlingSquadId);
      if (!permit.ok)
        throw new ForbiddenError('Only a leader of the squad handling the case proposes its transfer', permit.reason);
      if (found.openTransferId !== null)
        throw new ConflictError(`Case ${found.reference} already has a transfer under way`, 'transfer_open');
      const to = known(
        await this.org.resolveSquadCodes(p.brigadeId, [input.toSquad], 'toSquad', m),
        input.toSquad,
        'squad',
      );
      const transfer: CaseTransferInput = {
        caseId: found.id,
        fromSquadId: found.handlingSquadId,
        toSquadId: to.id,
        materials: input.materials.map((x) => ({
          code: x.code,
          count: x.count,
          description: (x.description ?? '').trim(),
        })),
        note: input.note.trim(),
        proposedBy: p.userId,
      };
      const facts = await transferFacts(m, p);
      const problems = proposalProblems(transfer, this.requiredMaterials(), facts.activeSquadIds);
      if (problems.length) {
        const missing = problems.filter((x) => x.code === 'material_missing').map((x) => x.params?.material);
        throw new RuleViolationError(
          missing.length
            ? `The package is incomplete: missing ${missing.join(', ')} (R10)`
            : 'The transfer is not valid',
          problems,
        );
      }
      // Issue 13: the files are kept in the step's payload; the engine's hook attaches them in this transaction.
      const created = { ...transfer, ...(input.files?.length ? { files: input.files } : {}) };
      return (await this.engine.create(this.workflow, p, permit.role, created, m)).id;
    });
  }

  async send(p: Principal, id: number, input: TransferEventInput): Promise<{ state: string; version: number }> {
    const { expectedVersion, ...rest } = input;
    let command: CommandEvent;
    if (rest.type === 'DESIGNATE') {
      // Who may designate comes before whether the squad named exists (issue 11, finding 8).
      await this.engine.loadAuthorized(this.db.manager, this.workflow, id, p, 'DESIGNATE');
      const squad = rest.squad
        ? known(await this.org.resolveSquadCodes(p.brigadeId, [rest.squad], 'squad'), rest.squad, 'squad').id
        : null;
      // The code beside the id: the history reads as the practice does.
      command = { type: 'DESIGNATE', squadId: squad, squad: rest.squad, reason: rest.reason };
    } else {
      command = { ...rest };
    }
    const result = await this.engine.send(this.workflow, id, p, command, { expectedVersion });
    return { state: result.state, version: result.version };
  }

  async get(p: Principal, id: number): Promise<TransferRecordView> {
    const m = this.db.manager;
    const loaded = await this.engine.load(m, this.workflow, id, p);
    const ctx = loaded.context;
    const [transfer, found, squads, deadline, files] = await Promise.all([
      m.findOneByOrFail(CaseTransfer, { id }),
      m.findOneByOrFail(Case, { id: ctx.caseId }),
      m.find(Squad, { where: { brigadeId: p.brigadeId } }),
      m.findOne(WorkflowDeadline, { where: { instanceId: id, closedAt: IsNull() }, order: { id: 'DESC' } }),
      attachedFilesOf(m, p.brigadeId, 'transfer', id, this.config.files.takenLongBeforeHours),
    ]);
    const users = await this.org.usersByIds(
      [ctx.proposedBy, ctx.answeredBy, ctx.designatedBy].filter((x): x is number => x !== null),
      m,
    );
    return {
      transfer,
      case: found,
      state: loaded.state,
      version: loaded.row.version,
      context: ctx,
      allowedEvents: this.engine.allowedEvents(this.workflow, loaded, p),
      clock: deadline
        ? {
            kind: deadline.kind,
            startsAt: deadline.startsAt,
            dueAt: deadline.dueAt,
            light: lightOf(deadline.startsAt, deadline.dueAt, this.clock.now()),
          }
        : { kind: null, startsAt: null, dueAt: null, light: null },
      squadById: new Map(squads.map((s) => [s.id, s])),
      userById: new Map(users.map((u) => [u.id, u])),
      files,
    };
  }

  async history(p: Principal, id: number): Promise<WorkflowHistory[]> {
    const m = this.db.manager;
    await this.engine.load(m, this.workflow, id, p);
    return this.engine.history(m, id);
  }

  /** A page of the brigade's transfers, newest first, by state, squad (either side) and light (cursor pagination). */
  async list(
    p: Principal,
    f: TransferFilters,
  ): Promise<Page<CaseTransfer> & { caseById: Map<number, Case>; now: Date }> {
    const m = this.db.manager;
    const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
    const now = this.clock.now();
    const squads = await m.find(Squad, { where: { brigadeId: p.brigadeId } });
    const squadId = f.squad ? this.squadByCode(squads, f.squad, 'squad').id : undefined;
    const beforeId = f.cursor ? decodeCursor(f.cursor) : undefined;
    const rows = await listTransfers(m, {
      brigadeId: p.brigadeId,
      state: f.state,
      squadId,
      caseId: f.case,
      light: f.light ? { is: f.light, now } : undefined,
      beforeId,
      take: limit + 1,
    });
    const items = rows.slice(0, limit);
    const cases = items.length
      ? await m.find(Case, { where: { id: In([...new Set(items.map((t) => t.caseId))]) } })
      : [];
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null,
      squadById: new Map(squads.map((s) => [s.id, s])),
      caseById: new Map(cases.map((c) => [c.id, c])),
      now,
    };
  }

  /**
   * What waits on this user (the inbox): proposals to their squad to accept or
   * dispute (a squad leader), disputes to designate (the legal section); oldest first.
   */
  async waiting(p: Principal): Promise<{ items: CaseTransfer[]; caseById: Map<number, Case>; now: Date }> {
    const m = this.db.manager;
    const items = await waitingTransfers(m, this.waitingFor(p), 50);
    if (!items.length) return { items: [], caseById: new Map(), now: this.clock.now() };
    const cases = items.length
      ? await m.find(Case, { where: { id: In([...new Set(items.map((t) => t.caseId))]) } })
      : [];
    return { items, caseById: new Map(cases.map((c) => [c.id, c])), now: this.clock.now() };
  }

  /** How many transfers wait on this user (the number in the navigation). */
  async waitingCount(p: Principal): Promise<number> {
    return countWaitingTransfers(this.db.manager, this.waitingFor(p));
  }

  /** What waits on whom: proposals to a squad leader's squad, disputes for the legal section. */
  private waitingFor(p: Principal): WaitingTransfers {
    return {
      brigadeId: p.brigadeId,
      proposedTo: hasRole(p, 'squad_leader') && p.squadId !== null ? p.squadId : undefined,
      disputed: hasRole(p, 'legal'),
    };
  }

  /** The cases of an operation, each with its latest transfer (the operation page's section). */
  async casesOfOperation(
    p: Principal,
    operationId: number,
  ): Promise<{ items: Case[]; transferById: Map<number, CaseTransfer>; squadById: Map<number, Squad> }> {
    const page = await this.listCases(p, { operation: operationId, limit: 200 });
    return { items: page.items.slice().reverse(), transferById: page.transferById, squadById: page.squadById };
  }

  private squadByCode(squads: Squad[], code: string, field: string): Squad {
    const s = squads.find((x) => x.code === code);
    if (!s) throw new ValidationError(`Unknown squad code: ${code}`, { [field]: `unknown_code:${code}` });
    return s;
  }
}

export { OPEN_TRANSFER_STATES };
