import { type EntityManager, In } from 'typeorm';
import type { Config } from '../../../config';
import { type GoodsContext, type GoodsEventType, goodsStandingProblems, itemProblems } from '../../../workflows/goods';
import { MANAGER_ROLES } from '../../../workflows/shared/actor';
import { type Problem, problem } from '../../../workflows/shared/problem';
import { addDays } from '../../../workflows/shared/time';
import type { Clock } from '../../clock';
import type { WorkflowEngine } from '../../engine/engine';
import type { CommandEvent } from '../../engine/workflow-definition';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import {
  Case,
  GoodsItem,
  GoodsParty,
  Operation,
  OperationSquad,
  Squad,
  type WorkflowHistory,
} from '../../persistence/entities';
import { type Light, lightOf } from '../oversight/lights';
import { takeNumber } from '../numbering/record-number';
import { localDateOf } from '../../time';
import { goodsBySquadOf } from '../operations/operation.workflow';
import type { OrgService, Principal } from '../org/org.service';
import { decodeCursor, encodeCursor } from '../../persistence/cursor';
import type { GoodsEventInput, GoodsFilters, RegisterGoodsInput } from './goods.inputs';
import type { GoodsWorkflow } from './goods.workflow';
import { REGISTERING_STATES, mayRegisterGoods, partyAsSeenBy } from './goods.policy';
import {
  heldNearLimit,
  itemsPerParty,
  ledgerRows,
  listGoods,
  partyCustodians,
  recountGoodsDetained,
  registeredByUnit,
} from './goods.queries';
import { type RegisterForm, partyNames, registerFormOf } from './goods.read-models';
import { known } from '../../known';
import { type AttachedFile, attachedFilesOf } from '../files/files.service';

/** R13: goods are registered during an operation or right after it, while it is held or audited. */
export { REGISTERING_STATES };

export interface GoodsRecordView {
  item: GoodsItem;
  party: GoodsParty;
  operation: Operation;
  state: string;
  version: number;
  context: GoodsContext;
  allowedEvents: string[];
  light: Light | null;
  squadById: Map<number, Squad>;
  /** Issue 13: its evidence files (condition at detention, return, disposal), in the order attached. */
  files: AttachedFile[];
}

export interface LedgerLine {
  unit: string;
  registered: { count: number; quantity: number };
  returned: { count: number; quantity: number };
  confiscated: { count: number; quantity: number };
  disposed: { count: number; quantity: number };
  held: { count: number; quantity: number };
}

/** R13: an operation's account of its goods (防止"糊涂账"): registered = returned + confiscated + disposed + still held. */
export interface Ledger {
  operation: Operation;
  lines: LedgerLine[];
  totals: { registered: number; returned: number; confiscated: number; disposed: number; held: number };
  /** Every account of the operation balances: each unit's (registered = returned + confiscated + disposed + held) and each squad's results against the ledger. */
  balanced: boolean;
  /** registered = returned + confiscated + disposed + held, for every unit. */
  unitsBalance: boolean;
  /** Per squad taking part: items the ledger registered for it, and what its results say (null before results). */
  squads: Array<{
    squadId: number;
    code: string;
    name: string;
    nameEn: string;
    registered: number;
    reported: number | null;
  }>;
  /** Every squad's results say what the ledger registered for it (true before results are recorded). */
  resultsAgree: boolean;
  parties: Array<{ party: GoodsParty; items: number; held: number }>;
}

/** One period of custody of an item: who had it where, from when until when (null: still). */
export interface CustodyPeriod {
  squadId: number;
  place: string;
  from: Date;
  until: Date | null;
  by: string;
  byUserId: number | null;
  event: string;
  reason: string | null;
}

const OUTCOMES = ['returned', 'confiscated', 'disposed', 'held'] as const;
const round = (n: number) => Math.round(n * 1000) / 1000;

/** Detained goods (R13): the API and the web both call these (STYLE habit 1). */
export class GoodsService {
  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly org: OrgService,
    private readonly workflow: GoodsWorkflow,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {}

  /** R13: the legal limit of an item registered at `at`. */
  limitOf(at: Date, perishable: boolean): Date {
    return new Date(
      addDays(at.toISOString(), perishable ? this.config.goods.perishableDays : this.config.goods.detentionDays),
    );
  }

  /** R13, §3.5: how close a held item is to its limit — green, amber from 80 % of the time from registration to the limit, red past it. */
  lightOf(item: Pick<GoodsItem, 'state' | 'dueAt' | 'registeredAt'>, now = this.clock.now()): Light | null {
    if (item.state !== 'held') return null;
    return lightOf(item.registeredAt, item.dueAt, now);
  }

  /**
   * Registers one party's goods in one operation: the party and every item
   * (each its own workflow instance, `held`) in one transaction. A squad
   * leader of a squad taking part registers, once the operation has started.
   */
  async register(actor: Principal, input: RegisterGoodsInput): Promise<{ partyId: number; itemIds: number[] }> {
    return this.db.transaction(async (m) => {
      const operation = await m.findOneBy(Operation, { id: input.operationId, brigadeId: actor.brigadeId });
      if (!operation) throw new NotFoundError(`No operation ${input.operationId}`);
      const squads = await m.find(OperationSquad, { where: { operationId: operation.id } });
      const squadIds = squads.map((s) => s.squadId);
      if (!mayRegisterGoods(actor, squadIds)) {
        throw new ForbiddenError(
          'Only a squad leader of a squad taking part registers its detained goods',
          'not_operation_squad_leader',
        );
      }
      const problems: Problem[] = [];
      if (!REGISTERING_STATES.includes(operation.state))
        problems.push(problem('operation_not_running', 'operation', 'R13', { state: operation.state }));
      if (!input.party.name?.trim()) problems.push(problem('required', 'party.name', 'R13'));
      if (!input.party.stall?.trim()) problems.push(problem('required', 'party.stall', 'R13'));
      if (!input.items.length) problems.push(problem('required', 'items', 'R13'));
      const codes = [...new Set(input.items.map((i) => i.custodianSquad).filter((c): c is string => !!c))];
      const byCode = codes.length
        ? await this.org.resolveSquadCodes(actor.brigadeId, codes, 'custodianSquad', m)
        : new Map<string, Squad>();
      const hostId = operation.hostSquadId ?? operation.leadSquadId;
      const cases = await this.registeredCases(
        m,
        actor.brigadeId,
        input.items.map((i) => i.caseRef),
      );
      const items = input.items.map((i, n) => {
        const custodianSquadId = i.custodianSquad ? known(byCode, i.custodianSquad, 'squad').id : hostId;
        problems.push(
          ...itemProblems(
            { description: i.description, quantity: i.quantity, unit: i.unit, storagePlace: i.storagePlace },
            `items.${n}.`,
          ),
        );
        // R13: goods stay with the squads of the operation (normally the host squad).
        if (!squadIds.includes(custodianSquadId))
          problems.push(problem('custodian_not_in_operation', `items.${n}.custodianSquad`, 'R13'));
        // §3.3: an item is registered against a case of the brigade's register, never a number nobody can find.
        const caseRef = i.caseRef?.trim() || null;
        if (caseRef !== null && !cases.has(caseRef))
          problems.push(problem('unknown_case', `items.${n}.caseRef`, '§3.3', { reference: caseRef }));
        return { ...i, custodianSquadId };
      });
      if (problems.length) throw new RuleViolationError('The goods cannot be registered', problems);
      const at = this.clock.now();
      // The detention list gets the brigade's next number of the year (printed on both copies).
      const no = await takeNumber(
        m,
        actor.brigadeId,
        'detention_list',
        Number(localDateOf(at, actor.timeZone).slice(0, 4)),
      );
      const party = await m.save(
        m.create(GoodsParty, {
          brigadeId: actor.brigadeId,
          operationId: operation.id,
          // R13: the registering leader's squad detained them; its results say what the ledger holds for it.
          squadId: actor.squadId,
          numberYear: no.year,
          numberSeq: no.seq,
          name: input.party.name.trim(),
          idNumber: input.party.idNumber?.trim() || null,
          phone: input.party.phone?.trim() || null,
          stall: input.party.stall.trim(),
          createdBy: actor.userId,
          createdAt: at,
        }),
      );
      const itemIds: number[] = [];
      for (const i of items) {
        const perishable = i.perishable === true;
        const created = await this.engine.create(
          this.workflow,
          actor,
          'squad_leader',
          {
            operationId: operation.id,
            partyId: party.id,
            party: { name: party.name, idNumber: party.idNumber, phone: party.phone, stall: party.stall },
            description: i.description.trim(),
            quantity: i.quantity,
            unit: i.unit.trim(),
            perishable,
            caseRef: i.caseRef?.trim() || null,
            custodianSquadId: i.custodianSquadId,
            storagePlace: i.storagePlace.trim(),
            registeredAt: at.toISOString(),
            registeredBy: actor.userId,
            dueAt: this.limitOf(at, perishable).toISOString(),
            // Issue 13: kept in the step's payload; the engine's hook attaches them to the item in this transaction.
            ...(input.files?.length ? { files: input.files } : {}),
          },
          m,
        );
        itemIds.push(created.id);
      }
      // R13: once results are recorded, a squad's goods detained are what its ledger holds (registered later included).
      if (operation.actualEnd !== null) {
        await recountGoodsDetained(m, operation.id, actor.squadId);
      }
      return { partyId: party.id, itemIds };
    });
  }

  /** Which of these case references are cases registered in the brigade (compared as written, trimmed). */
  private async registeredCases(
    m: EntityManager,
    brigadeId: number,
    refs: ReadonlyArray<string | null | undefined>,
  ): Promise<Set<string>> {
    const wanted = [...new Set(refs.map((r) => r?.trim()).filter((r): r is string => !!r))];
    if (!wanted.length) return new Set();
    const found = await m.find(Case, { select: { reference: true }, where: { brigadeId, reference: In(wanted) } });
    // The database may compare without case or trailing spaces (MariaDB's collation); the register's own spelling decides.
    return new Set(found.map((c) => c.reference).filter((r) => wanted.includes(r)));
  }

  async send(actor: Principal, id: number, input: GoodsEventInput): Promise<{ state: string; version: number }> {
    const { expectedVersion, ...rest } = input;
    let command: CommandEvent;
    if (rest.type === 'MOVE') {
      // Who may move it comes before whether the squad named exists (issue 11, finding 8).
      await this.engine.loadAuthorized(this.db.manager, this.workflow, id, actor, 'MOVE');
      const squad = known(
        await this.org.resolveSquadCodes(actor.brigadeId, [rest.custodianSquad], 'custodianSquad'),
        rest.custodianSquad,
        'squad',
      );
      command = {
        type: 'MOVE',
        custodianSquadId: squad.id,
        storagePlace: rest.storagePlace,
        ...(rest.reason ? { reason: rest.reason } : {}),
      };
    } else {
      command = { ...rest };
    }
    const result = await this.engine.send(this.workflow, id, actor, command, { expectedVersion });
    return { state: result.state, version: result.version };
  }

  async get(actor: Principal, id: number): Promise<GoodsRecordView> {
    const m = this.db.manager;
    const loaded = await this.engine.load(m, this.workflow, id, actor);
    const item = await m.findOneByOrFail(GoodsItem, { id });
    const [party, operation, squads, files] = await Promise.all([
      m.findOneByOrFail(GoodsParty, { id: item.partyId }),
      m.findOneByOrFail(Operation, { id: item.operationId }),
      m.find(Squad, { where: { brigadeId: actor.brigadeId } }),
      attachedFilesOf(m, actor.brigadeId, 'goods', id, this.config.files.takenLongBeforeHours),
    ]);
    const ctx = loaded.context;
    // The party's ID number and phone as this reader may see them (goods.policy.ts): the item's custodian decides.
    const custodians = [item.custodianSquadId];
    return {
      item,
      party: partyAsSeenBy(actor, party, custodians),
      operation,
      state: loaded.state,
      version: loaded.row.version,
      context: { ...ctx, party: partyAsSeenBy(actor, ctx.party, custodians) },
      // A step the item as it stands refuses anyway (dispose before approval, a second extension, an extension past the limit) is not offered.
      allowedEvents: this.engine
        .allowedEvents(this.workflow, loaded, actor)
        .filter((e) => goodsStandingProblems(ctx, e as GoodsEventType, this.clock.now().toISOString()).length === 0),
      light: this.lightOf(item),
      squadById: new Map(squads.map((s) => [s.id, s])),
      files,
    };
  }

  /**
   * The item's history as this reader may see it: the registration's party
   * details masked unless they may see them (goods.policy.ts). The stored
   * steps are what the hash chain is checked against, never these copies.
   */
  async history(actor: Principal, id: number): Promise<WorkflowHistory[]> {
    const rows = await this.storedHistory(actor, id);
    const item = await this.db.manager.findOne(GoodsItem, {
      select: { id: true, custodianSquadId: true },
      where: { id },
    });
    const custodians = item ? [item.custodianSquadId] : [];
    return rows.map((h) => {
      const payload = h.payload as Record<string, unknown> | null;
      const party = payload?.party as GoodsContext['party'] | undefined;
      if (h.event !== 'CREATE' || !party) return h;
      const seen = partyAsSeenBy(actor, party, custodians);
      return seen === party
        ? h
        : Object.assign(Object.create(Object.getPrototypeOf(h)), h, { payload: { ...payload, party: seen } });
    });
  }

  private async storedHistory(actor: Principal, id: number): Promise<WorkflowHistory[]> {
    await this.engine.load(this.db.manager, this.workflow, id, actor);
    return this.engine.history(this.db.manager, id);
  }

  /** R13: who had the item when — every period of custody, read from the engine's history. */
  async custody(actor: Principal, id: number): Promise<CustodyPeriod[]> {
    return custodyOf(await this.storedHistory(actor, id));
  }

  async list(
    actor: Principal,
    f: GoodsFilters,
  ): Promise<{
    items: GoodsItem[];
    nextCursor: string | null;
    squadById: Map<number, Squad>;
    partyById: Map<number, GoodsParty>;
    operationById: Map<number, Operation>;
  }> {
    const m = this.db.manager;
    const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
    const squads = await m.find(Squad, { where: { brigadeId: actor.brigadeId } });
    let custodianSquadId: number | undefined;
    if (f.squad) {
      const s = squads.find((x) => x.code === f.squad);
      if (!s) throw new ValidationError(`Unknown squad code: ${f.squad}`, { squad: `unknown_code:${f.squad}` });
      custodianSquadId = s.id;
    }
    const light = f.light ? { is: f.light, now: this.clock.now() } : undefined;
    const beforeId = f.cursor ? decodeCursor(f.cursor) : undefined;
    const rows = await listGoods(m, {
      brigadeId: actor.brigadeId,
      operationId: f.operation,
      state: f.state,
      custodianSquadId,
      light,
      beforeId,
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const [parties, operations] = page.length
      ? await Promise.all([
          m.find(GoodsParty, { where: { id: In([...new Set(page.map((i) => i.partyId))]) } }),
          m.find(Operation, {
            select: { id: true, numberYear: true, numberSeq: true, title: true },
            where: { id: In([...new Set(page.map((i) => i.operationId))]) },
          }),
        ])
      : [[], []];
    // Each party as this reader may see it, by the custodians of its items on the page (goods.policy.ts).
    const custodiansOf = (partyId: number) => page.filter((i) => i.partyId === partyId).map((i) => i.custodianSquadId);
    return {
      items: page,
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
      squadById: new Map(squads.map((s) => [s.id, s])),
      partyById: new Map(parties.map((p) => [p.id, partyAsSeenBy(actor, p, custodiansOf(p.id))])),
      operationById: new Map(operations.map((o) => [o.id, o])),
    };
  }

  /** R13: the operation's ledger, per unit: counts and quantities by outcome. */
  async ledger(actor: Principal, operationId: number, m: EntityManager = this.db.manager): Promise<Ledger> {
    const operation = await m.findOneBy(Operation, { id: operationId, brigadeId: actor.brigadeId });
    if (!operation) throw new NotFoundError(`No operation ${operationId}`);
    const rows = await ledgerRows(m, operationId);
    const byUnit = new Map<string, LedgerLine>();
    const zero = () => ({ count: 0, quantity: 0 });
    for (const r of rows) {
      let line = byUnit.get(r.unit);
      if (!line)
        byUnit.set(
          r.unit,
          (line = {
            unit: r.unit,
            registered: zero(),
            returned: zero(),
            confiscated: zero(),
            disposed: zero(),
            held: zero(),
          }),
        );
      const bucket = line[r.state as (typeof OUTCOMES)[number]];
      bucket.count += Number(r.n);
      bucket.quantity = round(bucket.quantity + Number(r.q));
    }
    // "Registered" is counted on its own, from the engine's history (every item created), so a lost or doubled projection would show.
    const reg = await registeredByUnit(m, operationId);
    for (const r of reg) {
      const line = known(byUnit, r.unit, 'unit');
      line.registered = { count: Number(r.n), quantity: round(Number(r.q)) };
    }
    const lines = [...byUnit.values()];
    const totals = { registered: 0, returned: 0, confiscated: 0, disposed: 0, held: 0 };
    for (const l of lines) for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += l[k].count;
    const unitsBalance = lines.every(
      (l) =>
        l.registered.count === OUTCOMES.reduce((n, o) => n + l[o].count, 0) &&
        round(l.registered.quantity) === round(OUTCOMES.reduce((n, o) => n + l[o].quantity, 0)),
    );
    // One story: what each squad's results say it detained is what the ledger registered for it.
    const [taking, bySquad] = await Promise.all([
      m.find(OperationSquad, { where: { operationId }, order: { position: 'ASC' }, relations: { squad: true } }),
      goodsBySquadOf(m, operationId),
    ]);
    const squads = taking.map((s) => ({
      squadId: s.squadId,
      code: s.squad?.code ?? '',
      name: s.squad?.name ?? '',
      nameEn: s.squad?.nameEn ?? '',
      registered: bySquad[s.squadId] ?? 0,
      reported: operation.actualEnd ? s.goodsDetained : null,
    }));
    const resultsAgree = squads.every((s) => s.reported === null || s.reported === s.registered);
    const balanced = unitsBalance && resultsAgree;
    const parties = await m.find(GoodsParty, { where: { operationId }, order: { id: 'ASC' } });
    const perParty = await itemsPerParty(m, operationId);
    const count = new Map(perParty.map((r) => [Number(r.party_id), { items: Number(r.n), held: Number(r.held) }]));
    // Each party as this reader may see it: the custodians of its items now decide (goods.policy.ts).
    const custody = await partyCustodians(m, operationId);
    const custodiansOf = (partyId: number) =>
      custody.filter((r) => Number(r.party_id) === partyId).map((r) => Number(r.custodian_squad_id));
    return {
      operation,
      lines,
      totals,
      balanced,
      unitsBalance,
      squads,
      resultsAgree,
      parties: parties.map((party) => ({
        party: partyAsSeenBy(actor, party, custodiansOf(party.id)),
        ...(count.get(party.id) ?? { items: 0, held: 0 }),
      })),
    };
  }

  /** R13: the detention list of one party (暂扣物品清单), printed in duplicate. */
  async detentionList(actor: Principal, operationId: number, partyId: number) {
    const m = this.db.manager;
    const party = await m.findOneBy(GoodsParty, { id: partyId, operationId, brigadeId: actor.brigadeId });
    if (!party) throw new NotFoundError(`No party ${partyId} in operation ${operationId}`);
    const [operation, items, squads] = await Promise.all([
      m.findOneByOrFail(Operation, { id: operationId }),
      m.find(GoodsItem, { where: { partyId }, order: { id: 'ASC' } }),
      m.find(Squad, { where: { brigadeId: actor.brigadeId } }),
    ]);
    // The list is given to the party: the custodian's leader who prints it reads it whole; anyone else, masked (goods.policy.ts).
    return {
      party: partyAsSeenBy(
        actor,
        party,
        items.map((i) => i.custodianSquadId),
      ),
      operation,
      items,
      squadById: new Map(squads.map((s) => [s.id, s])),
    };
  }

  /** R13: what the register form of an operation's goods shows (its squads, the cases registered on it); an unknown operation is refused. */
  async registerForm(actor: Principal, operationId: number): Promise<RegisterForm> {
    const form = await registerFormOf(this.db.manager, actor.brigadeId, operationId);
    if (!form) throw new ValidationError('Unknown operation', { operation: 'unknown' });
    return form;
  }

  /** The parties' names by id (the inbox's cards of goods that wait). */
  async partyNames(actor: Principal, ids: readonly number[]): Promise<Map<number, string>> {
    return partyNames(this.db.manager, actor.brigadeId, ids);
  }

  /**
   * What waits for this user: held items of their squad near or past the
   * limit (the custodian squad's leader acts: return, confiscate, dispose, or
   * ask for an extension); for managers, held items near or past the limit
   * with no extension or disposal approved yet (their approval is what waits).
   */
  async waiting(actor: Principal): Promise<GoodsItem[]> {
    const now = this.clock.now();
    const isManager = MANAGER_ROLES.some((r) => actor.roles.includes(r));
    const isLeader = actor.roles.includes('squad_leader') && actor.squadId !== null;
    if (!isManager && !isLeader) return [];
    return heldNearLimit(this.db.manager, {
      brigadeId: actor.brigadeId,
      now,
      ...(isLeader && !isManager ? { custodianSquadId: actor.squadId } : { awaitingApproval: isManager }),
      take: 50,
    });
  }
}

/** Custody periods from an item's history: registration opens the first, each MOVE the next, the outcome closes the last. */
export function custodyOf(history: WorkflowHistory[]): CustodyPeriod[] {
  const out: CustodyPeriod[] = [];
  for (const h of history) {
    const p = (h.payload ?? {}) as Record<string, unknown>;
    if (h.event === 'CREATE' || h.event === 'MOVE') {
      if (out.length) out[out.length - 1].until = h.at;
      out.push({
        squadId: Number(p.custodianSquadId),
        place: String(p.storagePlace ?? ''),
        from: h.at,
        until: null,
        by: h.actorName,
        byUserId: h.actorUserId,
        event: h.event,
        reason: typeof p.reason === 'string' && p.reason ? p.reason : null,
      });
    } else if (h.fromState === 'held' && h.toState !== 'held' && out.length) {
      out[out.length - 1].until = h.at;
    }
  }
  return out;
}
