import type { z } from 'zod';
import { GOODS_EVENT_TYPES, GOODS_STATES } from '../../../workflows/goods';
import { OPERATION_STATES } from '../../../workflows/operation';
import type { Light } from '../../domain/oversight/lights';
import type { custody, goodsDetail, goodsListItem, goodsLedger, goodsParty } from '../schemas/responses/goods.response';
import { allOf, oneOf } from './narrow';
import type { CustodyPeriod, GoodsRecordView, Ledger } from '../../domain/goods/goods.service';
import type { GoodsItem, GoodsParty, Squad } from '../../persistence/entities';
import { isoInZone } from '../../time';
import { presentAttachedFile } from './file.presenter';

const when = (d: Date | null, tz: string) => (d ? isoInZone(d, tz) : null);
const at = (iso: string, tz: string) => isoInZone(new Date(iso), tz);

export function presentParty(p: GoodsParty): z.output<typeof goodsParty> {
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
export function presentGoodsRow(
  i: GoodsItem,
  squadById: Map<number, Squad>,
  tz: string,
  light: Light | null,
): z.output<typeof goodsListItem> {
  return {
    id: i.id,
    operation: i.operationId,
    party: i.partyId,
    state: oneOf(GOODS_STATES, i.state),
    description: i.description,
    quantity: i.quantity,
    unit: i.unit,
    perishable: i.perishable,
    caseRef: i.caseRef,
    custodianSquad: squadById.get(i.custodianSquadId)?.code ?? null,
    storagePlace: i.storagePlace,
    registeredAt: isoInZone(i.registeredAt, tz),
    dueAt: isoInZone(i.dueAt, tz),
    extended: i.extended,
    disposalApproved: i.disposalApproved,
    light,
  };
}

/** One item with its state, version and the events this caller may send now (SPEC §6). */
export function presentGoods(r: GoodsRecordView, tz: string): z.output<typeof goodsDetail> {
  const ctx = r.context;
  return {
    ...presentGoodsRow(r.item, r.squadById, tz, r.light),
    state: oneOf(GOODS_STATES, r.state),
    version: r.version,
    allowedEvents: allOf(GOODS_EVENT_TYPES, r.allowedEvents),
    party: presentParty(r.party),
    operation: { id: r.operation.id, title: r.operation.title, state: oneOf(OPERATION_STATES, r.operation.state) },
    extension: ctx.extension
      ? { reason: ctx.extension.reason, days: ctx.extension.days, at: at(ctx.extension.at, tz) }
      : null,
    disposalApproval: ctx.disposalApproval
      ? {
          method: ctx.disposalApproval.method,
          reason: ctx.disposalApproval.reason,
          at: at(ctx.disposalApproval.at, tz),
        }
      : null,
    outcome: ctx.outcome ? { ...ctx.outcome, at: at(ctx.outcome.at, tz) } : null,
    files: r.files.map((f) => presentAttachedFile(f, tz)),
  };
}

export function presentCustody(
  periods: CustodyPeriod[],
  squadById: Map<number, Squad>,
  tz: string,
): z.output<typeof custody> {
  return {
    items: periods.map((p) => ({
      custodianSquad: squadById.get(p.squadId)?.code ?? null,
      storagePlace: p.place,
      from: isoInZone(p.from, tz),
      until: when(p.until, tz),
      by: p.by,
      event: p.event,
      reason: p.reason,
    })),
  };
}

export function presentLedger(l: Ledger): z.output<typeof goodsLedger> {
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
