import { z } from 'zod';
import { GROUP_PLAN_EVENT_TYPES, GROUP_PLAN_STATES } from '../../workflows/group-plan';
import { MEETING_EVENT_TYPES, MEETING_KINDS, MEETING_STATES } from '../../workflows/meeting';
import { createGroupPlanSchema, groupPlanEventSchema, groupPlanPatchSchema, listGroupPlansQuery } from './schemas/group-plan.schema';
import { createMeetingSchema, listMeetingsQuery, meetingEventSchema, meetingPatchSchema, rotationQuery } from './schemas/meeting.schema';
import { answer, body, err, errorsFor, idParameter, json, queryParameters } from './openapi-parts';

/** The OpenAPI part of monthly group plans (R5) and meetings (R9), from the zod schemas the server validates with. */

const errors = errorsFor('e.g. not_group_leader, not_group_or_manager, not_manager');
const stepAnswer = {
  description: 'The new state and version',
  content: {
    'application/json': {
      schema: { type: 'object', properties: { id: { type: 'integer' }, event: { type: 'string' }, state: { type: 'string' }, version: { type: 'integer' } } },
    },
  },
};


export function plansAndMeetingsSchemas(): Record<string, unknown> {
  return {
    GroupPlan: {
      type: 'object',
      description: 'A linkage group’s monthly plan (R5): targets and planned operations, its state, version and what the caller may send now',
      required: ['id', 'state', 'version', 'allowedEvents', 'group', 'month', 'targets', 'operations'],
      properties: {
        id: { type: 'integer' },
        state: { type: 'string', enum: [...GROUP_PLAN_STATES] },
        version: { type: 'integer' },
        allowedEvents: { type: 'array', items: { type: 'string', enum: [...GROUP_PLAN_EVENT_TYPES] } },
        group: { type: 'string' },
        month: { type: 'string' },
        targets: { type: 'array', items: { type: 'string' } },
        operations: { type: 'array', items: { type: 'object' } },
        filedLate: { type: ['boolean', 'null'], description: 'R5: first filed after the month had begun' },
      },
      additionalProperties: true,
    },
    NewGroupPlan: json(createGroupPlanSchema),
    GroupPlanPatch: json(groupPlanPatchSchema.extend({ expectedVersion: z.int().min(1) })),
    GroupPlanEvent: json(groupPlanEventSchema),
    Meeting: {
      type: 'object',
      description: 'A meeting (R9): a group’s work meeting or the HQ’s summary meeting, its arrangements and record',
      required: ['id', 'kind', 'state', 'version', 'allowedEvents', 'period'],
      properties: {
        id: { type: 'integer' },
        kind: { type: 'string', enum: [...MEETING_KINDS] },
        state: { type: 'string', enum: [...MEETING_STATES] },
        version: { type: 'integer' },
        allowedEvents: { type: 'array', items: { type: 'string', enum: [...MEETING_EVENT_TYPES] } },
        group: { type: ['string', 'null'] },
        period: { type: 'string', description: '`YYYY-MM` for a group meeting, `YYYY-H1`/`YYYY-H2` for the HQ’s' },
        convenerSquad: { type: ['string', 'null'] },
        rotationConvenerSquad: { type: ['string', 'null'], description: 'R9: the squad the rotation named' },
      },
      additionalProperties: true,
    },
    NewMeeting: json(createMeetingSchema),
    MeetingPatch: json(meetingPatchSchema.extend({ expectedVersion: z.int().min(1) })),
    MeetingEvent: json(meetingEventSchema),
    Rotation: {
      type: 'object',
      description: 'R9: who convenes the group’s next meeting, and the queue behind, each squad with why it stands there',
      required: ['group', 'next', 'queue'],
      properties: {
        group: { type: 'string' },
        next: { type: ['string', 'null'] },
        lastConvenerSquad: { type: ['string', 'null'] },
        meetingsCounted: { type: 'integer' },
        queue: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              squad: { type: 'string' },
              memberOrder: { type: 'integer' },
              waiting: { type: 'string', enum: ['convened', 'founding', 'joined'], description: 'It waits since it last convened; since before the first meeting; or since it joined' },
              since: { type: ['object', 'null'], description: 'The meeting it waits since' },
              tiedOnWaiting: { type: 'boolean', description: 'Waited as long as another squad: member order after the last convener decided' },
            },
          },
        },
      },
    },
  };
}

export function plansAndMeetingsPaths(): Record<string, unknown> {
  const record = (name: string, noun: string, refuse: string) => ({
    parameters: [idParameter],
    get: { summary: `One ${noun}, with \`state\`, \`version\` and \`allowedEvents\` for the caller`, responses: { '200': answer(`The ${noun}`, name), ...errors } },
    patch: {
      summary: refuse,
      requestBody: body(`${name}Patch`),
      responses: { '200': answer(`The ${noun}`, name), ...errors, '409': err('Stale expectedVersion, or no longer editable'), '422': err('A rule refuses the change (the rule named)') },
    },
  });
  const events = (name: string, example: string) => ({
    parameters: [idParameter],
    post: {
      summary: `Send one event: \`${example}\``,
      requestBody: body(name),
      responses: {
        '200': stepAnswer,
        ...errors,
        '409': err('Stale expectedVersion (stale_version) or an event the state does not take (event_not_accepted)'),
        '422': err('A rule of the practice refuses the step (rule_violation, the rule named)'),
      },
    },
  });
  const history = { parameters: [idParameter], get: { summary: 'The append-only history, oldest first', responses: { '200': { description: '`{items}`' }, ...errors } } };
  return {
    '/api/v1/group-plans': {
      post: {
        summary: 'Draft a linkage group’s plan for a month (R5; a squad leader of the group; one per group and month)',
        requestBody: body('NewGroupPlan'),
        responses: {
          '201': answer('Created (state draft)', 'GroupPlan'),
          ...errors,
          '409': err('The group already has a plan for the month (plan_exists)'),
          '422': err('A rule refuses the plan: a month out of range, an operation led by a squad outside the group …'),
        },
      },
      get: {
        summary: 'The monthly plans of the groups you may read (your group’s; every group’s for managers)',
        parameters: queryParameters(listGroupPlansQuery),
        responses: { '200': { description: '`{items}`' }, '400': errors['400'], '401': errors['401'], '403': errors['403'] },
      },
    },
    '/api/v1/group-plans/{id}': record('GroupPlan', 'monthly plan', 'Edit the draft (EDIT_PLAN)'),
    '/api/v1/group-plans/{id}/events': events('GroupPlanEvent', '{"type": "FILE", "expectedVersion": 2}'),
    '/api/v1/group-plans/{id}/history': history,
    '/api/v1/meetings': {
      post: {
        summary: 'Arrange a meeting (R9): a group’s work meeting (its squad leaders; the convener defaults to the rotation’s) or the HQ’s summary meeting (managers)',
        requestBody: body('NewMeeting'),
        responses: { '201': answer('Created (state scheduled)', 'Meeting'), ...errors, '422': err('A rule refuses it: no agenda, a convener outside the group, another convener without a reason') },
      },
      get: {
        summary: 'The meetings you may read: the HQ’s, and your group’s (every group’s for managers), newest first',
        parameters: queryParameters(listMeetingsQuery),
        responses: { '200': { description: '`{items}`' }, '400': errors['400'], '401': errors['401'], '403': errors['403'] },
      },
    },
    '/api/v1/meetings/rotation': {
      get: {
        summary: 'R9: who convenes the group’s next meeting, and why',
        parameters: queryParameters(rotationQuery, ['group']),
        responses: { '200': answer('The rotation', 'Rotation'), '400': errors['400'], '401': errors['401'], '403': errors['403'] },
      },
    },
    '/api/v1/meetings/{id}': record('Meeting', 'meeting', 'Change the arrangements (EDIT_MEETING)'),
    '/api/v1/meetings/{id}/events': events('MeetingEvent', '{"type": "RECORD", "expectedVersion": 1, "attendeeSquads": ["waitan"], "minutes": "…"}'),
    '/api/v1/meetings/{id}/history': history,
  };
}
