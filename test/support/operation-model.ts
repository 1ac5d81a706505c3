import { type AnyMachineSnapshot } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import {
  type OperationEvent,
  type OperationFacts,
  type OperationPlan,
  operationMachine,
  PLAN_SECTIONS,
} from '../../workflows/operation';
import { type Actor, SYSTEM_ACTOR } from '../../workflows/shared/actor';

/**
 * The operation machine as a graph for model-based tests: concrete events
 * with payloads for every state, so guarded paths are found (shared/STACK.md),
 * each loop (a return, a failed audit) taken at most once.
 */
const HOUR = 3_600_000;
const T0 = Date.parse('2030-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const facts: OperationFacts = {
  activeSquadIds: [1, 2, 3],
  groupSquadIds: [1, 2, 3],
  timeZone: 'Asia/Shanghai',
  limits: {
    minHours: 4,
    minSquads: 2,
    holdingDaysMin: 1,
    holdingDaysMax: 30,
    lateEntryHours: 12,
    earlyStartHours: 3,
    minCoverage: 0.8,
    requiredSections: PLAN_SECTIONS,
  },
};
const u = (userId: number, roles: Actor['roles'], squadId: number | null): Actor => ({
  kind: 'user',
  userId,
  name: `u${userId}`,
  roles,
  squadId,
});
const leader = u(1, ['squad_leader'], 1);
const officer = u(2, ['officer'], 1);
const duty = u(3, ['duty_officer'], null);
const inspector = u(4, ['inspector'], null);

export const modelPlan: OperationPlan = {
  kind: 'regular',
  groupId: 1,
  leadSquadId: 1,
  hostSquadId: 1,
  squadIds: [1, 2],
  title: 't',
  problemSource: 'hotspot',
  location: 'l',
  plannedStart: iso(T0 + 24 * HOUR),
  plannedHours: 4,
  holdingDays: 7,
  forces: [
    { squadId: 1, officers: 3, vehicles: 1 },
    { squadId: 2, officers: 3, vehicles: 1 },
  ],
  situation: 's',
  mission: 'm',
  execution: 'e',
  command: 'c',
  contingency: 'c',
  goodsArrangements: 'g',
  holdingPlan: 'h',
};

function eventsFor(s: AnyMachineSnapshot): OperationEvent[] {
  const ctx = s.context;
  const e = (type: string, actor: Actor, at: number, payload: Record<string, unknown> = {}) =>
    ({ type, actor, at: iso(at), facts, ...payload }) as unknown as OperationEvent;
  const start = ctx.actualStart ? Date.parse(ctx.actualStart) : T0 + 25 * HOUR;
  const deadline = ctx.holdingDeadline ? Date.parse(ctx.holdingDeadline) : T0;
  const events = [
    e('FILE', leader, T0),
    e('APPROVE', duty, T0),
    e('CANCEL', leader, T0, { reason: 'r' }),
    e('CANCEL', duty, T0, { reason: 'r' }),
    e('START', leader, T0 + 25 * HOUR),
    e('COMPLETE', leader, start + 5 * HOUR, {
      results: [1, 2].map((squadId) => ({
        squadId,
        officers: 1,
        vehicles: 0,
        educated: 1,
        handled: 0,
        goodsDetained: 0,
      })),
    }),
    e('HOLDING_ELAPSED', SYSTEM_ACTOR, deadline),
    e('AUDIT_PASS', inspector, deadline + HOUR, { findings: 'ok', coverageReason: 'checked on site' }),
  ];
  if (ctx.returnCount < 1) events.push(e('RETURN', duty, T0, { reason: 'r' }));
  if (ctx.holdingRound < 2)
    events.push(e('AUDIT_FAIL', inspector, deadline + HOUR, { findings: 'f', rectification: 'r' }));
  void officer;
  return events;
}

export const serializeOperation = (s: AnyMachineSnapshot) =>
  JSON.stringify([s.value, s.context.returnCount, s.context.holdingRound]);

/** Every simple path of the operation machine from a new draft, as lists of event types. */
export function operationSimplePaths(): Array<{ events: string[]; states: string[] }> {
  const paths = getSimplePaths(operationMachine, {
    input: { plan: modelPlan, createdBy: 1 },
    events: eventsFor as never,
    serializeState: serializeOperation as never,
    serializeEvent: ((ev: OperationEvent) => `${ev.type}:${ev.actor.userId}`) as never,
    limit: 10_000,
  });
  return paths.map((p) => ({
    events: p.steps.slice(1).map((step) => step.event.type),
    states: p.steps.slice(1).map((step) => String(step.state.value)),
  }));
}
