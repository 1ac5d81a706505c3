/**
 * The rules of case transfers (R10), as pure functions: the machine's guards,
 * and the engine's way to tell a forbidden caller (403) from a refused step (422).
 */
import { type Actor, type Permit, deny, hasRole, permit } from '../shared/actor';
import { type Problem, problem } from '../shared/problem';
import { type WhatRule, type WhoRule, permitOf, problemsOf, whatRulesFor, type SomeRuleParam } from '../shared/rules';
import type {
  CaseTransferContext,
  CaseTransferEvent,
  CaseTransferEventType,
  CaseTransferInput,
  CaseTransferState,
  TransferMaterial,
} from './case-transfer.types';

const blank = (s: string | null | undefined) => !s || s.trim() === '';

/** A squad leader of `squadId`. */
export function isLeaderOf(actor: Actor, squadId: number | null): boolean {
  return squadId !== null && hasRole(actor, 'squad_leader') && actor.squadId === squadId;
}

/** A rule only people follow: the oversight jobs are refused it before anything else is asked. */
const byUser =
  (rule: WhoRule<CaseTransferContext>): WhoRule<CaseTransferContext> =>
  (actor, ctx, facts) =>
    actor.kind !== 'user' ? deny('users_only') : rule(actor, ctx, facts);

/**
 * Who may send an event to a transfer, rule by rule (R10, SPEC §2; each name
 * is a guard of the machine): the receiving squad's leader accepts or
 * disputes — never the sending squad's ("the sending squad cannot accept its
 * own transfer"); only the legal section designates; the sending squad's
 * leader withdraws.
 */
export const CASE_TRANSFER_WHO = {
  isReceivingSquadLeader: byUser((actor, ctx) => {
    if (isLeaderOf(actor, ctx.toSquadId)) return permit('squad_leader');
    return deny(actor.squadId === ctx.fromSquadId ? 'own_transfer' : 'not_receiving_squad_leader');
  }),
  /** R10: the Case Review (Legal) Section designates jurisdiction in a dispute. */
  isLegalSection: byUser((actor) => (hasRole(actor, 'legal') ? permit('legal') : deny('not_legal'))),
  isSendingSquadLeader: byUser((actor, ctx) =>
    isLeaderOf(actor, ctx.fromSquadId) ? permit('squad_leader') : deny('not_sending_squad_leader'),
  ),
} satisfies Record<string, WhoRule<CaseTransferContext>>;

export type CaseTransferWhoRule = keyof typeof CASE_TRANSFER_WHO;

/** The who-rules of each event, in the order they are asked (the first refusal is the 403's reason). */
export const CASE_TRANSFER_WHO_OF: Readonly<Record<CaseTransferEventType, readonly CaseTransferWhoRule[]>> = {
  ACCEPT: ['isReceivingSquadLeader'],
  DISPUTE: ['isReceivingSquadLeader'],
  DESIGNATE: ['isLegalSection'],
  WITHDRAW: ['isSendingSquadLeader'],
};

/** Who may send each event to a transfer. Returns the role the actor acts in. */
export function mayTransfer(
  type: CaseTransferEventType,
  actor: Actor,
  ctx: CaseTransferContext,
  _state: CaseTransferState,
): Permit {
  return permitOf(
    CASE_TRANSFER_WHO_OF[type].map((name) => CASE_TRANSFER_WHO[name]),
    actor,
    ctx,
    undefined,
  );
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
    if (!materials.some((m) => m.code === code && m.count >= 1))
      out.push(problem('material_missing', `materials.${code}`, 'R10', { material: code }));
  }
  return out;
}

/** Problems with a proposal: another squad, in use, and a complete package (R10). */
export function proposalProblems(
  input: CaseTransferInput,
  required: readonly string[],
  activeSquadIds: readonly number[],
): Problem[] {
  const out: Problem[] = [];
  if (input.toSquadId === input.fromSquadId) out.push(problem('same_squad', 'toSquad', 'R10'));
  else if (!activeSquadIds.includes(input.toSquadId)) out.push(problem('squad_inactive', 'toSquad'));
  if (blank(input.note)) out.push(problem('required', 'note', 'R10'));
  out.push(...materialProblems(input.materials, required));
  return out;
}

const what = whatRulesFor<CaseTransferContext, CaseTransferEvent>();

/** What an event must satisfy, rule by rule (each name is a guard of the machine): the problems it has, naming the fields. */
export const CASE_TRANSFER_WHAT = {
  /** R10: a dispute and a designation say why; §3.5: withdrawals always carry a reason (their share is watched). */
  reasonGiven: what(['DISPUTE', 'DESIGNATE', 'WITHDRAW'], (_ctx, e) =>
    blank(e.reason) ? [problem('required', 'reason', e.type === 'WITHDRAW' ? '§3.5' : 'R10')] : [],
  ),
  /** R10: the legal section names a competent squad that exists. */
  competentSquadNamed: what(['DESIGNATE'], (_ctx, e) => {
    if (e.squadId === null) return [problem('required', 'squad', 'R10')];
    return e.facts.activeSquadIds.includes(e.squadId) ? [] : [problem('squad_inactive', 'squad')];
  }),
} satisfies Record<string, WhatRule<CaseTransferContext, CaseTransferEvent, SomeRuleParam>>;

export type CaseTransferWhatRule = keyof typeof CASE_TRANSFER_WHAT;

/** The what-rules of each event, in the order their problems are listed. */
export const CASE_TRANSFER_WHAT_OF: Readonly<Record<CaseTransferEventType, readonly CaseTransferWhatRule[]>> = {
  ACCEPT: [],
  DISPUTE: ['reasonGiven'],
  DESIGNATE: ['competentSquadNamed', 'reasonGiven'],
  WITHDRAW: ['reasonGiven'],
};

/** Problems with an event's own content, given the transfer as it stands (empty = the step may happen). */
export function transferEventProblems(ctx: CaseTransferContext, event: CaseTransferEvent): Problem[] {
  return problemsOf(
    CASE_TRANSFER_WHAT_OF[event.type].map((name) => CASE_TRANSFER_WHAT[name]),
    ctx,
    event,
  );
}

/** The rules guarding `type`, as the machine names them: who first, then what. */
export function caseTransferRules(type: CaseTransferEventType): string[] {
  return [...CASE_TRANSFER_WHO_OF[type], ...CASE_TRANSFER_WHAT_OF[type]];
}

/** The squad that handles the case once the transfer has ended in `state` (null: it stays where it was). */
export function competentSquad(ctx: CaseTransferContext, state: CaseTransferState): number | null {
  if (state === 'transferred') return ctx.toSquadId;
  if (state === 'designated') return ctx.designatedSquadId;
  return null;
}
