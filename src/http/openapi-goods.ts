import { DISPOSAL_METHODS, GOODS_EVENT_TYPES, GOODS_STATES } from '../../workflows/goods';
import { goodsEventSchema, listGoodsQuery, registerGoodsSchema } from './schemas/goods.schema';
import { answer, err, errorsFor, idParameter, json, queryParameters, ref } from './openapi-parts';

/** The OpenAPI part of detained goods (R13), from the zod schemas the server validates with. */

const errors = errorsFor('not_operation_squad_leader, not_custodian_leader, not_manager', 'Malformed or invalid input; every bad field is named (items.0.quantity …)');
const count = { type: 'object', properties: { count: { type: 'integer' }, quantity: { type: 'number' } } };


export function goodsSchemas(): Record<string, unknown> {
  return {
    Goods: {
      type: 'object',
      description: 'A detained item (R13): its party, custodian, legal limit and light, state, version and what the caller may send now',
      required: ['id', 'state', 'version', 'allowedEvents', 'operation', 'party', 'description', 'quantity', 'unit', 'custodianSquad', 'dueAt'],
      properties: {
        id: { type: 'integer' },
        state: { type: 'string', enum: [...GOODS_STATES] },
        version: { type: 'integer' },
        allowedEvents: { type: 'array', items: { type: 'string', enum: [...GOODS_EVENT_TYPES] } },
        operation: { type: 'object' },
        party: { type: 'object', description: 'The party (当事人): `name`, `stall`, `number` of its detention list, `idNumber` and `phone` — in full only to the custodian squad’s leaders, the managers and the legal section; masked (`3101**********1234`, `138****0000`) for everyone else' },
        description: { type: 'string' },
        quantity: { type: 'number' },
        unit: { type: 'string' },
        perishable: { type: 'boolean' },
        custodianSquad: { type: ['string', 'null'] },
        storagePlace: { type: 'string' },
        dueAt: { type: 'string', format: 'date-time', description: 'R13: the legal limit as it stands (moved once by EXTEND)' },
        light: { type: ['string', 'null'], enum: ['green', 'amber', 'red', null], description: 'Held items: amber within the warning window, red past the limit' },
        disposalApproval: { type: ['object', 'null'], properties: { method: { type: 'string', enum: [...DISPOSAL_METHODS] } } },
      },
      additionalProperties: true,
    },
    NewGoods: json(registerGoodsSchema),
    GoodsEvent: json(goodsEventSchema),
    GoodsLedger: {
      type: 'object',
      description:
        'R13: an operation’s account of its goods per unit and per squad. `unitsBalance`: registered = returned + confiscated + disposed + held for every unit; `resultsAgree`: each squad’s results say what the ledger registered for it; `balanced`: both (账物相符)',
      required: ['operation', 'balanced', 'unitsBalance', 'resultsAgree', 'squads', 'totals', 'units'],
      properties: {
        operation: { type: 'integer' },
        balanced: { type: 'boolean' },
        unitsBalance: { type: 'boolean' },
        resultsAgree: { type: 'boolean' },
        squads: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              squad: { type: 'string' },
              registered: { type: 'integer', description: 'Items the ledger registered for the squad' },
              reported: { type: ['integer', 'null'], description: 'Goods detained in its results (null before results)' },
            },
          },
        },
        totals: { type: 'object', properties: Object.fromEntries(['registered', 'returned', 'confiscated', 'disposed', 'held'].map((k) => [k, { type: 'integer' }])) },
        units: {
          type: 'array',
          items: { type: 'object', properties: { unit: { type: 'string' }, registered: count, returned: count, confiscated: count, disposed: count, held: count } },
        },
        parties: { type: 'array', items: { type: 'object' }, description: 'Each party with its items; `idNumber` and `phone` in full only to the leaders of a squad holding its goods, the managers and the legal section, masked for everyone else' },
      },
    },
  };
}

export function goodsPaths(): Record<string, unknown> {
  return {
    '/api/v1/goods': {
      post: {
        summary: 'Register one party’s detained goods in an operation (R13; a squad leader of a squad taking part; the operation in progress, holding or awaiting audit); all items or none',
        requestBody: { required: true, content: { 'application/json': { schema: ref('NewGoods') } } },
        responses: {
          '201': { description: '`{operation, party, items: [Goods]}`, each item held' },
          ...errors,
          '422': err('A rule refuses it: operation_not_running, custodian_not_in_operation, quantity_positive …'),
        },
      },
      get: {
        summary: 'Detained goods of the brigade, newest first (cursor pagination), by operation, state, custodian squad or light',
        parameters: queryParameters(listGoodsQuery),
        responses: { '200': { description: '`{items, nextCursor}`' }, '400': errors['400'], '401': errors['401'] },
      },
    },
    '/api/v1/goods/{id}': {
      parameters: [idParameter],
      get: { summary: 'One item, with `state`, `version` and `allowedEvents` for the caller', responses: { '200': answer('The item', 'Goods'), ...errors } },
    },
    '/api/v1/goods/{id}/events': {
      parameters: [idParameter],
      post: {
        summary: 'Send one event: `{"type": "RETURN_TO_OWNER", "expectedVersion": 1, "receivedBy": "王某"}`',
        requestBody: { required: true, content: { 'application/json': { schema: ref('GoodsEvent') } } },
        responses: {
          '200': { description: 'The new state and version' },
          ...errors,
          '409': err('Stale expectedVersion (stale_version) or an event the state does not take (event_not_accepted)'),
          '422': err('A rule refuses the step (R13): disposal_not_approved, already_extended, method_not_approved …'),
        },
      },
    },
    '/api/v1/goods/{id}/history': {
      parameters: [idParameter],
      get: { summary: 'The append-only history, oldest first', responses: { '200': { description: '`{items}`' }, ...errors } },
    },
    '/api/v1/goods/{id}/custody': {
      parameters: [idParameter],
      get: { summary: 'R13: who had it when — custody periods (squad, place, from, until) read from the history', responses: { '200': { description: '`{items}`' }, ...errors } },
    },
    '/api/v1/operations/{id}/goods': {
      parameters: [idParameter],
      get: { summary: 'R13: the operation’s goods ledger per unit, and its parties', responses: { '200': answer('The ledger', 'GoodsLedger'), ...errors } },
    },
  };
}
