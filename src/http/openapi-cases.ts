import { CASE_TRANSFER_EVENT_TYPES, CASE_TRANSFER_STATES } from '../../workflows/case-transfer';
import { createCaseSchema, createTransferSchema, listCasesQuery, listTransfersQuery, transferEventSchema } from './schemas/case.schema';
import { answer, body, err, errorsFor, idParameter, json, queryParameters, ref } from './openapi-parts';

/** The OpenAPI part of cases and case transfers (R10), from the zod schemas the server validates with. */

const errors = errorsFor('e.g. own_transfer, not_receiving_squad_leader, not_legal, not_sending_squad_leader, not_handling_squad_leader');
const page = (name: string) => ({
  description: 'A page, newest first: `{items, nextCursor}` (pass `nextCursor` as `cursor` for the next)',
  content: { 'application/json': { schema: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: ref(name) }, nextCursor: { type: ['string', 'null'] } } } } },
});
const light = { type: ['string', 'null'], enum: ['green', 'amber', 'red', null], description: '§3.5: green under 80 % of the limit, amber 80–100 %, red past it; null when nothing waits' };


const caseSummary = {
  type: 'object',
  description: 'A case of the light register (R10): its number, the squad handling it now, where it came from',
  required: ['id', 'reference', 'handlingSquad', 'party', 'violation', 'location', 'openedOn'],
  properties: {
    id: { type: 'integer' },
    reference: { type: 'string', description: 'The brigade’s case number, unique in the brigade' },
    handlingSquad: { type: 'string' },
    registeringSquad: { type: 'string' },
    operation: { type: ['integer', 'null'] },
    party: { type: 'object', properties: { kind: { type: 'string', enum: ['person', 'stall'] }, name: { type: 'string' } } },
    violation: { type: 'string' },
    location: { type: 'string' },
    openedOn: { type: 'string', format: 'date' },
    openTransfer: { type: ['integer', 'null'], description: 'The transfer under way, if any (one at a time)' },
    transferState: { type: ['string', 'null'], enum: [...CASE_TRANSFER_STATES, null], description: 'The state of its latest transfer' },
  },
  additionalProperties: true,
};

const transferSummary = {
  type: 'object',
  required: ['id', 'case', 'state', 'fromSquad', 'toSquad'],
  properties: {
    id: { type: 'integer' },
    case: { type: 'integer' },
    caseReference: { type: ['string', 'null'] },
    state: { type: 'string', enum: [...CASE_TRANSFER_STATES] },
    fromSquad: { type: 'string' },
    toSquad: { type: 'string' },
    designatedSquad: { type: ['string', 'null'] },
    dueAt: { type: ['string', 'null'], format: 'date-time' },
    light,
  },
  additionalProperties: true,
};

export function casesSchemas(): Record<string, unknown> {
  return {
    CaseSummary: caseSummary,
    Case: {
      ...caseSummary,
      description: 'A case with its history of transfers, oldest first',
      required: [...caseSummary.required, 'transfers', 'mayProposeTransfer'],
      properties: { ...caseSummary.properties, mayProposeTransfer: { type: 'boolean' }, transfers: { type: 'array', items: ref('TransferSummary') } },
    },
    NewCase: json(createCaseSchema),
    TransferSummary: transferSummary,
    Transfer: {
      type: 'object',
      description: 'A case transfer (R10): the package, the answer, the designation, its time limit, and what the caller may send now',
      required: ['id', 'state', 'version', 'allowedEvents', 'case', 'fromSquad', 'toSquad', 'materials'],
      properties: {
        id: { type: 'integer' },
        state: { type: 'string', enum: [...CASE_TRANSFER_STATES] },
        version: { type: 'integer' },
        allowedEvents: { type: 'array', items: { type: 'string', enum: [...CASE_TRANSFER_EVENT_TYPES] } },
        case: ref('CaseSummary'),
        fromSquad: { type: 'string' },
        toSquad: { type: 'string' },
        materials: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, count: { type: 'integer' }, description: { type: 'string' } } } },
        note: { type: 'string' },
        disputeReason: { type: ['string', 'null'] },
        designatedSquad: { type: ['string', 'null'] },
        designationReason: { type: ['string', 'null'] },
        withdrawReason: { type: ['string', 'null'] },
        timeLimit: {
          type: ['object', 'null'],
          description: '§3.5: the clock of the state it waits in (transfer_answer, transfer_designation)',
          properties: { kind: { type: 'string' }, startsAt: { type: 'string', format: 'date-time' }, dueAt: { type: 'string', format: 'date-time' }, light },
        },
      },
      additionalProperties: true,
    },
    NewTransfer: json(createTransferSchema),
    TransferEvent: json(transferEventSchema),
  };
}

export function casesPaths(): Record<string, unknown> {
  return {
    '/api/v1/cases': {
      post: {
        summary: 'Register a case for your squad (a squad leader; from an operation your squad took part in, or on its own)',
        requestBody: body('NewCase'),
        responses: { '201': answer('Registered', 'Case'), ...errors, '409': err('The case number is taken (reference_taken)'), '422': err('A rule refuses it: not_participant, in_future') },
      },
      get: { summary: 'The brigade’s cases, newest first (cursor pagination)', parameters: queryParameters(listCasesQuery), responses: { '200': page('CaseSummary'), '400': errors['400'], '401': errors['401'] } },
    },
    '/api/v1/cases/{id}': { parameters: [idParameter], get: { summary: 'One case, with its transfers', responses: { '200': answer('The case', 'Case'), ...errors } } },
    '/api/v1/transfers': {
      post: {
        summary: 'Propose to transfer a case to another squad with its evidence and materials (R10; a leader of the squad handling it)',
        requestBody: body('NewTransfer'),
        responses: {
          '201': answer('Proposed (state proposed)', 'Transfer'),
          ...errors,
          '409': err('The case already has a transfer under way (transfer_open)'),
          '422': err('The package is incomplete (material_missing, each missing item named as materials.<code>), or to its own squad (same_squad)'),
        },
      },
      get: {
        summary: 'The brigade’s transfers, newest first, by state, squad (either side) and light (cursor pagination)',
        parameters: queryParameters(listTransfersQuery),
        responses: { '200': page('TransferSummary'), '400': errors['400'], '401': errors['401'] },
      },
    },
    '/api/v1/transfers/{id}': {
      parameters: [idParameter],
      get: { summary: 'One transfer, with `state`, `version` and `allowedEvents` for the caller', responses: { '200': answer('The transfer', 'Transfer'), ...errors } },
    },
    '/api/v1/transfers/{id}/events': {
      parameters: [idParameter],
      post: {
        summary: 'Send one event: `{"type": "DISPUTE", "expectedVersion": 1, "reason": "…"}`',
        requestBody: body('TransferEvent'),
        responses: {
          '200': {
            description: 'The new state and version',
            content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'integer' }, event: { type: 'string' }, state: { type: 'string' }, version: { type: 'integer' } } } } },
          },
          ...errors,
          '409': err('Stale expectedVersion (stale_version) or an event the state does not take (event_not_accepted), e.g. a withdrawal after acceptance'),
          '422': err('A rule of the practice refuses the step (rule_violation, the rule named)'),
        },
      },
    },
    '/api/v1/transfers/{id}/history': { parameters: [idParameter], get: { summary: 'The append-only history, oldest first', responses: { '200': { description: '`{items}`' }, ...errors } } },
  };
}
