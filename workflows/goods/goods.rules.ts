/**
 * The rules of detained goods (R13), as pure functions: the machine's guards,
 * and the engine's way to tell a forbidden caller (403) from a refused step (422).
 */
import { type Actor, type Permit, MANAGER_ROLES, asAnyOf, deny, hasRole, permit } from '../shared/actor';
import { type Problem, problem } from '../shared/problem';
import {
  PASS,
  type WhatRule,
  type WhoRule,
  permitOf,
  problemsOf,
  whatRulesFor,
  type SomeRuleParam,
} from '../shared/rules';
import { ms } from '../shared/time';
import {
  DISPOSAL_METHODS,
  type GoodsContext,
  type GoodsEvent,
  type GoodsEventType,
  type GoodsInput,
} from './goods.types';

const blank = (s: string | null | undefined) => !s || s.trim() === '';

/** R13: custody steps are the custodian squad's, done by its leader. */
export function isCustodianLeader(actor: Actor, ctx: Pick<GoodsContext, 'custody'>): boolean {
  return hasRole(actor, 'squad_leader') && actor.squadId === ctx.custody.squadId;
}

/** A rule only people follow: the oversight jobs are refused it before anything else is asked. */
const byUser =
  (rule: WhoRule<GoodsContext>): WhoRule<GoodsContext> =>
  (actor, ctx, facts) =>
    actor.kind !== 'user' ? deny('users_only') : rule(actor, ctx, facts);

/**
 * Who may send an event, rule by rule (each name is a guard of the machine):
 * the custodian squad's leader for custody steps (return, confiscate,
 * dispose, move); a manager (duty officer, commander) approves disposal and
 * extends the limit. Four eyes (R13's exact account): the manager who
 * approves or extends is not the leader who registered the goods, and the
 * leader who disposes is not the manager who approved it — an officer
 * holding both posts asks another.
 */
export const GOODS_WHO = {
  isManager: byUser((actor) => asAnyOf(actor, MANAGER_ROLES, 'not_manager')),
  notOwnRegistration: byUser((actor, ctx) =>
    ctx.registeredBy !== null && ctx.registeredBy === actor.userId ? deny('own_registration') : PASS,
  ),
  /** R13: custody steps are the custodian squad's, done by its leader. */
  isCustodianLeader: byUser((actor, ctx) =>
    isCustodianLeader(actor, ctx) ? permit('squad_leader') : deny('not_custodian_leader'),
  ),
  notOwnDisposalApproval: byUser((actor, ctx) =>
    ctx.disposalApproval && ctx.disposalApproval.byUserId !== null && ctx.disposalApproval.byUserId === actor.userId
      ? deny('own_disposal_approval')
      : PASS,
  ),
} satisfies Record<string, WhoRule<GoodsContext>>;

export type GoodsWhoRule = keyof typeof GOODS_WHO;

/** The who-rules of each event, in the order they are asked (the first refusal is the 403's reason). */
export const GOODS_WHO_OF: Readonly<Record<GoodsEventType, readonly GoodsWhoRule[]>> = {
  APPROVE_DISPOSAL: ['isManager', 'notOwnRegistration'],
  EXTEND: ['isManager', 'notOwnRegistration'],
  DISPOSE: ['isCustodianLeader', 'notOwnDisposalApproval'],
  RETURN_TO_OWNER: ['isCustodianLeader'],
  CONFISCATE: ['isCustodianLeader'],
  MOVE: ['isCustodianLeader'],
};

/** Who may send each event to an item. Returns the role the actor acts in. */
export function mayGoods(type: GoodsEventType, actor: Actor, ctx: GoodsContext): Permit {
  return permitOf(
    GOODS_WHO_OF[type].map((name) => GOODS_WHO[name]),
    actor,
    ctx,
    undefined,
  );
}

/** R13: goods cannot be disposed of without a manager's approval. */
const disposalApproved = (ctx: GoodsContext): Problem[] =>
  ctx.disposalApproval ? [] : [problem('disposal_not_approved', undefined, 'R13')];

/** R13: a disposal is approved once. */
const notApprovedYet = (ctx: GoodsContext): Problem[] =>
  ctx.disposalApproval ? [problem('disposal_already_approved', undefined, 'R13')] : [];

/**
 * R13: the limit is extended once, never twice; perishables are kept only
 * their much shorter limit (never extended); a limit is extended before it
 * runs out — once passed, the goods are held unlawfully and must be dealt with.
 */
function extendableOnce(ctx: GoodsContext, at?: string): Problem[] {
  if (ctx.perishable) return [problem('perishable_not_extended', undefined, 'R13')];
  if (ctx.extension) return [problem('already_extended', undefined, 'R13')];
  return at !== undefined && isLimitPassed(ctx, at) ? [problem('limit_passed', 'dueAt', 'R13')] : [];
}

/**
 * Problems of the item as it stands that refuse `type` whatever its payload
 * (shown as missing buttons too). `at`: the instant asked about (the event's,
 * or now for the buttons) — some refusals come with time.
 */
export function goodsStandingProblems(ctx: GoodsContext, type: GoodsEventType, at?: string): Problem[] {
  switch (type) {
    case 'DISPOSE':
      return disposalApproved(ctx);
    case 'APPROVE_DISPOSAL':
      return notApprovedYet(ctx);
    case 'EXTEND':
      return extendableOnce(ctx, at);
    default:
      return [];
  }
}

/** R13: the item's legal limit has passed at `at` (the limit itself is the last instant it may be held). */
export function isLimitPassed(ctx: Pick<GoodsContext, 'dueAt'>, at: string): boolean {
  return ms(at) > ms(ctx.dueAt);
}

const what = whatRulesFor<GoodsContext, GoodsEvent>();

/** What an event must satisfy, rule by rule (each name is a guard of the machine): the problems it has, naming the fields. */
export const GOODS_WHAT = {
  disposalApproved: what(['DISPOSE'], (ctx) => disposalApproved(ctx)),
  notApprovedYet: what(['APPROVE_DISPOSAL'], (ctx) => notApprovedYet(ctx)),
  extendableOnce: what(['EXTEND'], (ctx, e) => extendableOnce(ctx, e.at)),
  /** R13: the exact account says who received the goods back … */
  receiverNamed: what(['RETURN_TO_OWNER'], (_ctx, e) =>
    blank(e.receivedBy) ? [problem('required', 'receivedBy', 'R13')] : [],
  ),
  /** … and under which decision they were confiscated. */
  decisionReferenced: what(['CONFISCATE'], (_ctx, e) =>
    blank(e.decisionRef) ? [problem('required', 'decisionRef', 'R13')] : [],
  ),
  methodKnown: what(['APPROVE_DISPOSAL', 'DISPOSE'], (_ctx, e) =>
    DISPOSAL_METHODS.includes(e.method) ? [] : [problem('required', 'method')],
  ),
  /** R13: goods are disposed of the way the manager approved. */
  methodAsApproved: what(['DISPOSE'], (ctx, e) =>
    DISPOSAL_METHODS.includes(e.method) && ctx.disposalApproval && ctx.disposalApproval.method !== e.method
      ? [problem('method_not_approved', 'method', 'R13')]
      : [],
  ),
  /** §3.5: approvals of disposal and extensions carry a reason. */
  reasonGiven: what(['APPROVE_DISPOSAL', 'EXTEND'], (_ctx, e) =>
    blank(e.reason) ? [problem('required', 'reason', '§3.5')] : [],
  ),
  custodianSquadActive: what(['MOVE'], (_ctx, e) =>
    e.facts.activeSquadIds.includes(e.custodianSquadId)
      ? []
      : [problem('unknown_squads', 'custodianSquad', undefined, { count: 1 })],
  ),
  /** R13: a move says where the goods are kept now, and changes something. */
  storagePlaceChanged: what(['MOVE'], (ctx, e) => {
    if (blank(e.storagePlace)) return [problem('required', 'storagePlace', 'R13')];
    return e.custodianSquadId === ctx.custody.squadId && e.storagePlace.trim() === ctx.custody.place
      ? [problem('custody_unchanged', 'storagePlace')]
      : [];
  }),
} satisfies Record<string, WhatRule<GoodsContext, GoodsEvent, SomeRuleParam>>;

export type GoodsWhatRule = keyof typeof GOODS_WHAT;

/** The what-rules of each event, in the order their problems are listed (the item's standing first). */
export const GOODS_WHAT_OF: Readonly<Record<GoodsEventType, readonly GoodsWhatRule[]>> = {
  RETURN_TO_OWNER: ['receiverNamed'],
  CONFISCATE: ['decisionReferenced'],
  APPROVE_DISPOSAL: ['notApprovedYet', 'methodKnown', 'reasonGiven'],
  DISPOSE: ['disposalApproved', 'methodKnown', 'methodAsApproved'],
  EXTEND: ['extendableOnce', 'reasonGiven'],
  MOVE: ['custodianSquadActive', 'storagePlaceChanged'],
};

/** Problems with an event's own content, given the item as it stands (empty = the step may happen). */
export function goodsEventProblems(ctx: GoodsContext, event: GoodsEvent): Problem[] {
  return problemsOf(
    GOODS_WHAT_OF[event.type].map((name) => GOODS_WHAT[name]),
    ctx,
    event,
  );
}

/** The rules guarding `type`, as the machine names them: who first, then what. */
export function goodsRules(type: GoodsEventType): string[] {
  return [...GOODS_WHO_OF[type], ...GOODS_WHAT_OF[type]];
}

/** Problems with one item to register (the party's are checked once by the caller). */
export function itemProblems(
  item: Pick<GoodsInput, 'description' | 'quantity' | 'unit' | 'storagePlace'>,
  prefix = '',
): Problem[] {
  const out: Problem[] = [];
  if (blank(item.description)) out.push(problem('required', `${prefix}description`, 'R13'));
  if (!(item.quantity > 0)) out.push(problem('quantity_positive', `${prefix}quantity`, 'R13'));
  if (blank(item.unit)) out.push(problem('required', `${prefix}unit`, 'R13'));
  if (blank(item.storagePlace)) out.push(problem('required', `${prefix}storagePlace`, 'R13'));
  return out;
}
