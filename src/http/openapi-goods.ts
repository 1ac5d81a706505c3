import { goodsEventSchema, listGoodsQuery, registerGoodsSchema } from './schemas/goods.schema';
import { err, errorsFor, idParameter, json, queryParameters, ref } from './openapi-parts';
import { ok } from './openapi-responses';

/** The OpenAPI part of detained goods (R13), from the zod schemas the server validates with. */

const errors = errorsFor(
  'not_operation_squad_leader, not_custodian_leader, not_manager',
  'Malformed or invalid input; every bad field is named (items.0.quantity …)',
);
export function goodsSchemas(): Record<string, unknown> {
  return { NewGoods: json(registerGoodsSchema), GoodsEvent: json(goodsEventSchema) };
}

export function goodsPaths(): Record<string, unknown> {
  return {
    '/api/v1/goods': {
      post: {
        summary:
          'Register one party’s detained goods in an operation (R13; a squad leader of a squad taking part; the operation in progress, holding or awaiting audit); all items or none',
        requestBody: { required: true, content: { 'application/json': { schema: ref('NewGoods') } } },
        responses: {
          '201': ok('The party’s goods, each item held', 'GoodsRegistered'),
          ...errors,
          '422': err('A rule refuses it: operation_not_running, custodian_not_in_operation, quantity_positive …'),
        },
      },
      get: {
        summary:
          'Detained goods of the brigade, newest first (cursor pagination), by operation, state, custodian squad or light',
        parameters: queryParameters(listGoodsQuery),
        responses: {
          '200': ok('A page of items (list items: operation and party by id)', 'GoodsPage'),
          '400': errors['400'],
          '401': errors['401'],
        },
      },
    },
    '/api/v1/goods/{id}': {
      parameters: [idParameter],
      get: {
        summary: 'One item, with `state`, `version` and `allowedEvents` for the caller',
        responses: { '200': ok('The item', 'Goods'), ...errors },
      },
    },
    '/api/v1/goods/{id}/events': {
      parameters: [idParameter],
      post: {
        summary: 'Send one event: `{"type": "RETURN_TO_OWNER", "expectedVersion": 1, "receivedBy": "王某"}`',
        requestBody: { required: true, content: { 'application/json': { schema: ref('GoodsEvent') } } },
        responses: {
          '200': ok('The new state and version', 'GoodsStep'),
          ...errors,
          '409': err('Stale expectedVersion (stale_version) or an event the state does not take (event_not_accepted)'),
          '422': err('A rule refuses the step (R13): disposal_not_approved, already_extended, method_not_approved …'),
        },
      },
    },
    '/api/v1/goods/{id}/history': {
      parameters: [idParameter],
      get: {
        summary: 'The append-only history, oldest first',
        responses: { '200': ok('The steps, oldest first', 'RecordHistory'), ...errors },
      },
    },
    '/api/v1/goods/{id}/custody': {
      parameters: [idParameter],
      get: {
        summary: 'R13: who had it when — custody periods (squad, place, from, until) read from the history',
        responses: { '200': ok('The custody periods, oldest first', 'Custody'), ...errors },
      },
    },
    '/api/v1/operations/{id}/goods': {
      parameters: [idParameter],
      get: {
        summary: 'R13: the operation’s goods ledger per unit, and its parties',
        responses: { '200': ok('The ledger', 'GoodsLedger'), ...errors },
      },
    },
  };
}
