import { BORDER_NOTICE_EVENT_TYPES, BORDER_NOTICE_STATES } from '../../workflows/border-notice';
import { HARD_PROBLEM_EVENT_TYPES, HARD_PROBLEM_STATES, PROBLEM_CATEGORIES, PROBLEM_SOURCES, REBOUND_ORIGINS } from '../../workflows/hard-problem';
import { duplicatesQuery, listNoticesQuery, listProblemsQuery, noticeEventSchema, problemEventSchema, reportProblemSchema, sendNoticeSchema } from './schemas/problem.schema';
import { answer, body, err, errorsFor, idParameter, json, queryParameters, ref } from './openapi-parts';

/** The OpenAPI part of hard problems (§3.4, R7) and border notifications (R8), from the zod schemas the server validates with. */

const errors = errorsFor('e.g. not_border_leader_or_manager, not_group_leader, hotline_feed_reports_hotline_only');
const page = (name: string) => ({
  description: 'A page, newest first; pass `nextCursor` as `cursor` for the next',
  content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: ref(name) }, nextCursor: { type: ['string', 'null'] } } } } },
});


const problemSummary = {
  id: { type: 'integer' },
  state: { type: 'string', enum: [...HARD_PROBLEM_STATES] },
  source: { type: 'string', enum: [...PROBLEM_SOURCES] },
  category: { type: 'string', enum: [...PROBLEM_CATEGORIES] },
  title: { type: 'string' },
  location: { type: 'string' },
  squads: { type: 'array', items: { type: 'string' }, description: 'R8: the squads at the border (codes)' },
  repeatCount: { type: 'integer', description: '§3.4: how many times it came back (a rebound reopens it)' },
  mergedInto: { type: ['integer', 'null'], description: 'A merged duplicate: the survivor' },
  reportedAt: { type: 'string', format: 'date-time' },
  resolvedAt: { type: ['string', 'null'], format: 'date-time', description: 'Its current resolution: null unless it is resolved now (a rebound reopens it; the record lists every resolution)' },
  reopenedAt: { type: ['string', 'null'], format: 'date-time', description: 'When it last came back (a rebound), if it did' },
};

export function problemsSchemas(): Record<string, unknown> {
  return {
    HardProblemSummary: { type: 'object', required: ['id', 'state', 'source', 'category', 'title', 'location', 'squads', 'repeatCount'], properties: problemSummary, additionalProperties: true },
    HardProblem: {
      type: 'object',
      description: 'A hard problem (难点顽症, §3.4): its report, what it gathered (its own reports, rebounds, merged duplicates), the operations that tackle it, state, version and what the caller may send now',
      required: ['id', 'state', 'version', 'allowedEvents', 'source', 'category', 'title', 'location', 'squads', 'repeatCount', 'sources', 'reports', 'operations', 'resolvedBy'],
      properties: {
        ...problemSummary,
        version: { type: 'integer' },
        allowedEvents: { type: 'array', items: { type: 'string', enum: [...HARD_PROBLEM_EVENT_TYPES] } },
        reboundOrigins: {
          type: 'array',
          items: { type: 'string', enum: [...REBOUND_ORIGINS] },
          description: '§3.4: the origins a REBOUND from you may give — `holding` for the squads at the border and the host squad holding an operation of it, `inspector` for inspectors, `complaint` for managers and the hotline feed (empty unless resolved)',
        },
        description: { type: 'string' },
        evidence: { type: 'array', items: { type: 'object', properties: { description: { type: 'string' }, ref: { type: ['string', 'null'] } } } },
        hotlineRef: { type: ['string', 'null'], description: 'The 12319 ticket: in full to the managers, the leaders of the squads at the border and who reported it; masked (`12319-*********0042`) for everyone else' },
        complainant: { type: ['string', 'null'], description: 'The complainant’s name and contact: in full to the managers, the leaders of the squads at the border and who reported it; masked (`王**`) for everyone else' },
        sources: { type: 'array', items: { type: 'string', enum: [...PROBLEM_SOURCES] }, description: 'R7: every source, its own and its merged duplicates’' },
        reports: { type: 'array', items: { type: 'object' } },
        rebounds: { type: 'array', items: { type: 'object' } },
        resolutions: {
          type: 'array',
          description: 'Every resolution, oldest first (a reopened problem keeps them: its history)',
          items: { type: 'object', properties: { note: { type: 'string' }, at: { type: 'string', format: 'date-time' }, by: { type: ['string', 'null'] }, operation: { type: ['integer', 'null'], description: 'The operation that resolved it, if one was named' } } },
        },
        callbacks: { type: 'array', items: { type: 'object' }, description: 'Call-backs to the 12319 complainant after resolution' },
        mergedFrom: { type: 'array', items: { type: 'integer' } },
        operations: { type: 'array', description: 'The operations whose plans target it', items: { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' }, state: { type: 'string' } } } },
        resolvedBy: {
          type: 'array',
          description: 'The operations that resolved it, each time one did, oldest first (an edit of a plan never changes these)',
          items: { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' }, state: { type: 'string' }, at: { type: 'string', format: 'date-time' } } },
        },
        fromNotice: { type: ['integer', 'null'], description: 'R8: the border notification it came from' },
        timeLimit: {
          type: ['object', 'null'],
          description: '§3.5: the open time limit of its state (`accept` while reported; `callback` for a resolved hotline problem) as a light',
          properties: { kind: { type: 'string', enum: ['accept', 'callback'] }, dueAt: { type: 'string', format: 'date-time' }, light: { type: 'string', enum: ['green', 'amber', 'red'] } },
        },
        likelyDuplicates: { type: 'array', items: ref('HardProblemSummary'), description: 'On creation only: problems of the same kind at the same place reported recently; `suggestion` is MERGE (send it on this one) or REBOUND (send it on that resolved one)' },
      },
      additionalProperties: true,
    },
    NewHardProblem: json(reportProblemSchema),
    HardProblemEvent: json(problemEventSchema),
    BorderNotice: {
      type: 'object',
      description: 'A border notification (信息告知, R8) and what it became',
      required: ['id', 'state', 'version', 'allowedEvents', 'location', 'what', 'squads', 'senderSquad'],
      properties: {
        id: { type: 'integer' },
        state: { type: 'string', enum: [...BORDER_NOTICE_STATES] },
        version: { type: 'integer' },
        allowedEvents: { type: 'array', items: { type: 'string', enum: [...BORDER_NOTICE_EVENT_TYPES] } },
        location: { type: 'string' },
        what: { type: 'string' },
        squads: { type: 'array', items: { type: 'string' } },
        senderSquad: { type: ['string', 'null'] },
        seenAt: { type: 'string', format: 'date-time' },
        problem: { type: ['integer', 'null'], description: 'The hard problem it became' },
        operation: { type: ['integer', 'null'], description: 'The ad_hoc operation it became' },
        closeReason: { type: ['string', 'null'] },
      },
      additionalProperties: true,
    },
    NewBorderNotice: json(sendNoticeSchema),
    BorderNoticeEvent: json(noticeEventSchema),
  };
}

export function problemsPaths(): Record<string, unknown> {
  const events = (name: string, example: string, extra = '') => ({
    parameters: [idParameter],
    post: {
      summary: `Send one event: \`${example}\`${extra}`,
      requestBody: body(name),
      responses: {
        '200': { description: 'The new state and version (TO_PROBLEM / TO_PLAN also `problemId` / `operationId`)' },
        ...errors,
        '409': err('Stale expectedVersion (stale_version) or an event the state does not take (event_not_accepted)'),
        '422': err('A rule of the practice refuses the step (rule_violation, the rule named)'),
      },
    },
  });
  const history = { parameters: [idParameter], get: { summary: 'The append-only history, oldest first', responses: { '200': { description: '`{items}`' }, ...errors } } };
  return {
    '/api/v1/problems': {
      post: {
        summary: 'Report a hard problem (§3.4, R7): field staff and managers from any source; the 12319 hotline feed (role hotline_feed) hotline complaints only. Answers with likely duplicates',
        requestBody: body('NewHardProblem'),
        responses: { '201': answer('Created (state reported), with `likelyDuplicates`', 'HardProblem'), ...errors, '422': err('A rule refuses the report (no squads at the border, an unknown squad …)') },
      },
      get: { summary: 'The brigade’s hard problems, newest first (cursor pagination); the 12319 hotline feed lists only those it reported (or told of a rebound on)', parameters: queryParameters(listProblemsQuery), responses: { '200': page('HardProblemSummary'), '400': errors['400'], '401': errors['401'] } },
    },
    '/api/v1/problems/duplicates': {
      get: {
        summary: 'Likely duplicates of a report before filing it: same kind, same place (spaces and punctuation aside), reported within the configured window',
        parameters: queryParameters(duplicatesQuery, ['category', 'location']),
        responses: { '200': { description: '`{items}`, each with its `version` and `suggestion` MERGE or REBOUND' }, '400': errors['400'], '401': errors['401'] },
      },
    },
    '/api/v1/problems/{id}': {
      parameters: [idParameter],
      get: { summary: 'One hard problem, with `state`, `version` and `allowedEvents` for the caller (404 to the hotline feed for a problem it did not report)', responses: { '200': answer('The problem', 'HardProblem'), ...errors } },
    },
    '/api/v1/problems/{id}/events': events('HardProblemEvent', '{"type": "ACCEPT", "expectedVersion": 1}', '. MERGE names the survivor (`into`); REBOUND reopens a resolved problem; RECORD_CALLBACK records the call-back of a hotline problem'),
    '/api/v1/problems/{id}/history': history,
    '/api/v1/border-notices': {
      post: {
        summary: 'Notify the group of a violation at the border your squad cannot handle alone (R8; an officer or squad leader of a squad at the border)',
        requestBody: body('NewBorderNotice'),
        responses: { '201': answer('Created (state sent); the group’s squad leaders are told', 'BorderNotice'), ...errors, '422': err('A rule refuses it: fewer than two squads, the sender’s squad not among them, a sighting in the future') },
      },
      get: { summary: 'The brigade’s border notifications, newest first', parameters: queryParameters(listNoticesQuery), responses: { '200': page('BorderNotice'), '400': errors['400'], '401': errors['401'] } },
    },
    '/api/v1/border-notices/{id}': {
      parameters: [idParameter],
      get: { summary: 'One border notification, with `state`, `version` and `allowedEvents` for the caller', responses: { '200': answer('The notification', 'BorderNotice'), ...errors } },
    },
    '/api/v1/border-notices/{id}/plan-draft': {
      parameters: [idParameter],
      get: { summary: 'The ad_hoc operation plan pre-filled from the notification (R8), to change and send back with TO_PLAN', responses: { '200': { description: 'Plan fields as POST /api/v1/operations takes them' }, ...errors } },
    },
    '/api/v1/border-notices/{id}/events': events('BorderNoticeEvent', '{"type": "TO_PROBLEM", "expectedVersion": 1}', '. TO_PROBLEM reports a hard problem from it; TO_PLAN drafts an ad_hoc operation (both in one transaction with the step)'),
    '/api/v1/border-notices/{id}/history': history,
  };
}
