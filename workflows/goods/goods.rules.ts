/**
 * The rules of detained goods (R13), as pure functions: the machine's guards,
 * and the engine's way to tell a forbidden caller (403) from a refused step (422).
 */
import { type Actor, type Permit, MANAGER_ROLES, asAnyOf, deny, hasRole, permit } from '../shared/actor';
import { type Problem, problem } from '../shared/problem';
import { ms } from '../shared/time';
import { DISPOSAL_METHODS, type GoodsContext, type GoodsEvent, type GoodsEventType, type GoodsInput } from './goods.types';

const blank = (s: string | null | undefined) => !s || s.trim() === '';

/** R13: custody steps are the custodian squad's, done by its leader. */
export function isCustodianLeader(actor: Actor, ctx: Pick<GoodsContext, 'custody'>): boolean {
  return hasRole(actor, 'squad_leader') && actor.squadId === ctx.custody.squadId;
}

/**
 * Who may send each event: the custodian squad's leader for custody steps
 * (return, confiscate, dispose, move); a manager (duty officer, commander)
 * approves disposal and extends the limit. Four eyes (R13's exact account):
 * the manager who approves or extends is not the leader who registered the
 * goods, and the leader who disposes is not the manager who approved it —
 * an officer holding both posts asks another.
 */
export function mayGoods(type: GoodsEventType, actor: Actor, ctx: GoodsContext): Permit {
  if (actor.kind !== 'user') return deny('users_only');
  switch (type) {
    case 'APPROVE_DISPOSAL':
    case 'EXTEND': {
      const p = asAnyOf(actor, MANAGER_ROLES, 'not_manager');
      if (p.ok && ctx.registeredBy !== null && ctx.registeredBy === actor.userId) return deny('own_registration');
      return p;
    }
    case 'DISPOSE':
      if (!isCustodianLeader(actor, ctx)) return deny('not_custodian_leader');
      if (ctx.disposalApproval && ctx.disposalApproval.byUserId !== null && ctx.disposalApproval.byUserId === actor.userId) return deny('own_disposal_approval');
      return permit('squad_leader');
    case 'RETURN_TO_OWNER':
    case 'CONFISCATE':
    case 'MOVE':
      return isCustodianLeader(actor, ctx) ? permit('squad_leader') : deny('not_custodian_leader');
  }
}

/**
 * Problems of the item as it stands that refuse `type` whatever its payload
 * (shown as missing buttons too). `at`: the instant asked about (the event's,
 * or now for the buttons) — some refusals come with time.
 */
export function goodsStandingProblems(ctx: GoodsContext, type: GoodsEventType, at?: string): Problem[] {
  switch (type) {
    case 'DISPOSE':
      // R13: goods cannot be disposed of without a manager's approval.
      return ctx.disposalApproval ? [] : [problem('disposal_not_approved', undefined, 'R13')];
    case 'APPROVE_DISPOSAL':
      return ctx.disposalApproval ? [problem('disposal_already_approved', undefined, 'R13')] : [];
    case 'EXTEND':
      // R13: the limit is extended once, never twice; perishables are kept only their much shorter limit (never extended).
      if (ctx.perishable) return [problem('perishable_not_extended', undefined, 'R13')];
      if (ctx.extension) return [problem('already_extended', undefined, 'R13')];
      // R13: a limit is extended before it runs out; once passed, the goods are held unlawfully and must be dealt with.
      return at !== undefined && isLimitPassed(ctx, at) ? [problem('limit_passed', 'dueAt', 'R13')] : [];
    default:
      return [];
  }
}

/** R13: the item's legal limit has passed at `at` (the limit itself is the last instant it may be held). */
export function isLimitPassed(ctx: Pick<GoodsContext, 'dueAt'>, at: string): boolean {
  return ms(at) > ms(ctx.dueAt);
}

/** Problems with an event's own content, given the item as it stands (empty = the step may happen). */
export function goodsEventProblems(ctx: GoodsContext, event: GoodsEvent): Problem[] {
  const out = goodsStandingProblems(ctx, event.type, event.at);
  switch (event.type) {
    case 'RETURN_TO_OWNER':
      if (blank(event.receivedBy)) out.push(problem('required', 'receivedBy', 'R13'));
      break;
    case 'CONFISCATE':
      if (blank(event.decisionRef)) out.push(problem('required', 'decisionRef', 'R13'));
      break;
    case 'APPROVE_DISPOSAL':
      if (!DISPOSAL_METHODS.includes(event.method)) out.push(problem('required', 'method'));
      if (blank(event.reason)) out.push(problem('required', 'reason', '§3.5'));
      break;
    case 'DISPOSE':
      if (!DISPOSAL_METHODS.includes(event.method)) out.push(problem('required', 'method'));
      else if (ctx.disposalApproval && ctx.disposalApproval.method !== event.method) out.push(problem('method_not_approved', 'method', 'R13'));
      break;
    case 'EXTEND':
      if (blank(event.reason)) out.push(problem('required', 'reason', '§3.5'));
      break;
    case 'MOVE':
      if (!event.facts.activeSquadIds.includes(event.custodianSquadId)) out.push(problem('unknown_squads', 'custodianSquad', undefined, { count: 1 }));
      if (blank(event.storagePlace)) out.push(problem('required', 'storagePlace', 'R13'));
      else if (event.custodianSquadId === ctx.custody.squadId && event.storagePlace.trim() === ctx.custody.place) out.push(problem('custody_unchanged', 'storagePlace'));
      break;
  }
  return out;
}

/** Problems with one item to register (the party's are checked once by the caller). */
export function itemProblems(item: Pick<GoodsInput, 'description' | 'quantity' | 'unit' | 'storagePlace'>, prefix = ''): Problem[] {
  const out: Problem[] = [];
  if (blank(item.description)) out.push(problem('required', `${prefix}description`, 'R13'));
  if (!(item.quantity > 0)) out.push(problem('quantity_positive', `${prefix}quantity`, 'R13'));
  if (blank(item.unit)) out.push(problem('required', `${prefix}unit`, 'R13'));
  if (blank(item.storagePlace)) out.push(problem('required', `${prefix}storagePlace`, 'R13'));
  return out;
}
