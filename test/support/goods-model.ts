import { type AnyMachineSnapshot } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { type GoodsEvent, type GoodsFacts, type GoodsInput, goodsMachine } from '../../workflows/goods';
import type { Actor } from '../../workflows/shared/actor';

/**
 * The goods machine as a graph for model-based tests: concrete events with
 * payloads (guarded paths are found only so, shared/STACK.md). Custody moves
 * once, from the first squad to the second, so the paths stay few.
 */
const T0 = '2030-01-01T00:00:00.000Z';
const facts: GoodsFacts = { activeSquadIds: [1, 2], extensionDays: 30 };
const u = (userId: number, roles: Actor['roles'], squadId: number | null): Actor => ({
  kind: 'user',
  userId,
  name: `u${userId}`,
  roles,
  squadId,
});
const leaders: Record<number, Actor> = { 1: u(1, ['squad_leader'], 1), 2: u(2, ['squad_leader'], 2) };
const duty = u(3, ['duty_officer'], null);

export const modelInput: GoodsInput = {
  operationId: 1,
  partyId: 1,
  party: { name: 'p', idNumber: null, phone: null, stall: 's' },
  description: 'd',
  quantity: 1,
  unit: '件',
  perishable: false,
  caseRef: null,
  custodianSquadId: 1,
  storagePlace: 'a',
  registeredAt: T0,
  registeredBy: 1,
  dueAt: '2030-01-31T00:00:00.000Z',
};

function eventsFor(s: AnyMachineSnapshot): GoodsEvent[] {
  const custodian = leaders[s.context.custody.squadId as number];
  const e = (type: string, actor: Actor, payload: Record<string, unknown> = {}) =>
    ({ type, actor, at: T0, facts, ...payload }) as unknown as GoodsEvent;
  const events = [
    e('RETURN_TO_OWNER', custodian, { receivedBy: 'p' }),
    e('CONFISCATE', custodian, { decisionRef: 'r' }),
    e('APPROVE_DISPOSAL', duty, { method: 'destroyed', reason: 'r' }),
    e('DISPOSE', custodian, { method: 'destroyed' }),
    e('EXTEND', duty, { reason: 'r' }),
  ];
  if (s.context.custody.squadId === 1) events.push(e('MOVE', custodian, { custodianSquadId: 2, storagePlace: 'b' }));
  return events;
}

export const serializeGoods = (s: AnyMachineSnapshot) =>
  JSON.stringify([
    s.value,
    s.context.disposalApproval !== null,
    s.context.extension !== null,
    s.context.custody.squadId,
  ]);

/** Every simple path of the goods machine from a new item, as lists of event types and the states after each. */
export function goodsSimplePaths(): Array<{ events: string[]; states: string[] }> {
  const paths = getSimplePaths(goodsMachine, {
    input: modelInput,
    events: eventsFor as never,
    serializeState: serializeGoods as never,
    serializeEvent: ((ev: GoodsEvent) => `${ev.type}:${ev.actor.userId}`) as never,
    limit: 10_000,
  });
  return paths.map((p) => ({
    events: p.steps.slice(1).map((step) => step.event.type),
    states: p.steps.slice(1).map((step) => String(step.state.value)),
  }));
}
