import { MANAGER_ROLES } from '../../../workflows/shared/actor';
import type { GoodsParty } from '../../../workflows/goods';
import type { Principal } from '../org/org.service';
import { maskIdNumber, maskPhone, masked } from '../privacy/mask';

/**
 * Detained goods (R13): who reads what, beside the machine's rules for the
 * custody steps (workflows/goods/goods.rules.ts). Everyone in the brigade
 * reads the goods, their ledger and custody; a party's ID number and phone —
 * personal details a vendor gives the brigade to get their goods back — are
 * for those who deal with the party.
 */

/**
 * Who reads a party's ID number and phone in full: the leaders of the squad
 * that has the goods in custody (they return them and print the detention
 * list the party is given), the managers (who approve disposals and
 * extensions) and the legal section (penalty decisions). Everyone else sees
 * them masked. `custodianSquadIds`: the custodians of the party's items now.
 */
export function maySeePartyContact(p: Principal, custodianSquadIds: readonly number[]): boolean {
  if (p.kind !== 'user') return false;
  if (MANAGER_ROLES.some((r) => p.roles.includes(r)) || p.roles.includes('legal')) return true;
  return p.roles.includes('squad_leader') && p.squadId !== null && custodianSquadIds.includes(p.squadId);
}

/** The party as `p` may see it: a copy, its ID number and phone masked unless they may see them (`3101**********1234`, `138****0000`). */
export function partyAsSeenBy<T extends Pick<GoodsParty, 'idNumber' | 'phone'>>(
  p: Principal,
  party: T,
  custodianSquadIds: readonly number[],
): T {
  if (maySeePartyContact(p, custodianSquadIds)) return party;
  return Object.assign(Object.create(Object.getPrototypeOf(party)), party, {
    idNumber: masked(party.idNumber, maskIdNumber),
    phone: masked(party.phone, maskPhone),
  });
}

/** R13: goods are registered while the operation runs (from its start until its audit). */
export const REGISTERING_STATES: readonly string[] = ['in_progress', 'holding', 'awaiting_audit'];

/** R13: a squad leader of a squad taking part in the operation (`operationSquadIds`) registers its detained goods. */
export function mayRegisterGoods(p: Principal, operationSquadIds: readonly number[]): boolean {
  return (
    p.kind === 'user' && p.roles.includes('squad_leader') && p.squadId !== null && operationSquadIds.includes(p.squadId)
  );
}

/** What an operation's goods offer `p` now (its page shows exactly these): registering, while it runs, for those who may. */
export function operationGoodsActions(
  p: Principal,
  operation: { state: string },
  operationSquadIds: readonly number[],
): { register: boolean } {
  return { register: REGISTERING_STATES.includes(operation.state) && mayRegisterGoods(p, operationSquadIds) };
}
