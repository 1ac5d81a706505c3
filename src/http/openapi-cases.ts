import {
  createCaseSchema,
  createTransferSchema,
  listCasesQuery,
  listTransfersQuery,
  transferEventSchema,
} from './schemas/case.schema';
import { body, err, errorsFor, idParameter, json, queryParameters } from './openapi-parts';
import { ok } from './openapi-responses';

/** The OpenAPI part of cases and case transfers (R10), from the zod schemas the server validates with. */

const errors = errorsFor(
  'e.g. own_transfer, not_receiving_squad_leader, not_legal, not_sending_squad_leader, not_handling_squad_leader',
);
export function casesSchemas(): Record<string, unknown> {
  return {
    NewCase: json(createCaseSchema),
    NewTransfer: json(createTransferSchema),
    TransferEvent: json(transferEventSchema),
  };
}

export function casesPaths(): Record<string, unknown> {
  return {
    '/api/v1/cases': {
      post: {
        summary:
          'Register a case for your squad (a squad leader; from an operation your squad took part in, or on its own)',
        requestBody: body('NewCase'),
        responses: {
          '201': ok('Registered', 'Case'),
          ...errors,
          '409': err('The case number is taken (reference_taken)'),
          '422': err('A rule refuses it: not_participant, in_future'),
        },
      },
      get: {
        summary: 'The brigade’s cases, newest first (cursor pagination)',
        parameters: queryParameters(listCasesQuery),
        responses: {
          '200': ok('A page of cases (list items: no transfers)', 'CasePage'),
          '400': errors['400'],
          '401': errors['401'],
        },
      },
    },
    '/api/v1/cases/{id}': {
      parameters: [idParameter],
      get: { summary: 'One case, with its transfers', responses: { '200': ok('The case', 'Case'), ...errors } },
    },
    '/api/v1/transfers': {
      post: {
        summary:
          'Propose to transfer a case to another squad with its evidence and materials (R10; a leader of the squad handling it)',
        requestBody: body('NewTransfer'),
        responses: {
          '201': ok('Proposed (state proposed)', 'Transfer'),
          ...errors,
          '409': err('The case already has a transfer under way (transfer_open)'),
          '422': err(
            'The package is incomplete (material_missing, each missing item named as materials.<code>), or to its own squad (same_squad)',
          ),
        },
      },
      get: {
        summary: 'The brigade’s transfers, newest first, by state, squad (either side) and light (cursor pagination)',
        parameters: queryParameters(listTransfersQuery),
        responses: {
          '200': ok('A page of transfers (list items: fewer fields than a transfer)', 'TransferPage'),
          '400': errors['400'],
          '401': errors['401'],
        },
      },
    },
    '/api/v1/transfers/{id}': {
      parameters: [idParameter],
      get: {
        summary: 'One transfer, with `state`, `version` and `allowedEvents` for the caller',
        responses: { '200': ok('The transfer', 'Transfer'), ...errors },
      },
    },
    '/api/v1/transfers/{id}/events': {
      parameters: [idParameter],
      post: {
        summary: 'Send one event: `{"type": "DISPUTE", "expectedVersion": 1, "reason": "…"}`',
        requestBody: body('TransferEvent'),
        responses: {
          '200': ok('The new state and version', 'TransferStep'),
          ...errors,
          '409': err(
            'Stale expectedVersion (stale_version) or an event the state does not take (event_not_accepted), e.g. a withdrawal after acceptance',
          ),
          '422': err('A rule of the practice refuses the step (rule_violation, the rule named)'),
        },
      },
    },
    '/api/v1/transfers/{id}/history': {
      parameters: [idParameter],
      get: {
        summary: 'The append-only history, oldest first',
        responses: { '200': ok('The steps, oldest first', 'RecordHistory'), ...errors },
      },
    },
  };
}
