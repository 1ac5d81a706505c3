/**
 * Rules by name. Each workflow keeps its rules as two small tables of named,
 * pure predicates: who may send an event (a refusal is a 403 with its reason)
 * and what the event must satisfy (a refusal is a 422 with problems naming
 * fields). The machine guards each transition with the names of the rules it
 * enforces, and the engine asks the same predicates, composed per event, for
 * the detail of a refusal — so the diagram, the buttons and the API read one
 * set of rules.
 */
import { type EventObject, type GuardPredicate, type MachineContext, and } from 'xstate';
import { type Actor, type Permit, type Role } from './actor';
import type { Problem } from './problem';

/** What one rule of who-may says: the role it grants (a rule that only excludes someone grants none), or why not. */
/**
 * A rule table holds rules for different subsets of a machine's events (and
 * who-rules reading different facts); TypeScript's function-parameter variance
 * cannot say "some subset" any other way, so the tables' element types use this.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: the one place rule tables widen
export type SomeRuleParam = any;

/** A snapshot as stored (JSON of an older machine version), handed to a snapshot migration to reshape freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- stored JSON of any earlier shape
export type StoredSnapshot = any;

export type Check = { ok: true; role?: Role | 'system' } | { ok: false; reason: string };

/** A rule of who may send an event: over the actor, the record, and what the caller knows of the world (`facts`). */
export type WhoRule<C, F = undefined> = (actor: Actor, ctx: C, facts: F) => Check;

/** Passes: an excluding rule that does not exclude this actor. */
export const PASS: Check = Object.freeze({ ok: true });

/** A rule of what an event must satisfy, for the event types it applies to: its problems (none = met). */
export interface WhatRule<C, E extends EventObject, T extends E['type'] = E['type']> {
  types: readonly T[];
  check(ctx: C, event: Extract<E, { type: T }>): Problem[];
}

/** Builds the what-rules of one workflow, typed by its context and events. */
export function whatRulesFor<C, E extends EventObject>() {
  return <const T extends E['type']>(
    types: readonly T[],
    check: (ctx: C, event: Extract<E, { type: NoInfer<T> }>) => Problem[],
  ): WhatRule<C, E, T> => ({ types, check });
}

const isOf = <E extends EventObject, T extends E['type']>(
  event: E,
  types: readonly T[],
): event is Extract<E, { type: T }> => (types as readonly string[]).includes(event.type);

/**
 * All of `rules`, in order: the first refusal, else the role granted by the
 * first rule that grants one. Order matters for the reason a 403 gives.
 */
export function permitOf<C, F>(rules: ReadonlyArray<WhoRule<C, F>>, actor: Actor, ctx: C, facts: F): Permit {
  let role: Role | 'system' | undefined;
  for (const rule of rules) {
    const check = rule(actor, ctx, facts);
    if (!check.ok) return check;
    role ??= check.role;
  }
  if (role === undefined) throw new Error('A rule of who-may must grant a role');
  return { ok: true, role };
}

/** The problems of `event` under `rules`, in order (a rule that does not apply to the event's type adds none). */
export function problemsOf<C, E extends EventObject>(
  rules: ReadonlyArray<WhatRule<C, E, SomeRuleParam>>,
  ctx: C,
  event: E,
): Problem[] {
  return rules.flatMap((rule) => (isOf(event, rule.types) ? rule.check(ctx, event) : []));
}

/** The event every workflow's machine receives: who sent it and what the engine loaded for it. */
type RuleEvent = EventObject & { actor: Actor };

type GuardOf<C, E> = (args: { context: C; event: E }) => boolean;

/**
 * The machine's guards, one per named rule: a who-rule holds when it grants or
 * passes, a what-rule when the event has none of its problems. `factsOf`: what
 * the who-rules read of the world, from the event (the engine gives them the
 * same, loaded for the caller).
 */
export function ruleGuards<C, E extends RuleEvent>() {
  return <W extends Record<string, WhoRule<C, SomeRuleParam>>, P extends Record<string, WhatRule<C, E, SomeRuleParam>>>(
    who: W,
    what: P,
    factsOf: (event: E) => Parameters<W[keyof W]>[2],
  ) =>
    // One guard per name of either table (built by name at run time, so typed here).
    guardsOf(who, what, factsOf) as { [K in keyof W | keyof P]: GuardOf<C, E> };
}

function guardsOf<C, E extends RuleEvent, F>(
  who: Record<string, WhoRule<C, F>>,
  what: Record<string, WhatRule<C, E, SomeRuleParam>>,
  factsOf: (event: E) => F,
): Record<string, GuardOf<C, E>> {
  const guards: Record<string, GuardOf<C, E>> = {};
  for (const [name, rule] of Object.entries(who))
    guards[name] = ({ context, event }) => rule(event.actor, context, factsOf(event)).ok;
  for (const [name, rule] of Object.entries(what)) {
    guards[name] = ({ context, event }) => {
      // A what-rule guards only transitions of the events it knows (the machine tests check each name is placed so).
      if (!isOf(event, rule.types)) throw new Error(`Rule ${name} does not apply to ${event.type}`);
      return rule.check(context, event).length === 0;
    };
  }
  return guards;
}

const NAMES = new WeakMap<object, readonly string[]>();

/**
 * A transition's guard: every rule it names holds (XState's `and` over the
 * named guards, who-rules first). The names are kept, for the state diagram
 * and the tests to read (`ruleNames`).
 */
export function rules<const N extends string>(
  names: readonly [N, ...N[]],
): GuardPredicate<MachineContext, EventObject, unknown, { type: N; params: undefined }> {
  const guard = and<MachineContext, EventObject, string[]>(names);
  NAMES.set(guard, names);
  // `and` over a generic list of names cannot name them in its type; the machine checks each name against its guards.
  return guard as GuardPredicate<MachineContext, EventObject, unknown, { type: N; params: undefined }>;
}

/**
 * The names of the rules guarding a transition, from its guard as the
 * machine's definition holds it: `[]` for an unguarded one, null for a guard
 * that names no rule (an inline function).
 */
export function ruleNames(guard: unknown): string[] | null {
  if (guard === undefined || guard === null) return [];
  if (typeof guard === 'string') return [guard];
  if (typeof guard === 'function') {
    const names = NAMES.get(guard);
    return names ? [...names] : null;
  }
  if (typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string')
    return [(guard as { type: string }).type];
  return null;
}

/**
 * A machine's initial context from its input, and an empty one when there is
 * no input. XState's pure `transition()` (what the engine steps with) builds a
 * throw-away actor of the machine each time, whose eager initial snapshot has
 * no input: a factory reading `input.x` then throws, and XState catches it —
 * an Error and its stack trace made for nothing on every step (issue 14: a
 * tenth of a step's own work in the engine bench). That context is never
 * stored or seen.
 */
export function fromInput<TInput, TContext>(make: (input: TInput) => TContext): (args: { input: TInput }) => TContext {
  return ({ input }) => (input === undefined ? ({} as TContext) : make(input));
}
