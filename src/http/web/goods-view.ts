import type { Services } from '../../container';
import { operationGoodsActions } from '../../domain/goods/goods.policy';
import type { Principal } from '../../domain/org/org.service';
import type { Locale } from '../../i18n';
import { localName } from '../../i18n/local-name';

/** Detained goods (R13) as other pages show them: an operation's ledger in brief (its page's section), the inbox's cards. */

/** An operation's ledger as its page and the goods pages show it, with registering offered to those the domain lets. */
export async function ledgerView(services: Pick<Services, 'goods'>, p: Principal, locale: Locale, operationId: number) {
  const ledger = await services.goods.ledger(p, operationId);
  const q = (b: { count: number; quantity: number }) => ({ count: b.count, quantity: b.quantity });
  return {
    operation: {
      id: ledger.operation.id,
      numberYear: ledger.operation.numberYear,
      numberSeq: ledger.operation.numberSeq,
      title: ledger.operation.title,
      state: ledger.operation.state,
    },
    balanced: ledger.balanced,
    unitsBalance: ledger.unitsBalance,
    resultsAgree: ledger.resultsAgree,
    squads: ledger.squads.map((x) => ({
      name: localName(locale, x),
      registered: x.registered,
      reported: x.reported,
      agrees: x.reported === null || x.reported === x.registered,
    })),
    totals: ledger.totals,
    lines: ledger.lines.map((l) => ({
      unit: l.unit,
      registered: q(l.registered),
      returned: q(l.returned),
      confiscated: q(l.confiscated),
      disposed: q(l.disposed),
      held: q(l.held),
    })),
    parties: ledger.parties.map((x) => ({
      id: x.party.id,
      numberYear: x.party.numberYear,
      numberSeq: x.party.numberSeq,
      name: x.party.name,
      stall: x.party.stall,
      items: x.items,
      held: x.held,
    })),
    canRegister: operationGoodsActions(
      p,
      ledger.operation,
      ledger.squads.map((x) => x.squadId),
    ).register,
  };
}

/** The section on an operation's page (src/http/web/operation-sections.ts): its ledger in brief, its parties, the way to register. */
export async function goodsSection(
  services: Pick<Services, 'goods'>,
  p: Principal,
  locale: Locale,
  operationId: number,
) {
  const view = await ledgerView(services, p, locale, operationId);
  if (!view.totals.registered && !view.canRegister) return null;
  return view;
}

/** R13: the inbox's cards — held items near or past their limit that wait for this user (see GoodsService.waiting). */
export async function goodsWaiting(services: Pick<Services, 'goods' | 'org'>, p: Principal, locale: Locale) {
  const items = await services.goods.waiting(p);
  if (!items.length) return [];
  const squads = new Map((await services.org.squads(p.brigadeId)).map((s) => [s.id, s]));
  const partyName = await services.goods.partyNames(
    p,
    items.map((i) => i.partyId),
  );
  return items.map((i) => ({
    id: i.id,
    description: i.description,
    quantity: i.quantity,
    unit: i.unit,
    party: partyName.get(i.partyId) ?? '',
    custodian: localName(locale, squads.get(i.custodianSquadId)),
    dueAt: i.dueAt,
    light: services.goods.lightOf(i),
    overdue: services.goods.lightOf(i) === 'red',
  }));
}
