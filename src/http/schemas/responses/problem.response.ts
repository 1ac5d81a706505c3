import { z } from 'zod';
import { BORDER_NOTICE_EVENT_TYPES, BORDER_NOTICE_STATES } from '../../../../workflows/border-notice';
import {
  CALLBACK_OUTCOMES,
  HARD_PROBLEM_EVENT_TYPES,
  HARD_PROBLEM_STATES,
  PROBLEM_CATEGORIES,
  PROBLEM_SOURCES,
  REBOUND_ORIGINS,
} from '../../../../workflows/hard-problem';
import { OPERATION_STATES } from '../../../../workflows/operation';
import { choice, cursorPage, id, instant, instantOrNull, light, list } from './common.response';
import { attachedFiles } from './file.response';

/** What the problem presenter answers: hard problems (§3.4, R7) and border notices (R8) (src/http/presenters/problem.presenter.ts). */

const username = z.string().nullable().describe('Username');
const operationRef = { id, title: z.string(), state: z.enum(OPERATION_STATES) };

const problemCore = {
  id,
  state: z.enum(HARD_PROBLEM_STATES),
  source: z.enum(PROBLEM_SOURCES),
  category: z.enum(PROBLEM_CATEGORIES),
  title: z.string(),
  location: z.string(),
  squads: z.array(z.string()).describe('R8: the squads at the border (codes)'),
  repeatCount: z.int().describe('§3.4: how many times it came back (a rebound reopens it)'),
  mergedInto: id.nullable().describe('A merged duplicate: the survivor'),
  reportedAt: instant,
  resolvedAt: instantOrNull.describe(
    'Its current resolution: null unless it is resolved now (a rebound reopens it; the record lists every resolution)',
  ),
  reopenedAt: instantOrNull.describe('When it last came back (a rebound), if it did'),
};

export const problemListItem = z
  .strictObject(problemCore)
  .describe('A hard problem as lists show it: fewer fields than the problem itself');
export const problemPage = cursorPage(problemListItem);

export const likelyDuplicate = z
  .strictObject({
    ...problemCore,
    version: z.int().nullable().describe('Send MERGE or REBOUND against this version'),
    suggestion: z
      .enum(['MERGE', 'REBOUND'])
      .describe('MERGE (send it on the new report) or REBOUND (send it on this resolved one)'),
  })
  .describe('A problem of the same kind at the same place reported recently');
export const duplicateList = list(likelyDuplicate);

export const problemDetail = z
  .strictObject({
    files: attachedFiles.describe('Issue 13: evidence files attached by its steps, in the order attached'),
    ...problemCore,
    version: z.int().min(1),
    allowedEvents: z.array(choice(HARD_PROBLEM_EVENT_TYPES)),
    reboundOrigins: z
      .array(z.enum(REBOUND_ORIGINS))
      .describe(
        '§3.4: the origins a REBOUND from you may give — `holding` for the squads at the border and the host squad holding an operation of it, `inspector` for inspectors, `complaint` for managers and the hotline feed (empty unless resolved)',
      ),
    description: z.string(),
    evidence: z.array(z.strictObject({ description: z.string(), ref: z.string().nullable() })),
    hotlineRef: z
      .string()
      .nullable()
      .describe(
        'The 12319 ticket: in full to the managers, the leaders of the squads at the border and who reported it; masked (`12319-*********0042`) for everyone else',
      ),
    complainant: z
      .string()
      .nullable()
      .describe(
        'The complainant’s name and contact: in full to the managers, the leaders of the squads at the border and who reported it; masked (`王**`) for everyone else',
      ),
    reportedBy: username,
    acceptedBy: username,
    acceptedAt: instantOrNull,
    fromNotice: id.nullable().describe('R8: the border notification it came from'),
    resolutions: z
      .array(
        z.strictObject({
          note: z.string(),
          at: instant,
          by: username,
          operation: id.nullable().describe('The operation that resolved it, if one was named'),
        }),
      )
      .describe('Every resolution, oldest first (a reopened problem keeps them: its history)'),
    rebounds: z.array(z.strictObject({ origin: z.enum(REBOUND_ORIGINS), note: z.string(), at: instant, by: username })),
    callbacks: z
      .array(
        z.strictObject({
          caller: z.string(),
          calledAt: instant,
          outcome: z.enum(CALLBACK_OUTCOMES),
          note: z.string(),
          recordedBy: username,
        }),
      )
      .describe('Call-backs to the 12319 complainant after resolution'),
    reports: z.array(
      z.strictObject({
        kind: z.string().describe('report, rebound or merge'),
        source: z
          .string()
          .nullable()
          .describe('A report’s source (hotspot, media …) or a rebound’s origin (holding, inspector, complaint)'),
        description: z.string(),
        problem: id.describe('The problem it was first reported on'),
        by: username,
        at: instant,
      }),
    ),
    sources: z.array(z.enum(PROBLEM_SOURCES)).describe('R7: every source, its own and its merged duplicates’'),
    mergedFrom: z.array(id),
    operations: z.array(z.strictObject(operationRef)).describe('The operations whose plans target it'),
    resolvedBy: z
      .array(z.strictObject({ ...operationRef, at: instant }))
      .describe(
        'The operations that resolved it, each time one did, oldest first (an edit of a plan never changes these)',
      ),
    timeLimit: z
      .strictObject({ kind: z.string(), dueAt: instant, light })
      .nullable()
      .describe(
        '§3.5: the open time limit of its state (`accept` while reported; `callback` for a resolved hotline problem) as a light',
      ),
    likelyDuplicates: z
      .array(likelyDuplicate)
      .optional()
      .describe(
        'On creation only: problems of the same kind at the same place reported recently; `suggestion` is MERGE (send it on this one) or REBOUND (send it on that resolved one)',
      ),
  })
  .describe(
    'A hard problem (难点顽症, §3.4): its report, what it gathered (its own reports, rebounds, merged duplicates), the operations that tackle it, state, version and what the caller may send now',
  );

export const problemStepAnswer = z.strictObject({
  id,
  event: choice(HARD_PROBLEM_EVENT_TYPES),
  state: z.enum(HARD_PROBLEM_STATES),
  version: z.int().min(1),
});

const noticeCore = {
  id,
  state: z.enum(BORDER_NOTICE_STATES),
  location: z.string(),
  what: z.string(),
  squads: z.array(z.string()).describe('The squads at the border (codes)'),
  senderSquad: z.string().nullable(),
  seenAt: instant,
  problem: id.nullable().describe('The hard problem it became'),
  operation: id.nullable().describe('The ad_hoc operation it became'),
  createdAt: instant,
};

export const noticeListItem = z
  .strictObject(noticeCore)
  .describe('A border notification as lists show it (no version or allowed events: read it for those)');
export const noticePage = cursorPage(noticeListItem);

export const noticeDetail = z
  .strictObject({
    files: attachedFiles.describe('Issue 13: evidence files attached by its steps, in the order attached'),
    ...noticeCore,
    version: z.int().min(1),
    allowedEvents: z.array(choice(BORDER_NOTICE_EVENT_TYPES)),
    sentBy: username,
    closeReason: z.string().nullable(),
    decidedBy: username,
    decidedAt: instantOrNull,
  })
  .describe('A border notification (信息告知, R8) and what it became');

export const noticeStepAnswer = z
  .strictObject({
    id,
    event: choice(BORDER_NOTICE_EVENT_TYPES),
    state: z.enum(BORDER_NOTICE_STATES),
    version: z.int().min(1),
    problemId: id.optional().describe('TO_PROBLEM: the hard problem reported from it'),
    operationId: id.optional().describe('TO_PLAN: the ad_hoc operation drafted from it'),
  })
  .describe('The new state and version; TO_PROBLEM and TO_PLAN also name what the notification became');
