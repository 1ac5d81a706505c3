import { z } from 'zod';
import {
  createGroupPlanSchema,
  groupPlanEventSchema,
  groupPlanPatchSchema,
  listGroupPlansQuery,
} from './schemas/group-plan.schema';
import {
  createMeetingSchema,
  listMeetingsQuery,
  meetingEventSchema,
  meetingPatchSchema,
  rotationQuery,
} from './schemas/meeting.schema';
import { body, err, errorsFor, idParameter, json, queryParameters } from './openapi-parts';
import { ok, type ResponseName } from './openapi-responses';

/** The OpenAPI part of monthly group plans (R5) and meetings (R9), from the zod schemas the server validates with. */

const errors = errorsFor('e.g. not_group_leader, not_group_or_manager, not_manager');
export function plansAndMeetingsSchemas(): Record<string, unknown> {
  return {
    NewGroupPlan: json(createGroupPlanSchema),
    GroupPlanPatch: json(groupPlanPatchSchema.extend({ expectedVersion: z.int().min(1) })),
    GroupPlanEvent: json(groupPlanEventSchema),
    NewMeeting: json(createMeetingSchema),
    MeetingPatch: json(meetingPatchSchema.extend({ expectedVersion: z.int().min(1) })),
    MeetingEvent: json(meetingEventSchema),
  };
}

export function plansAndMeetingsPaths(): Record<string, unknown> {
  const record = (name: 'GroupPlan' | 'Meeting', noun: string, refuse: string) => ({
    parameters: [idParameter],
    get: {
      summary: `One ${noun}, with \`state\`, \`version\` and \`allowedEvents\` for the caller`,
      responses: { '200': ok(`The ${noun}`, name), ...errors },
    },
    patch: {
      summary: refuse,
      requestBody: body(`${name}Patch`),
      responses: {
        '200': ok(`The ${noun}`, name),
        ...errors,
        '409': err('Stale expectedVersion, or no longer editable'),
        '422': err('A rule refuses the change (the rule named)'),
      },
    },
  });
  const events = (name: string, step: ResponseName, example: string) => ({
    parameters: [idParameter],
    post: {
      summary: `Send one event: \`${example}\``,
      requestBody: body(name),
      responses: {
        '200': ok('The new state and version', step),
        ...errors,
        '409': err('Stale expectedVersion (stale_version) or an event the state does not take (event_not_accepted)'),
        '422': err('A rule of the practice refuses the step (rule_violation, the rule named)'),
      },
    },
  });
  const history = {
    parameters: [idParameter],
    get: {
      summary: 'The append-only history, oldest first',
      responses: { '200': ok('The steps, oldest first', 'RecordHistory'), ...errors },
    },
  };
  return {
    '/api/v1/group-plans': {
      post: {
        summary: 'Draft a linkage group’s plan for a month (R5; a squad leader of the group; one per group and month)',
        requestBody: body('NewGroupPlan'),
        responses: {
          '201': ok('Created (state draft)', 'GroupPlan'),
          ...errors,
          '409': err('The group already has a plan for the month (plan_exists)'),
          '422': err('A rule refuses the plan: a month out of range, an operation led by a squad outside the group …'),
        },
      },
      get: {
        summary: 'The monthly plans of the groups you may read (your group’s; every group’s for managers)',
        parameters: queryParameters(listGroupPlansQuery),
        responses: {
          '200': ok('The plans (list items: counts of targets and planned operations)', 'GroupPlanList'),
          '400': errors['400'],
          '401': errors['401'],
          '403': errors['403'],
        },
      },
    },
    '/api/v1/group-plans/{id}': record('GroupPlan', 'monthly plan', 'Edit the draft (EDIT_PLAN)'),
    '/api/v1/group-plans/{id}/events': events(
      'GroupPlanEvent',
      'GroupPlanStep',
      '{"type": "FILE", "expectedVersion": 2}',
    ),
    '/api/v1/group-plans/{id}/history': history,
    '/api/v1/meetings': {
      post: {
        summary:
          'Arrange a meeting (R9): a group’s work meeting (its squad leaders; the convener defaults to the rotation’s) or the HQ’s summary meeting (managers)',
        requestBody: body('NewMeeting'),
        responses: {
          '201': ok('Created (state scheduled)', 'Meeting'),
          ...errors,
          '422': err('A rule refuses it: no agenda, a convener outside the group, another convener without a reason'),
        },
      },
      get: {
        summary: 'The meetings you may read: the HQ’s, and your group’s (every group’s for managers), newest first',
        parameters: queryParameters(listMeetingsQuery),
        responses: {
          '200': ok('The meetings (list items)', 'MeetingList'),
          '400': errors['400'],
          '401': errors['401'],
          '403': errors['403'],
        },
      },
    },
    '/api/v1/meetings/rotation': {
      get: {
        summary: 'R9: who convenes the group’s next meeting, and why',
        parameters: queryParameters(rotationQuery, ['group']),
        responses: {
          '200': ok('The rotation', 'Rotation'),
          '400': errors['400'],
          '401': errors['401'],
          '403': errors['403'],
        },
      },
    },
    '/api/v1/meetings/{id}': record('Meeting', 'meeting', 'Change the arrangements (EDIT_MEETING)'),
    '/api/v1/meetings/{id}/events': events(
      'MeetingEvent',
      'MeetingStep',
      '{"type": "RECORD", "expectedVersion": 1, "attendeeSquads": ["waitan"], "minutes": "…"}',
    ),
    '/api/v1/meetings/{id}/history': history,
  };
}
