/**
 * The rules of case transfers (R10), as pure functions: the machine's guards,
 * and the engine's way to tell a forbidden caller (403) from a refused step (422).
 */
import { type Actor, type Permit, deny, hasRole, permit } from '../shared/actor';
import { type Problem, problem } from '../shared/problem';
import type { CaseTransferContext, CaseTransferEvent, CaseTransferEventType, CaseTransferInput, CaseTransferState, TransferMaterial } from './case-transfer.types';

const blank = (s: string | null | undefined) => !s || s.trim() === '';

/** A squad leader of `squadId`. */
export function isLeaderOf(actor: Actor, squadId: number | null): boolean {
  return squadId !== null && hasRole(actor, 'squad_leader') && actor.squadId === squadId;
}

/**
 * Who may send each event to a transfer (R10, SPEC §2):
 * the receiving squad's leader accepts or disputes — never the sending squad's
 * ("the sending squad cannot accept its own transfer"); only the legal section
 * designates; the sending squad's leader withdraws.
 */
export function mayTransfer(type: CaseTransferEventType, actor: Actor, ctx: CaseTransferContext, _state: CaseTransferState): Permit {
  if (actor.kind !== 'user') return deny('users_only');
  switch (type) {
    case 'ACCEPT':
    case 'DISPUTE':
      if (isLeaderOf(actor, ctx.toSquadId)) return permit('squad_leader');
      return deny(actor.squadId === ctx.fromSquadId ? 'own_transfer' : 'not_receiving_squad_leader');
    case 'DESIGNATE':
      return hasRole(actor, 'legal') ? permit('legal') : deny('not_legal');
    case 'WITHDRAW':
      return isLeaderOf(actor, ctx.fromSquadId) ? permit('squad_leader') : deny('not_sending_squad_leader');
  }
}

/** Who may propose a transfer of a case: a leader of the squad handling it (R10). */
export function mayProposeTransfer(actor: Actor, handlingSquadId: number): Permit {
  if (isLeaderOf(actor, handlingSquadId)) return permit('squad_leader');
  return deny('not_handling_squad_leader');
}

/**
 * R10: the evidence and materials go with the case, complete. Each required
 * item is listed with a count of at least one; a package missing any cannot
 * be proposed (each missing item is named, as `materials.<code>`).
 */
export function materialProblems(materials: readonly TransferMaterial[], required: readonly string[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const m of materials) {
    if (seen.has(m.code) && m.code !== 'other') out.push(problem('duplicate_material', `materials.${m.code}`));
    seen.add(m.code);
    if (!Number.isInteger(m.count) || m.count < 1) out.push(problem('material_count', `materials.${m.code}`, 'R10'));
    if (m.code === 'other' && blank(m.description)) out.push(problem('required', 'materials.other'));
  }
  for (const code of required) {
    if (!materials.some((m) => m.code === code && m.count >= 1)) out.push(problem('material_missing', `materials.${code}`, 'R10', { material: code }));
  }
  return out;
}

/** Problems with a proposal: another squad, in use, and a complete package (R10). */
export function proposalProblems(input: CaseTransferInput, required: readonly string[], activeSquadIds: readonly number[]): Problem[] {
  const out: Problem[] = [];
  if (input.toSquadId === input.fromSquadId) out.push(problem('same_squad', 'toSquad', 'R10'));
  else if (!activeSquadIds.includes(input.toSquadId)) out.push(problem('squad_inactive', 'toSquad'));
  if (blank(input.note)) out.push(problem('required', 'note', 'R10'));
  out.push(...materialProblems(input.materials, required));
  return out;
}

/** Problems with an event's own content, given the transfer as it stands (empty = the step may happen). */
export function transferEventProblems(_ctx: CaseTransferContext, event: CaseTransferEvent): Problem[] {
  switch (event.type) {
    case 'ACCEPT':
      return [];
    case 'DISPUTE':
      return blank(event.reason) ? [problem('required', 'reason', 'R10')] : [];
    case 'DESIGNATE': {
      const out: Problem[] = [];
      if (event.squadId === null) out.push(problem('required', 'squad', 'R10'));
      else if (!event.facts.activeSquadIds.includes(event.squadId)) out.push(problem('squad_inactive', 'squad'));
      if (blank(event.reason)) out.push(problem('required', 'reason', 'R10'));
      return out;
    }
    case 'WITHDRAW':
      // §3.5: withdrawals always carry a reason (their share is watched).
      return blank(event.reason) ? [problem('required', 'reason', '§3.5')] : [];
  }
}

/** The squad that handles the case once the transfer has ended in `state` (null: it stays where it was). */
export function competentSquad(ctx: CaseTransferContext, state: CaseTransferState): number | null {
  if (state === 'transferred') return ctx.toSquadId;
  if (state === 'designated') return ctx.designatedSquadId;
  return null;
}
