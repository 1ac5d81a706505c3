import { z } from 'zod';
import { createOperationSchema, eventSchema, listOperationsQuery, planPatchSchema } from './schemas/operation.schema';
import { complianceQuery, listFlagsQuery, resolveFlagBody, runJobBody } from './schemas/oversight.schema';
import { listIncidentsQuery } from './api/incidents.routes';
import {
  createGroupSchema,
  createSquadSchema,
  createUserSchema,
  resetPasswordSchema,
  updateBrigadeSchema,
  updateGroupSchema,
  updateSquadSchema,
  updateUserSchema,
} from './schemas/admin.schema';
import { listNotificationsQuery, readAllSchema } from './schemas/notification.schema';
import { plansAndMeetingsPaths, plansAndMeetingsSchemas } from './openapi-plans-meetings';
import { goodsPaths, goodsSchemas } from './openapi-goods';
import { figuresPaths, figuresSchemas } from './openapi-figures';
import { problemsPaths, problemsSchemas } from './openapi-problems';
import { casesPaths, casesSchemas } from './openapi-cases';
import { tokensPaths, tokensSchemas } from './openapi-tokens';
import { filesPaths } from './openapi-files';
import { ok, responseComponents } from './openapi-responses';
import { asContract } from './openapi-contract';
import { documentIdempotency } from './openapi-idempotency';

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
        code: {
          type: 'string',
          description:
            'Stable error code, e.g. invalid_input, stale_version, rule_violation. Any write may also answer 409 write_conflict (it met concurrent writes each time it was run again; nothing was written: read again and retry) or, on a database cluster losing a node, 409 commit_outcome_unknown (the connection was lost while saving: read the record to see whether the change is there before sending it again); with no database server answering at all, 503 database_unavailable with Retry-After (nothing was written)',
        },
        message: { type: 'string', description: 'In the caller’s language (Accept-Language; zh-CN by default)' },
        fields: {
          type: 'object',
          additionalProperties: { type: 'string' },
          description: 'Every bad field, named, with what is wrong in words',
        },
        allowed: {
          type: 'object',
          additionalProperties: { type: 'array', items: { type: 'string' } },
          description: '400: for a field given a value not among its choices, the values it takes',
        },
        requestId: { type: 'string' },
        reason: { type: 'string', description: '403: which rule of who-may-do-what refused the caller' },
        problems: {
          type: 'array',
          description: '422: the rules that refused the step',
          items: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              rule: { type: 'string' },
              field: { type: 'string' },
              message: { type: 'string' },
            },
          },
        },
        currentVersion: { type: 'integer', description: '409 stale_version: the version now' },
        currentState: { type: 'string', description: '409: the state now' },
      },
    },
  },
};

const err = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const errors = {
  '400': err('Malformed or invalid input; every bad field is named'),
  '401': err('No or bad credentials'),
  '403': err('Not allowed for this caller'),
  '404': err('Unknown (or not in your brigade)'),
};

function queryParameters(schema: z.ZodObject) {
  const js = json(schema) as { properties: Record<string, unknown> };
  return Object.entries(js.properties).map(([name, s]) => ({ name, in: 'query', required: false, schema: s }));
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const body = (name: string) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });
const answer = (description: string, name: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});
const adminOnly = 'Administrators only (admin role); your brigade only.';

const usernameParameter = { name: 'username', in: 'path', required: true, schema: { type: 'string' } };
const codeParameter = { name: 'code', in: 'path', required: true, schema: { type: 'string' } };

/** The administration API (admin role): users, squads, linkage groups, the brigade's settings. */
function adminPaths(): Record<string, unknown> {
  return {
    '/api/v1/brigade': {
      get: {
        summary: 'Your brigade, with the month it began using Liandong (`since`) and what you may do to it',
        responses: { '200': answer('The brigade', 'Brigade'), '401': errors['401'] },
      },
      patch: {
        summary: `Set the month your brigade began using Liandong (\`since\`, YYYY-MM, not after this month): months before it are never judged (R6); the months it moves over that have ended are judged again by the monthly-minimum job. ${adminOnly}`,
        requestBody: body('BrigadePatch'),
        responses: {
          '200': answer('The brigade', 'Brigade'),
          '400': err(
            'Bad input, every field named: `since` not YYYY-MM (invalid_month) or after this month (month_in_future)',
          ),
          '401': errors['401'],
          '403': errors['403'],
        },
      },
    },
    '/api/v1/users': {
      get: {
        summary: `The users of your brigade, with roles and squad. ${adminOnly}`,
        responses: { '200': ok('The users', 'UserList'), '401': errors['401'], '403': errors['403'] },
      },
      post: {
        summary: `Create a user. ${adminOnly}`,
        requestBody: body('NewUser'),
        responses: {
          '201': answer('Created', 'User'),
          ...errors,
          '409': err('The username is taken (code username_taken, field username)'),
        },
      },
    },
    '/api/v1/users/{username}': {
      parameters: [usernameParameter],
      get: { summary: `One user. ${adminOnly}`, responses: { '200': answer('The user', 'User'), ...errors } },
      patch: {
        summary: `Change a user's name, squad, roles; disable (active: false) or enable. ${adminOnly}`,
        requestBody: body('UserPatch'),
        responses: {
          '200': answer('The user', 'User'),
          ...errors,
          '422': err(
            'Refused: disabling yourself (own_account), or leaving the brigade without an active administrator (last_admin)',
          ),
        },
      },
    },
    '/api/v1/users/{username}/password': {
      parameters: [usernameParameter],
      post: {
        summary: `Reset a user's password: the old one stops working, their sessions end and their API tokens are revoked. ${adminOnly}`,
        requestBody: body('PasswordReset'),
        responses: { '204': { description: 'Done (no content)' }, ...errors },
      },
    },
    '/api/v1/squads/{code}': {
      parameters: [codeParameter],
      patch: {
        summary: `Change a squad's names, kind, duty strength, or disable it. ${adminOnly}`,
        requestBody: body('SquadPatch'),
        responses: {
          '200': answer('The squad', 'Squad'),
          ...errors,
          '422': err('A squad in a linkage group cannot be disabled (R3)'),
        },
      },
    },
    '/api/v1/groups/{code}': {
      parameters: [codeParameter],
      patch: {
        summary: `Rename a linkage group and/or set its squads in member order. ${adminOnly}`,
        requestBody: body('GroupPatch'),
        responses: {
          '200': answer('The group', 'Group'),
          ...errors,
          '422': err('R3: 3–4 squads (configurable), a squad in at most one group'),
        },
      },
    },
  };
}

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

/** The caller's own notifications: the bell's count, the list, marking read. */
function notificationPaths(): Record<string, unknown> {
  return {
    '/api/v1/notifications': {
      get: {
        summary:
          'Your notifications, newest event first, how many are unread, and your newest notification’s id (`upTo` for read-all)',
        parameters: queryParameters(listNotificationsQuery),
        responses: {
          '200': ok('A page of your notifications', 'NotificationPage'),
          '400': errors['400'],
          '401': errors['401'],
        },
      },
    },
    '/api/v1/notifications/read-all': {
      post: {
        summary: 'Mark all your unread notifications read (or those up to `upTo`); answers `{marked, unread}`',
        requestBody: { required: false, content: { 'application/json': { schema: ref('ReadAll') } } },
        responses: {
          '200': ok('How many were marked, and how many are unread now', 'ReadAllResult'),
          '400': errors['400'],
          '401': errors['401'],
        },
      },
    },
    '/api/v1/notifications/{id}/read': {
      parameters: [idParameter],
      post: {
        summary: 'Mark one of your notifications read (again changes nothing); another person’s is 404',
        responses: { '200': answer('The notification', 'Notification'), '401': errors['401'], '404': errors['404'] },
      },
    },
  };
}

export function openApiDocument(): Record<string, unknown> {
  const eventJson = json(eventSchema);
  const doc = {
    openapi: '3.1.0',
    info: {
      title: 'Liandong (联动) API',
      version: '1',
      license: {
        name: 'Proprietary (UNLICENSED): the brigade’s own system, not for reuse',
        identifier: 'LicenseRef-Liandong-Proprietary',
      },
      description:
        'Joint enforcement operations of a city-management enforcement brigade. Authenticate with `Authorization: Bearer <token>` ' +
        '(`npm run cli -- token <username>`). Errors are `{"error": {"code", "message", "fields"}}`. ' +
        'Everything is your brigade’s: another brigade’s records are unknown (404). A step on a record is refused in this order: ' +
        'unknown (404); you may not read it, or may not send that event in any state (403, nothing of its state or version told); ' +
        '`expectedVersion` stale (409 stale_version); the state does not take the event (409 event_not_accepted); ' +
        'you may not send it in this state (403); a rule refuses it (422).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: errorSchema,
        ...responseComponents(),
        NewOperation: json(createOperationSchema),
        PlanPatch: json(planPatchSchema.extend({ expectedVersion: z.int().min(1) })),
        Event: eventJson,
        NewUser: json(createUserSchema),
        UserPatch: json(updateUserSchema),
        PasswordReset: json(resetPasswordSchema),
        NewSquad: json(createSquadSchema),
        SquadPatch: json(updateSquadSchema),
        NewGroup: json(createGroupSchema),
        GroupPatch: json(updateGroupSchema),
        BrigadePatch: json(updateBrigadeSchema),
        ReadAll: json(readAllSchema),
        ...plansAndMeetingsSchemas(),
        ...figuresSchemas(),
        ...problemsSchemas(),
        ...goodsSchemas(),
        ...casesSchemas(),
        ...tokensSchemas(),
      },
    },
    paths: {
      '/healthz': {
        get: {
          summary: 'Liveness: 200 when the database answers, 503 otherwise',
          security: [],
          responses: {
            '200': {
              description: 'OK',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['status'],
                    properties: { status: { const: 'ok' } },
                    additionalProperties: false,
                  },
                },
              },
            },
            '503': { description: 'The database does not answer' },
          },
        },
      },
      '/api/openapi.json': {
        get: {
          summary: 'This document',
          security: [],
          responses: {
            '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
      '/api/v1/squads': {
        get: {
          summary: 'The squads of your brigade, with codes',
          responses: { '200': ok('The squads', 'SquadList'), '401': errors['401'] },
        },
        post: {
          summary: `Create a squad (R2, R16). ${adminOnly}`,
          requestBody: body('NewSquad'),
          responses: {
            '201': answer('Created', 'Squad'),
            ...errors,
            '409': err('The code is taken in your brigade (code code_taken, field code)'),
          },
        },
      },
      '/api/v1/groups': {
        get: {
          summary: 'The linkage groups of your brigade, with their squads in member order',
          responses: { '200': ok('The linkage groups', 'GroupList'), '401': errors['401'] },
        },
        post: {
          summary: `Create a linkage group with its squads in member order (R3). ${adminOnly}`,
          requestBody: body('NewGroup'),
          responses: {
            '201': answer('Created', 'Group'),
            ...errors,
            '409': err('The code is taken in your brigade (code code_taken, field code)'),
            '422': err('R3: 3–4 squads (configurable), a squad in at most one group'),
          },
        },
      },
      '/api/v1/me': {
        get: {
          summary: 'Who the token belongs to',
          responses: { '200': ok('The caller', 'Me'), '401': errors['401'] },
        },
      },
      '/api/v1/operations': {
        post: {
          summary: 'Draft a new plan (201, state draft)',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/NewOperation' } } },
          },
          responses: {
            '201': ok('Created', 'Operation'),
            ...errors,
            '413': err('Body too large'),
            '422': err('A rule refuses the plan (the rule named)'),
          },
        },
        get: {
          summary: 'A page of operations, newest first (cursor pagination)',
          parameters: queryParameters(listOperationsQuery),
          responses: {
            '200': ok('A page of operations (list items: fewer fields than an operation)', 'OperationPage'),
            '400': errors['400'],
            '401': errors['401'],
          },
        },
      },
      '/api/v1/operations/{id}': {
        parameters: [idParameter],
        get: {
          summary: 'One operation, with `state`, `version` and `allowedEvents` for the caller',
          responses: { '200': ok('The operation', 'Operation'), ...errors },
        },
        patch: {
          summary: 'Edit the draft plan (EDIT_PLAN)',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/PlanPatch' } } },
          },
          responses: {
            '200': ok('The operation', 'Operation'),
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
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Event' } } },
          },
          responses: {
            '200': ok('The new state and version', 'OperationStep'),
            ...errors,
            '409': err(
              'Stale expectedVersion (stale_version) or an event the state does not take (event_not_accepted)',
            ),
            '413': err('Body too large'),
            '422': err('A rule of the practice refuses the step (rule_violation, the rule named)'),
          },
        },
      },
      '/api/v1/incidents': {
        get: {
          summary: 'R11: incidents across operations, newest first (cursor pagination)',
          parameters: queryParameters(listIncidentsQuery),
          responses: {
            '200': ok('A page of incidents, each with its operation', 'IncidentPage'),
            '400': errors['400'],
            '401': errors['401'],
          },
        },
      },
      '/api/v1/flags': {
        get: {
          summary:
            'Flags of your brigade (SPEC §4): rule, group / squad / record, period, figures, status; newest first',
          parameters: queryParameters(listFlagsQuery),
          responses: {
            '200': ok('The flags, each with a one-sentence `summary` in your language', 'FlagList'),
            '400': errors['400'],
            '401': errors['401'],
          },
        },
      },
      '/api/v1/flags/{id}': {
        parameters: [idParameter],
        get: { summary: 'One flag', responses: { '200': ok('The flag', 'Flag'), ...errors } },
      },
      '/api/v1/flags/{id}/resolve': {
        parameters: [idParameter],
        post: {
          summary: 'A manager resolves an open flag with a note',
          requestBody: { required: true, content: { 'application/json': { schema: json(resolveFlagBody) } } },
          responses: { '200': ok('The resolved flag', 'Flag'), ...errors, '422': err('The flag is not open') },
        },
      },
      '/api/v1/compliance': {
        get: {
          summary:
            'R6 compliance: groups × months of a year, qualifying operations per cell against the minimum, with flags',
          parameters: queryParameters(complianceQuery),
          responses: {
            '200': ok('The grid; `met` of `judged` counts only met and missed months', 'Compliance'),
            '400': errors['400'],
            '401': errors['401'],
          },
        },
      },
      '/api/v1/compliance/{group}/{month}': {
        parameters: [
          { name: 'group', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'month', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{4}-\\d{2}$' } },
        ],
        get: {
          summary: 'One group’s month: the operations that count toward R6 and those that do not, and why',
          responses: {
            '200': ok('The group’s month; `status` as in the compliance grid', 'ComplianceMonth'),
            ...errors,
          },
        },
      },
      '/api/v1/jobs': {
        get: {
          summary: 'The oversight jobs, their schedules and the latest runs — your brigade’s part of each (managers)',
          responses: {
            '200': ok('The jobs and the latest runs', 'JobList'),
            '401': errors['401'],
            '403': errors['403'],
          },
        },
      },
      '/api/v1/jobs/{name}/run': {
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        post: {
          summary:
            'Run an oversight job now for your brigade only (managers); recorded in the job-run log. The instance’s housekeeping (sessions, outbox) is not run by hand: 404',
          requestBody: { required: false, content: { 'application/json': { schema: json(runJobBody) } } },
          responses: { '200': ok('The run: status ok or failed, what it found and did', 'JobRun'), ...errors },
        },
      },
      '/api/v1/operations/{id}/history': {
        parameters: [idParameter],
        get: {
          summary: 'The append-only history, oldest first; each step with its hash, and whether the chain verifies',
          responses: { '200': ok('The steps and the verdict', 'History'), ...errors },
        },
      },
      ...adminPaths(),
      ...notificationPaths(),
      ...plansAndMeetingsPaths(),
      ...figuresPaths(),
      ...problemsPaths(),
      ...goodsPaths(),
      ...casesPaths(),
      ...tokensPaths(),
      ...filesPaths(),
    },
  };
  asContract(doc, {
    badRequest: errors['400'],
    hotlineFeed: err(
      'Not allowed for this caller: the 12319 hotline feed may only report and read hard problems (hotline_feed_reports_only)',
    ),
    tooLarge: err('Body too large (payload_too_large, too_many_fields)'),
    unsupportedEncoding: err('A compressed body (Content-Encoding) is refused (unsupported_encoding)'),
  });
  documentIdempotency(doc, err);
  return doc;
}
