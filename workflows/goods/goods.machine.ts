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
import { assertEvent, assign, setup } from 'xstate';
import { ruleGuards, rules, fromInput } from '../shared/rules';
import { addDays } from '../shared/time';
import { GOODS_WHAT, GOODS_WHO } from './goods.rules';
import type { GoodsContext, GoodsEvent, GoodsInput } from './goods.types';

/** Bump when states, events or context change shape; add a migration in the workflow definition. */
export const GOODS_MACHINE_VERSION = 1;

const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });

export const goodsMachine = setup({
  types: {
    context: {} as GoodsContext,
    events: {} as GoodsEvent,
    input: {} as GoodsInput,
  },
  guards: ruleGuards<GoodsContext, GoodsEvent>()(GOODS_WHO, GOODS_WHAT, () => undefined),
  actions: {
    /** A side effect for the outbox: the engine delivers it after commit. */
    notify: (_args, _params: { topic: string }) => undefined,
  },
}).createMachine({
  id: 'goods',
  initial: 'held',
  context: fromInput((input) => ({
    operationId: input.operationId,
    partyId: input.partyId,
    party: input.party,
    description: input.description,
    quantity: input.quantity,
    unit: input.unit,
    perishable: input.perishable,
    caseRef: input.caseRef,
    custody: {
      squadId: input.custodianSquadId,
      place: input.storagePlace,
      since: input.registeredAt,
      byUserId: input.registeredBy,
    },
    registeredAt: input.registeredAt,
    registeredBy: input.registeredBy,
    dueAt: input.dueAt,
    extension: null,
    disposalApproval: null,
    outcome: null,
  })),
  states: {
    held: {
      on: {
        RETURN_TO_OWNER: {
          target: 'returned',
          guard: rules(['isCustodianLeader', 'receiverNamed']),
          actions: assign({
            outcome: ({ event }) => {
              assertEvent(event, 'RETURN_TO_OWNER');
              return {
                kind: 'returned' as const,
                receivedBy: event.receivedBy.trim(),
                note: (event.note ?? '').trim(),
                at: event.at,
              };
            },
          }),
        },
        CONFISCATE: {
          target: 'confiscated',
          guard: rules(['isCustodianLeader', 'decisionReferenced']),
          actions: assign({
            outcome: ({ event }) => {
              assertEvent(event, 'CONFISCATE');
              return { kind: 'confiscated' as const, decisionRef: event.decisionRef.trim(), at: event.at };
            },
          }),
        },
        APPROVE_DISPOSAL: {
          guard: rules(['isManager', 'notOwnRegistration', 'notApprovedYet', 'methodKnown', 'reasonGiven']),
          actions: [
            assign({
              disposalApproval: ({ event }) => {
                assertEvent(event, 'APPROVE_DISPOSAL');
                return {
                  byUserId: event.actor.userId,
                  method: event.method,
                  reason: event.reason.trim(),
                  at: event.at,
                };
              },
            }),
            // The custodian squad may now dispose of it.
            notify('goods.disposal_approved'),
          ],
        },
        DISPOSE: {
          target: 'disposed',
          guard: rules([
            'isCustodianLeader',
            'notOwnDisposalApproval',
            'disposalApproved',
            'methodKnown',
            'methodAsApproved',
          ]),
          actions: assign({
            outcome: ({ event }) => {
              assertEvent(event, 'DISPOSE');
              return { kind: 'disposed' as const, method: event.method, note: (event.note ?? '').trim(), at: event.at };
            },
          }),
        },
        EXTEND: {
          guard: rules(['isManager', 'notOwnRegistration', 'extendableOnce', 'reasonGiven']),
          actions: [
            assign({
              dueAt: ({ context, event }) => addDays(context.dueAt, event.facts.extensionDays),
              extension: ({ event }) => {
                assertEvent(event, 'EXTEND');
                return {
                  byUserId: event.actor.userId,
                  reason: event.reason.trim(),
                  at: event.at,
                  days: event.facts.extensionDays,
                };
              },
            }),
            notify('goods.extended'),
          ],
        },
        MOVE: {
          guard: rules(['isCustodianLeader', 'custodianSquadActive', 'storagePlaceChanged']),
          actions: assign({
            custody: ({ event }) => {
              assertEvent(event, 'MOVE');
              return {
                squadId: event.custodianSquadId,
                place: event.storagePlace.trim(),
                since: event.at,
                byUserId: event.actor.userId,
              };
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
