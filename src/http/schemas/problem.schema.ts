import { z } from 'zod';
import { dateTime, evidenceFiles, freeText, requiredText } from './common.schema';
import {
  CALLBACK_OUTCOMES,
  HARD_PROBLEM_STATES,
  PROBLEM_CATEGORIES,
  PROBLEM_SOURCES,
  REBOUND_ORIGINS,
} from '../../../workflows/hard-problem';
import { BORDER_NOTICE_STATES } from '../../../workflows/border-notice';
import { planPatchSchema } from './operation.schema';

/** Request schemas of the hard-problem (§3.4) and border-notice (R8) API: validated with these, documented from them. */

const code = z.string().trim().min(1).max(40).describe('A squad code, e.g. `waitan`.');
const instant = dateTime;
const text = (max: number) => freeText(max);
const required = requiredText;
const id = z.int().positive();

const evidence = z.strictObject({
  description: required(1000),
  ref: text(300).nullable().optional().describe('Where the photo, video or document is kept'),
});

/** POST /problems: a report (state `reported`). */
export const reportProblemSchema = z
  .strictObject({
    source: z.enum(PROBLEM_SOURCES).describe('R7: where it came from'),
    category: z.enum(PROBLEM_CATEGORIES).describe('What kind of violation (duplicates are matched on it)'),
    title: required(200),
    description: required(5000),
    location: required(300),
    squads: z.array(code).min(1).max(10).describe('R8: the squads at the border'),
    evidence: z.array(evidence).max(30).optional().describe('Evidence, described (no upload)'),
    hotlineRef: text(60).nullable().optional().describe('12319 hotline ticket number'),
    complainant: text(200).nullable().optional().describe('The complainant’s name and contact, for the call-back'),
    files: evidenceFiles.optional().describe('Photos and documents of the problem (ids from `POST /files`)'),
  })
  .describe('A hard problem reported (§3.4)');

const versioned = { expectedVersion: z.int().min(1).describe('The version you read; a stale one is refused with 409') };
const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S, description: string) =>
  z.strictObject({ type: z.literal(type), ...versioned, ...shape }).describe(description);

export const problemEventSchemas = {
  ACCEPT: ev(
    'ACCEPT',
    { note: text(2000).optional() },
    'Accept the report: the problem is open (a squad leader of a squad at the border, or a manager)',
  ),
  MERGE: ev(
    'MERGE',
    { into: id.describe('The problem this one duplicates (the survivor)'), note: text(2000).optional() },
    'Merge a duplicate report into the problem it repeats',
  ),
  RESOLVE: ev(
    'RESOLVE',
    {
      note: required(5000).describe('How it was resolved'),
      operation: id.nullable().optional().describe('The operation that resolved it'),
    },
    'Resolve the problem',
  ),
  REBOUND: ev(
    'REBOUND',
    {
      origin: z.enum(REBOUND_ORIGINS).describe('Found in holding, by an inspector, or by a new complaint'),
      note: required(5000),
      files: evidenceFiles.optional().describe('Photos of the rebound (ids from `POST /files`)'),
    },
    'The resolved problem came back: it reopens (its repeat count grows)',
  ),
  RECORD_CALLBACK: ev(
    'RECORD_CALLBACK',
    {
      caller: required(100).describe('Who called the complainant back'),
      calledAt: instant.optional().describe('Default now; never in the future, not before the resolution'),
      outcome: z.enum(CALLBACK_OUTCOMES),
      note: text(2000).optional(),
    },
    'Record the call-back to the 12319 complainant after resolution',
  ),
} as const;

export const problemEventSchema = z.discriminatedUnion(
  'type',
  Object.values(problemEventSchemas) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export const listProblemsQuery = z.strictObject({
  state: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(HARD_PROBLEM_STATES)))
    .optional()
    .describe('One state or several, comma-separated'),
  source: z.enum(PROBLEM_SOURCES).optional(),
  category: z.enum(PROBLEM_CATEGORIES).optional(),
  squad: code.optional().describe('A squad at the border'),
  q: freeText(100, { trim: true }).optional().describe('Words in the title or location'),
  cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size, default 50'),
});

export const duplicatesQuery = z.strictObject({
  category: z.enum(PROBLEM_CATEGORIES),
  location: required(300),
});

/** POST /border-notices (R8). */
export const sendNoticeSchema = z
  .strictObject({
    location: required(300),
    what: required(5000).describe('What was seen'),
    squads: z.array(code).min(2).max(10).describe('The squads at the border, the sender’s own among them'),
    seenAt: instant.optional().describe('Default now; never in the future'),
    files: evidenceFiles.optional().describe('Photos of what was seen (ids from `POST /files`)'),
  })
  .describe('A border notification (R8)');

export const noticeEventSchemas = {
  TO_PROBLEM: ev(
    'TO_PROBLEM',
    {
      problem: z
        .strictObject({
          category: z.enum(PROBLEM_CATEGORIES),
          title: text(200),
          description: text(5000),
          evidence: z.array(evidence).max(30),
        })
        .partial()
        .optional()
        .describe('Defaults from the notice'),
    },
    'Turn the notice into a hard problem (source `notification`)',
  ),
  TO_PLAN: ev(
    'TO_PLAN',
    { plan: planPatchSchema.extend({ leadSquad: code }).partial() },
    'Turn the notice into an ad_hoc operation plan (draft); the plan is pre-filled from GET /border-notices/{id}/plan-draft',
  ),
  CLOSE: ev('CLOSE', { reason: required(2000) }, 'Close the notice, with a reason'),
} as const;

export const noticeEventSchema = z.discriminatedUnion(
  'type',
  Object.values(noticeEventSchemas) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export const listNoticesQuery = z.strictObject({
  state: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(BORDER_NOTICE_STATES)))
    .optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
