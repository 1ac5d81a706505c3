import type { CustodyPeriod, GoodsRecordView, Ledger } from '../../domain/goods/goods.service';
import type { GoodsItem, GoodsParty, Squad } from '../../persistence/entities';
import { isoInZone } from '../../time';

const when = (d: Date | null, tz: string) => (d ? isoInZone(d, tz) : null);

export function presentParty(p: GoodsParty) {
  return {
    id: p.id,
    /** The brigade's number of the party's detention list (暂扣物品清单), per year. */
    number: p.numberSeq !== null && p.numberYear !== null ? { year: p.numberYear, seq: p.numberSeq } : null,
    name: p.name,
    idNumber: p.idNumber,
    phone: p.phone,
    stall: p.stall,
  };
}

/** One item in a list. */
export function presentGoodsRow(i: GoodsItem, squadById: Map<number, Squad>, tz: string, light: string | null) {
  return {
    id: i.id,
    operation: i.operationId,
    party: i.partyId,
    state: i.state,
    description: i.description,
    quantity: i.quantity,
    unit: i.unit,
    perishable: i.perishable,
    caseRef: i.caseRef,
    custodianSquad: squadById.get(i.custodianSquadId)?.code ?? null,
    storagePlace: i.storagePlace,
    registeredAt: when(i.registeredAt, tz),
    dueAt: when(i.dueAt, tz),
    extended: i.extended,
    disposalApproved: i.disposalApproved,
    light,
  };
}

/** One item with its state, version and the events this caller may send now (SPEC §6). */
export function presentGoods(r: GoodsRecordView, tz: string) {
  const ctx = r.context;
  return {
    ...presentGoodsRow(r.item, r.squadById, tz, r.light),
    state: r.state,
    version: r.version,
    allowedEvents: r.allowedEvents,
    party: presentParty(r.party),
    operation: { id: r.operation.id, title: r.operation.title, state: r.operation.state },
    extension: ctx.extension ? { reason: ctx.extension.reason, days: ctx.extension.days, at: when(new Date(ctx.extension.at), tz) } : null,
    disposalApproval: ctx.disposalApproval ? { method: ctx.disposalApproval.method, reason: ctx.disposalApproval.reason, at: when(new Date(ctx.disposalApproval.at), tz) } : null,
    outcome: ctx.outcome ? { ...ctx.outcome, at: when(new Date(ctx.outcome.at), tz) } : null,
  };
}

export function presentCustody(periods: CustodyPeriod[], squadById: Map<number, Squad>, tz: string) {
  return {
    items: periods.map((p) => ({
      custodianSquad: squadById.get(p.squadId)?.code ?? null,
      storagePlace: p.place,
      from: when(p.from, tz),
      until: when(p.until, tz),
      by: p.by,
      event: p.event,
      reason: p.reason,
    })),
  };
}

export function presentLedger(l: Ledger) {
  return {
    operation: l.operation.id,
    balanced: l.balanced,
    unitsBalance: l.unitsBalance,
    resultsAgree: l.resultsAgree,
    squads: l.squads.map((s) => ({ squad: s.code, registered: s.registered, reported: s.reported })),
    totals: l.totals,
    units: l.lines,
    parties: l.parties.map((p) => ({ ...presentParty(p.party), items: p.items, held: p.held })),
  };
}
