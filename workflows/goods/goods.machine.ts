/**
 * A detained item (暂扣物品), R13 and SPEC §3.3:
 *
 *   held --RETURN_TO_OWNER--> returned
 *   held --CONFISCATE(decisionRef)--> confiscated
 *   held --DISPOSE(method)--> disposed        (only after APPROVE_DISPOSAL)
 *   held --EXTEND(reason)--> held             (once: the limit moves by the configured days)
 *   held --MOVE(squad, place)--> held         (custody changes hands: who had it when)
 *
 * The limit itself is a date in the context, watched by the goods-limits job;
 * nothing here knows the clock beyond what an event carries.
 */
import { and, assign, setup } from 'xstate';
import { addDays } from '../shared/time';
import { goodsEventProblems, mayGoods } from './goods.rules';
import type { GoodsContext, GoodsEvent, GoodsInput } from './goods.types';

type Ev<T extends GoodsEvent['type']> = Extract<GoodsEvent, { type: T }>;

/** Bump when states, events or context change shape; add a migration in the workflow definition. */
export const GOODS_MACHINE_VERSION = 1;

const allowed = and(['permitted', 'sound']);

const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });

export const goodsMachine = setup({
  types: {
    context: {} as GoodsContext,
    events: {} as GoodsEvent,
    input: {} as GoodsInput,
  },
  guards: {
    permitted: ({ context, event }) => mayGoods(event.type, event.actor, context).ok,
    sound: ({ context, event }) => goodsEventProblems(context, event).length === 0,
  },
  actions: {
    /** A side effect for the outbox: the engine delivers it after commit. */
    notify: (_args, _params: { topic: string }) => undefined,
  },
}).createMachine({
  id: 'goods',
  initial: 'held',
  context: ({ input }) => ({
    operationId: input.operationId,
    partyId: input.partyId,
    party: input.party,
    description: input.description,
    quantity: input.quantity,
    unit: input.unit,
    perishable: input.perishable,
    caseRef: input.caseRef,
    custody: { squadId: input.custodianSquadId, place: input.storagePlace, since: input.registeredAt, byUserId: input.registeredBy },
    registeredAt: input.registeredAt,
    registeredBy: input.registeredBy,
    dueAt: input.dueAt,
    extension: null,
    disposalApproval: null,
    outcome: null,
  }),
  states: {
    held: {
      on: {
        RETURN_TO_OWNER: {
          target: 'returned',
          guard: allowed,
          actions: assign({
            outcome: ({ event }) => {
              const e = event as Ev<'RETURN_TO_OWNER'>;
              return { kind: 'returned' as const, receivedBy: e.receivedBy.trim(), note: (e.note ?? '').trim(), at: e.at };
            },
          }),
        },
        CONFISCATE: {
          target: 'confiscated',
          guard: allowed,
          actions: assign({ outcome: ({ event }) => ({ kind: 'confiscated' as const, decisionRef: (event as Ev<'CONFISCATE'>).decisionRef.trim(), at: event.at }) }),
        },
        APPROVE_DISPOSAL: {
          guard: allowed,
          actions: [
            assign({
              disposalApproval: ({ event }) => {
                const e = event as Ev<'APPROVE_DISPOSAL'>;
                return { byUserId: e.actor.userId, method: e.method, reason: e.reason.trim(), at: e.at };
              },
            }),
            // The custodian squad may now dispose of it.
            notify('goods.disposal_approved'),
          ],
        },
        DISPOSE: {
          target: 'disposed',
          guard: allowed,
          actions: assign({
            outcome: ({ event }) => {
              const e = event as Ev<'DISPOSE'>;
              return { kind: 'disposed' as const, method: e.method, note: (e.note ?? '').trim(), at: e.at };
            },
          }),
        },
        EXTEND: {
          guard: allowed,
          actions: [
            assign({
              dueAt: ({ context, event }) => addDays(context.dueAt, event.facts.extensionDays),
              extension: ({ event }) => ({ byUserId: event.actor.userId, reason: (event as Ev<'EXTEND'>).reason.trim(), at: event.at, days: event.facts.extensionDays }),
            }),
            notify('goods.extended'),
          ],
        },
        MOVE: {
          guard: allowed,
          actions: assign({
            custody: ({ event }) => {
              const e = event as Ev<'MOVE'>;
              return { squadId: e.custodianSquadId, place: e.storagePlace.trim(), since: e.at, byUserId: e.actor.userId };
            },
          }),
        },
      },
    },
    returned: { type: 'final' },
    confiscated: { type: 'final' },
    disposed: { type: 'final' },
  },
});
