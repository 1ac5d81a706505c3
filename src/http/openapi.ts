import { z } from 'zod';
import { OPERATION_EVENT_TYPES, OPERATION_STATES } from '../../workflows/operation';
import { createOperationSchema, eventSchema, listOperationsQuery, planPatchSchema } from './schemas/operation.schema';

/**
 * The OpenAPI 3.1 document, generated from the very zod schemas the server
 * validates with, so it describes what the server really accepts.
 */

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'fields'],
      properties: {
        code: { type: 'string', description: 'Stable error code, e.g. invalid_input, stale_version, rule_violation' },
        message: { type: 'string', description: 'In the caller’s language (Accept-Language; zh-CN by default)' },
        fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'Every bad field, named' },
        requestId: { type: 'string' },
        reason: { type: 'string', description: '403: which rule of who-may-do-what refused the caller' },
        problems: {
          type: 'array',
          description: '422: the rules that refused the step',
          items: {
            type: 'object',
            properties: { code: { type: 'string' }, rule: { type: 'string' }, field: { type: 'string' }, message: { type: 'string' } },
          },
        },
        currentVersion: { type: 'integer', description: '409 stale_version: the version now' },
        currentState: { type: 'string', description: '409: the state now' },
      },
    },
  },
};

const err = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const errors = {
  '400': err('Malformed or invalid input; every bad field is named'),
  '401': err('No or bad credentials'),
  '403': err('Not allowed for this caller'),
  '404': err('Unknown (or not in your brigade)'),
};

const operationSchema = {
  type: 'object',
  description: 'A joint operation: its plan, state, version, what the caller may send now, results and holding',
  required: ['id', 'state', 'version', 'allowedEvents'],
  properties: {
    id: { type: 'integer' },
    state: { type: 'string', enum: [...OPERATION_STATES] },
    version: { type: 'integer' },
    allowedEvents: { type: 'array', items: { type: 'string', enum: [...OPERATION_EVENT_TYPES] } },
  },
  additionalProperties: true,
};

function queryParameters(schema: z.ZodObject) {
  const js = json(schema) as { properties: Record<string, unknown> };
  return Object.entries(js.properties).map(([name, s]) => ({ name, in: 'query', required: false, schema: s }));
}

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

export function openApiDocument(): Record<string, unknown> {
  const eventJson = json(eventSchema);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Liandong (联动) API',
      version: '1',
      description:
        'Joint enforcement operations of a city-management enforcement brigade. Authenticate with `Authorization: Bearer <token>` ' +
        '(`npm run cli -- token <username>`). Errors are `{"error": {"code", "message", "fields"}}`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: errorSchema,
        Operation: operationSchema,
        NewOperation: json(createOperationSchema),
        PlanPatch: json(planPatchSchema.extend({ expectedVersion: z.int().min(1) })),
        Event: eventJson,
      },
    },
    paths: {
      '/healthz': {
        get: {
          summary: 'Liveness: 200 when the database answers, 503 otherwise',
          security: [],
          responses: {
            '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' } } } } } },
            '503': { description: 'The database does not answer' },
          },
        },
      },
      '/api/openapi.json': {
        get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
      '/api/v1/squads': {
        get: { summary: 'The squads of your brigade, with codes', responses: { '200': { description: 'Squads' }, '401': errors['401'] } },
      },
      '/api/v1/groups': {
        get: { summary: 'The linkage groups of your brigade, with their squads in member order', responses: { '200': { description: 'Groups' }, '401': errors['401'] } },
      },
      '/api/v1/me': {
        get: { summary: 'Who the token belongs to', responses: { '200': { description: 'The caller' }, '401': errors['401'] } },
      },
      '/api/v1/operations': {
        post: {
          summary: 'Draft a new plan (201, state draft)',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewOperation' } } } },
          responses: {
            '201': { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Operation' } } } },
            ...errors,
            '413': err('Body too large'),
            '422': err('A rule refuses the plan (the rule named)'),
          },
        },
        get: {
          summary: 'A page of operations, newest first (cursor pagination)',
          parameters: queryParameters(listOperationsQuery),
          responses: { '200': { description: '`{items, nextCursor}`' }, '400': errors['400'], '401': errors['401'] },
        },
      },
      '/api/v1/operations/{id}': {
        parameters: [idParameter],
        get: {
          summary: 'One operation, with `state`, `version` and `allowedEvents` for the caller',
          responses: { '200': { description: 'The operation', content: { 'application/json': { schema: { $ref: '#/components/schemas/Operation' } } } }, ...errors },
        },
        patch: {
          summary: 'Edit the draft plan (EDIT_PLAN)',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/PlanPatch' } } } },
          responses: {
            '200': { description: 'The operation', content: { 'application/json': { schema: { $ref: '#/components/schemas/Operation' } } } },
            ...errors,
            '409': err('Stale expectedVersion, or not in draft'),
            '422': err('A rule refuses the change'),
          },
        },
      },
      '/api/v1/operations/{id}/events': {
        parameters: [idParameter],
        post: {
          summary: 'Send one event: `{"type": "APPROVE", "expectedVersion": 3, …payload}`',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Event' } } } },
          responses: {
            '200': {
              description: 'The new state and version',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { id: { type: 'integer' }, event: { type: 'string' }, state: { type: 'string' }, version: { type: 'integer' } },
                  },
                },
              },
            },
            ...errors,
            '409': err('Stale expectedVersion (stale_version) or an event the state does not take (event_not_accepted)'),
            '413': err('Body too large'),
            '422': err('A rule of the practice refuses the step (rule_violation, the rule named)'),
          },
        },
      },
      '/api/v1/operations/{id}/history': {
        parameters: [idParameter],
        get: { summary: 'The append-only history, oldest first', responses: { '200': { description: '`{items}`' }, ...errors } },
      },
    },
  };
}
