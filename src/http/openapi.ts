import { z } from 'zod';
import { OPERATION_EVENT_TYPES, OPERATION_STATES } from '../../workflows/operation';
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
import { ROLES } from '../../workflows/shared/actor';
import { SQUAD_KINDS } from '../persistence/entities';
import { listNotificationsQuery, readAllSchema } from './schemas/notification.schema';
import { NOTIFICATION_TOPICS } from '../domain/notifications/recipients';
import { plansAndMeetingsPaths, plansAndMeetingsSchemas } from './openapi-plans-meetings';
import { goodsPaths, goodsSchemas } from './openapi-goods';
import { figuresPaths, figuresSchemas } from './openapi-figures';
import { problemsPaths, problemsSchemas } from './openapi-problems';
import { casesPaths, casesSchemas } from './openapi-cases';
import { tokensPaths, tokensSchemas } from './openapi-tokens';

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
        fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'Every bad field, named, with what is wrong in words' },
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
    number: {
      type: ['object', 'null'],
      description: 'The brigade’s number for the plan, consecutive per brigade and year, given at its first filing (〔year〕第 seq 号); null for a draft never filed',
      properties: { year: { type: 'integer' }, seq: { type: 'integer' } },
    },
    lateEntryHours: {
      type: ['number', 'null'],
      description: 'R6: a late entry — the start was recorded this many hours after it happened (more than `operations.lateEntryHours`); `lateReason` says why',
    },
    lateReason: { type: ['string', 'null'] },
    earlyReason: { type: ['string', 'null'], description: 'Why it began more than `operations.earlyStartHours` before its planned start' },
    coverage: {
      type: ['object', 'null'],
      description: 'R12: what the audit sees of the current (or last) round of holding; days missed are counted up to today',
      properties: {
        holdingDays: { type: 'integer', description: 'Calendar days the holding period touches' },
        daysChecked: { type: 'integer', description: 'Days with a holding check (a second check of a day amends it)' },
        share: { type: 'number', description: 'daysChecked ÷ holdingDays; a pass under `holding.minCoverage` needs `coverageReason`' },
        days: { type: 'array', items: { type: 'string', description: 'YYYY-MM-DD' } },
        missedDays: { type: 'array', items: { type: 'string', description: 'YYYY-MM-DD' } },
        spotChecks: { type: 'integer' },
        rebounds: { type: 'integer', description: 'Checks and spot checks that saw the violations back' },
      },
    },
    coverageReason: { type: ['string', 'null'], description: 'Why the last audit passed a holding checked on fewer days than the brigade asks' },
  },
  additionalProperties: true,
};

function queryParameters(schema: z.ZodObject) {
  const js = json(schema) as { properties: Record<string, unknown> };
  return Object.entries(js.properties).map(([name, s]) => ({ name, in: 'query', required: false, schema: s }));
}

const userSchema = {
  type: 'object',
  description: 'A user of your brigade (never the password)',
  required: ['username', 'displayName', 'roles', 'squad', 'active'],
  properties: {
    username: { type: 'string' },
    displayName: { type: 'string' },
    roles: { type: 'array', items: { type: 'string', enum: [...ROLES] } },
    squad: { type: ['string', 'null'], description: 'Squad code' },
    active: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
  additionalProperties: false,
};

const squadSchema = {
  type: 'object',
  description: 'A squad (R2, R16) and its place in a linkage group (R3, R9)',
  required: ['code', 'name', 'nameEn', 'kind', 'group', 'memberOrder', 'dutyStrength', 'active'],
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    nameEn: { type: 'string' },
    kind: { type: 'string', enum: [...SQUAD_KINDS] },
    group: { type: ['string', 'null'], description: 'Linkage group code' },
    memberOrder: { type: ['integer', 'null'], description: 'Position in the group, from 1' },
    dutyStrength: { type: 'integer' },
    active: { type: 'boolean' },
  },
  additionalProperties: false,
};

const groupSchema = {
  type: 'object',
  description: 'A linkage group (R3) with its squads in member order (R9)',
  required: ['code', 'name', 'nameEn', 'active', 'squads'],
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    nameEn: { type: 'string' },
    active: { type: 'boolean' },
    squads: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: false,
};

const brigadeSchema = {
  type: 'object',
  description: 'Your brigade (SPEC §2) and the month it began using Liandong (R6)',
  required: ['code', 'name', 'nameEn', 'timeZone', 'since', 'createdAt', 'allowedActions'],
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    nameEn: { type: 'string' },
    timeZone: { type: 'string', description: 'IANA time zone: months and days are the brigade’s' },
    since: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM: months before it are never judged (compliance, annual report, monthly-minimum flags)' },
    createdAt: { type: 'string', format: 'date-time' },
    allowedActions: { type: 'array', items: { type: 'string', enum: ['update'] }, description: 'What you may do to it: `update` for administrators' },
  },
  additionalProperties: false,
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** An operation's history (GET …/history): its steps, each with its hash, and the chain's verdict. */
const historySchema = {
  type: 'object',
  required: ['items', 'verified', 'firstBadSeq'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['seq', 'event', 'from', 'to', 'actor', 'role', 'payload', 'version', 'at', 'effectiveAt', 'hash'],
        properties: {
          seq: { type: 'integer', minimum: 1 },
          event: { type: 'string' },
          from: { type: ['string', 'null'] },
          to: { type: 'string' },
          actor: { type: 'string' },
          role: { type: 'string' },
          payload: { type: 'object' },
          version: { type: 'integer' },
          at: { type: 'string', format: 'date-time', description: 'When the step was recorded' },
          effectiveAt: { type: 'string', format: 'date-time', description: 'When it happened (earlier than `at` for a step the system recorded after the fact)' },
          hash: {
            type: 'string',
            pattern: '^[0-9a-f]{64}$',
            description:
              'SHA-256 (hex) over the previous step’s hash (64 zeros for step 1) and this step’s canonical content: canonical JSON (keys sorted, no whitespace) of ' +
              '{v: 1, prev, record: {id, workflow, brigade}, seq, event, payload, actor: {id, name}, role, from, to, at, effectiveAt}, times in UTC to the second (`YYYY-MM-DDTHH:MM:SSZ`)',
          },
        },
      },
    },
    verified: { type: 'boolean', description: 'Every step’s hash matches its content and the previous step’s hash, no step is missing, and the record’s chain head is its last step’s hash' },
    firstBadSeq: { type: ['integer', 'null'], description: 'The first step that does not verify (null when all do)' },
  },
};
const body = (name: string) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });
const answer = (description: string, name: string) => ({ description, content: { 'application/json': { schema: ref(name) } } });
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
        responses: { '200': answer('The brigade', 'Brigade'), '400': err('Bad input, every field named: `since` not YYYY-MM (invalid_month) or after this month (month_in_future)'), '401': errors['401'], '403': errors['403'] },
      },
    },
    '/api/v1/users': {
      get: {
        summary: `The users of your brigade, with roles and squad. ${adminOnly}`,
        responses: { '200': { description: '`{items: [User]}`' }, '401': errors['401'], '403': errors['403'] },
      },
      post: {
        summary: `Create a user. ${adminOnly}`,
        requestBody: body('NewUser'),
        responses: { '201': answer('Created', 'User'), ...errors, '409': err('The username is taken (code username_taken, field username)') },
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
          '422': err('Refused: disabling yourself (own_account), or leaving the brigade without an active administrator (last_admin)'),
        },
      },
    },
    '/api/v1/users/{username}/password': {
      parameters: [usernameParameter],
      post: {
        summary: `Reset a user's password: the old one stops working, their sessions end and their API tokens are revoked. ${adminOnly}`,
        requestBody: body('PasswordReset'),
        responses: { '204': { description: 'Done' }, ...errors },
      },
    },
    '/api/v1/squads/{code}': {
      parameters: [codeParameter],
      patch: {
        summary: `Change a squad's names, kind, duty strength, or disable it. ${adminOnly}`,
        requestBody: body('SquadPatch'),
        responses: { '200': answer('The squad', 'Squad'), ...errors, '422': err('A squad in a linkage group cannot be disabled (R3)') },
      },
    },
    '/api/v1/groups/{code}': {
      parameters: [codeParameter],
      patch: {
        summary: `Rename a linkage group and/or set its squads in member order. ${adminOnly}`,
        requestBody: body('GroupPatch'),
        responses: { '200': answer('The group', 'Group'), ...errors, '422': err('R3: 3–4 squads (configurable), a squad in at most one group') },
      },
    },
  };
}

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

const notificationSchema = {
  type: 'object',
  description: 'Something the caller was told (issue 4, item 7): in their language (Accept-Language), with where it leads',
  required: ['id', 'topic', 'text', 'note', 'link', 'unread', 'createdAt', 'readAt', 'params'],
  properties: {
    id: { type: 'integer' },
    topic: { type: 'string', description: `What happened: ${NOTIFICATION_TOPICS.join(', ')}` },
    text: { type: 'string', description: 'One line, e.g. "计划已报备：#12 中山东一路…"' },
    note: { type: ['string', 'null'], description: 'A reason, rectification or description the event carried' },
    link: { type: 'string', description: 'The page it is about: /operations/{id} or /flags/{id}' },
    unread: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time', description: 'When the event happened' },
    readAt: { type: ['string', 'null'], format: 'date-time' },
    params: { type: 'object', description: 'What the text is made of: operationId and title, or flagId, rule, kind, period, group …', additionalProperties: true },
  },
  additionalProperties: false,
};

/** The caller's own notifications: the bell's count, the list, marking read. */
function notificationPaths(): Record<string, unknown> {
  return {
    '/api/v1/notifications': {
      get: {
        summary: 'Your notifications, newest event first, how many are unread, and your newest notification’s id (`upTo` for read-all)',
        parameters: queryParameters(listNotificationsQuery),
        responses: { '200': { description: '`{items: [Notification], unread, newestId, nextCursor}`' }, '400': errors['400'], '401': errors['401'] },
      },
    },
    '/api/v1/notifications/read-all': {
      post: {
        summary: 'Mark all your unread notifications read (or those up to `upTo`); answers `{marked, unread}`',
        requestBody: { required: false, content: { 'application/json': { schema: ref('ReadAll') } } },
        responses: { '200': { description: '`{marked, unread}`' }, '400': errors['400'], '401': errors['401'] },
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
  return {
    openapi: '3.1.0',
    info: {
      title: 'Liandong (联动) API',
      version: '1',
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
        Operation: operationSchema,
        NewOperation: json(createOperationSchema),
        PlanPatch: json(planPatchSchema.extend({ expectedVersion: z.int().min(1) })),
        Event: eventJson,
        User: userSchema,
        NewUser: json(createUserSchema),
        UserPatch: json(updateUserSchema),
        PasswordReset: json(resetPasswordSchema),
        Squad: squadSchema,
        NewSquad: json(createSquadSchema),
        SquadPatch: json(updateSquadSchema),
        Group: groupSchema,
        NewGroup: json(createGroupSchema),
        GroupPatch: json(updateGroupSchema),
        Brigade: brigadeSchema,
        BrigadePatch: json(updateBrigadeSchema),
        Notification: notificationSchema,
        ReadAll: json(readAllSchema),
        ...plansAndMeetingsSchemas(),
        ...figuresSchemas(),
        ...problemsSchemas(),
        ...goodsSchemas(),
        ...casesSchemas(),
        ...tokensSchemas(),
        History: historySchema,
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
        get: { summary: 'The squads of your brigade, with codes', responses: { '200': { description: '`{items: [Squad]}`' }, '401': errors['401'] } },
        post: {
          summary: `Create a squad (R2, R16). ${adminOnly}`,
          requestBody: body('NewSquad'),
          responses: { '201': answer('Created', 'Squad'), ...errors, '409': err('The code is taken in your brigade (code code_taken, field code)') },
        },
      },
      '/api/v1/groups': {
        get: { summary: 'The linkage groups of your brigade, with their squads in member order', responses: { '200': { description: '`{items: [Group]}`' }, '401': errors['401'] } },
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
      '/api/v1/incidents': {
        get: {
          summary: 'R11: incidents across operations, newest first (cursor pagination)',
          parameters: queryParameters(listIncidentsQuery),
          responses: { '200': { description: '`{items, nextCursor}`, each with its operation' }, '400': errors['400'], '401': errors['401'] },
        },
      },
      '/api/v1/flags': {
        get: {
          summary: 'Flags of your brigade (SPEC §4): rule, group / squad / record, period, figures, status; newest first',
          parameters: queryParameters(listFlagsQuery),
          responses: { '200': { description: '`{items}`, each with a one-sentence `summary` in your language' }, '400': errors['400'], '401': errors['401'] },
        },
      },
      '/api/v1/flags/{id}': {
        parameters: [idParameter],
        get: { summary: 'One flag', responses: { '200': { description: 'The flag' }, ...errors } },
      },
      '/api/v1/flags/{id}/resolve': {
        parameters: [idParameter],
        post: {
          summary: 'A manager resolves an open flag with a note',
          requestBody: { required: true, content: { 'application/json': { schema: json(resolveFlagBody) } } },
          responses: { '200': { description: 'The resolved flag' }, ...errors, '422': err('The flag is not open') },
        },
      },
      '/api/v1/compliance': {
        get: {
          summary: 'R6 compliance: groups × months of a year, qualifying operations per cell against the minimum, with flags',
          parameters: queryParameters(complianceQuery),
          responses: {
            '200': {
              description:
                '`{year, minimum, since, months, groups: [{group, met, judged, months: [{month, qualifying, notCounting, status, flags}]}]}`; `status` is `met` / `missed` (a month over), `open` (under way), `future`, or `before` (before the brigade’s `since`: never judged); `met` of `judged` counts only met and missed months',
            },
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
          responses: { '200': { description: '`{group, month, minimum, since, qualifying, status, met, counted, notCounted, flags}`: `status` as in the compliance grid' }, ...errors },
        },
      },
      '/api/v1/jobs': {
        get: { summary: 'The oversight jobs, their schedules and the latest runs — your brigade’s part of each (managers)', responses: { '200': { description: '`{items, runs}`' }, '401': errors['401'], '403': errors['403'] } },
      },
      '/api/v1/jobs/{name}/run': {
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        post: {
          summary: 'Run an oversight job now for your brigade only (managers); recorded in the job-run log. The instance’s housekeeping (sessions, outbox) is not run by hand: 404',
          requestBody: { required: false, content: { 'application/json': { schema: json(runJobBody) } } },
          responses: { '200': { description: 'The run: status ok or failed, what it found and did' }, ...errors },
        },
      },
      '/api/v1/operations/{id}/history': {
        parameters: [idParameter],
        get: {
          summary: 'The append-only history, oldest first; each step with its hash, and whether the chain verifies',
          responses: { '200': { description: 'The steps and the verdict', content: { 'application/json': { schema: ref('History') } } }, ...errors },
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
    },
  };
}
