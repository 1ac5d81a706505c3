import {
  duplicatesQuery,
  listNoticesQuery,
  listProblemsQuery,
  noticeEventSchema,
  problemEventSchema,
  reportProblemSchema,
  sendNoticeSchema,
} from './schemas/problem.schema';
import { body, err, errorsFor, idParameter, json, queryParameters } from './openapi-parts';
import { ok, type ResponseName } from './openapi-responses';

/** The OpenAPI part of hard problems (§3.4, R7) and border notifications (R8), from the zod schemas the server validates with. */

const errors = errorsFor('e.g. not_border_leader_or_manager, not_group_leader, hotline_feed_reports_hotline_only');
export function problemsSchemas(): Record<string, unknown> {
  return {
    NewHardProblem: json(reportProblemSchema),
    HardProblemEvent: json(problemEventSchema),
    NewBorderNotice: json(sendNoticeSchema),
    BorderNoticeEvent: json(noticeEventSchema),
  };
}

export function problemsPaths(): Record<string, unknown> {
  const events = (name: string, step: ResponseName, example: string, extra = '') => ({
    parameters: [idParameter],
    post: {
      summary: `Send one event: \`${example}\`${extra}`,
      requestBody: body(name),
      responses: {
        '200': ok('The new state and version (TO_PROBLEM / TO_PLAN also `problemId` / `operationId`)', step),
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
    '/api/v1/problems': {
      post: {
        summary:
          'Report a hard problem (§3.4, R7): field staff and managers from any source; the 12319 hotline feed (role hotline_feed) hotline complaints only. Answers with likely duplicates',
        requestBody: body('NewHardProblem'),
        responses: {
          '201': ok('Created (state reported), with `likelyDuplicates`', 'HardProblem'),
          ...errors,
          '422': err('A rule refuses the report (no squads at the border, an unknown squad …)'),
        },
      },
      get: {
        summary:
          'The brigade’s hard problems, newest first (cursor pagination); the 12319 hotline feed lists only those it reported (or told of a rebound on)',
        parameters: queryParameters(listProblemsQuery),
        responses: {
          '200': ok('A page of problems (list items: fewer fields than a problem)', 'HardProblemPage'),
          '400': errors['400'],
          '401': errors['401'],
        },
      },
    },
    '/api/v1/problems/duplicates': {
      get: {
        summary:
          'Likely duplicates of a report before filing it: same kind, same place (spaces and punctuation aside), reported within the configured window',
        parameters: queryParameters(duplicatesQuery, ['category', 'location']),
        responses: {
          '200': ok(
            'The likely duplicates, each with its `version` and `suggestion` MERGE or REBOUND',
            'LikelyDuplicateList',
          ),
          '400': errors['400'],
          '401': errors['401'],
        },
      },
    },
    '/api/v1/problems/{id}': {
      parameters: [idParameter],
      get: {
        summary:
          'One hard problem, with `state`, `version` and `allowedEvents` for the caller (404 to the hotline feed for a problem it did not report)',
        responses: { '200': ok('The problem', 'HardProblem'), ...errors },
      },
    },
    '/api/v1/problems/{id}/events': events(
      'HardProblemEvent',
      'HardProblemStep',
      '{"type": "ACCEPT", "expectedVersion": 1}',
      '. MERGE names the survivor (`into`); REBOUND reopens a resolved problem; RECORD_CALLBACK records the call-back of a hotline problem',
    ),
    '/api/v1/problems/{id}/history': history,
    '/api/v1/border-notices': {
      post: {
        summary:
          'Notify the group of a violation at the border your squad cannot handle alone (R8; an officer or squad leader of a squad at the border)',
        requestBody: body('NewBorderNotice'),
        responses: {
          '201': ok('Created (state sent); the group’s squad leaders are told', 'BorderNotice'),
          ...errors,
          '422': err(
            'A rule refuses it: fewer than two squads, the sender’s squad not among them, a sighting in the future',
          ),
        },
      },
      get: {
        summary: 'The brigade’s border notifications, newest first',
        parameters: queryParameters(listNoticesQuery),
        responses: {
          '200': ok('A page of notifications (list items: no version or allowed events)', 'BorderNoticePage'),
          '400': errors['400'],
          '401': errors['401'],
        },
      },
    },
    '/api/v1/border-notices/{id}': {
      parameters: [idParameter],
      get: {
        summary: 'One border notification, with `state`, `version` and `allowedEvents` for the caller',
        responses: { '200': ok('The notification', 'BorderNotice'), ...errors },
      },
    },
    '/api/v1/border-notices/{id}/plan-draft': {
      parameters: [idParameter],
      get: {
        summary:
          'The ad_hoc operation plan pre-filled from the notification (R8), to change and send back with TO_PLAN',
        responses: {
          '200': {
            description: 'Plan fields as POST /api/v1/operations takes them',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/NewOperation' } } },
          },
          ...errors,
        },
      },
    },
    '/api/v1/border-notices/{id}/events': events(
      'BorderNoticeEvent',
      'BorderNoticeStep',
      '{"type": "TO_PROBLEM", "expectedVersion": 1}',
      '. TO_PROBLEM reports a hard problem from it; TO_PLAN drafts an ad_hoc operation (both in one transaction with the step)',
    ),
    '/api/v1/border-notices/{id}/history': history,
  };
}
