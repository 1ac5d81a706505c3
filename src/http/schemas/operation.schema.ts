import { z } from 'zod';
import { calendarDate, dateOrDateTime, dateTime, evidenceFiles, freeText, requiredText } from './common.schema';
import {
  INCIDENT_SEVERITIES,
  INCIDENT_TYPES,
  OPERATION_KINDS,
  OPERATION_STATES,
  PROBLEM_SOURCES,
} from '../../../workflows/operation';

/** Request schemas of the operation API: the server validates with these and the OpenAPI document is generated from them. */

const code = z.string().trim().min(1).max(40).describe('A squad or group code, e.g. `waitan`, `north`.');
const text = (max: number) => freeText(max);
const reason = requiredText(2000);
const count = z.int().min(0).max(100_000);
/** ISO 8601 with an offset (`2026-11-28T09:00:00+08:00` or `…Z`): a real calendar date-time within the configured years. */
const instant = dateTime;

const force = z.strictObject({
  squad: code,
  officers: z.int().min(0).max(1000),
  vehicles: z.int().min(0).max(1000),
});

const planFields = {
  kind: z.enum(OPERATION_KINDS).describe('regular (counts toward R6), ad_hoc (R8) or brigade_led (R4)'),
  group: code.nullable().describe('Linkage group code; required for regular and ad_hoc operations'),
  leadSquad: code.describe('The squad that drafts and files the plan (R6)'),
  hostSquad: code
    .nullable()
    .describe('The squad where the operation takes place; its leader commands (R4) and it holds the site (R12)'),
  squads: z
    .array(code)
    .max(30)
    .describe('Every squad taking part (lead and host included); defaults to the squads the plan names'),
  title: requiredText(200),
  problemSource: z.enum(PROBLEM_SOURCES).nullable().describe('R7: where the problem came from'),
  location: text(300),
  plannedStart: instant.nullable(),
  plannedHours: z.number().positive().max(72).nullable().describe('R6: at least 4'),
  holdingDays: z.int().min(1).max(365).describe('R12: days the host squad holds the site afterwards'),
  forces: z.array(force).max(30).describe('Planned officers and vehicles per squad (R16)'),
  situation: text(5000).describe('Situation: the problem and its source'),
  mission: text(5000).describe('Mission: measurable objectives'),
  execution: text(5000).describe('Execution: area, time window, posts'),
  command: text(5000).describe('Command and communications'),
  contingency: text(5000).describe('Contingency plan for incidents (R11)'),
  goodsArrangements: text(5000).describe('Detained-goods arrangements (R13)'),
  holdingPlan: text(5000).describe('Holding plan after the operation (R12)'),
  problems: z
    .array(z.int().positive())
    .max(20)
    .describe('§3.4: ids of the hard problems the operation targets (reported or open ones of the brigade)'),
};

/** POST /operations: a draft needs its kind, lead squad and title; the rest may come later (checked at FILE). */
export const createOperationSchema = z
  .strictObject(planFields)
  .partial()
  .required({ kind: true, leadSquad: true, title: true })
  .describe('A new plan (draft)');

/** PATCH /operations/:id and EDIT_PLAN: any plan fields, with the version read. */
export const planPatchSchema = z.strictObject(planFields).partial().omit({ leadSquad: true });

const versioned = { expectedVersion: z.int().min(1).describe('The version you read; a stale one is refused with 409') };

const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S, description: string) =>
  z.strictObject({ type: z.literal(type), ...versioned, ...shape }).describe(description);

export const eventSchemas = {
  EDIT_PLAN: ev('EDIT_PLAN', { plan: planPatchSchema }, 'Edit the draft plan (lead squad leader)'),
  FILE: ev('FILE', {}, 'File the plan with the Duty Command Section (lead squad leader; plan complete and valid)'),
  DESIGNATE_COMMANDER: ev(
    'DESIGNATE_COMMANDER',
    { commander: requiredText(64).describe('Username') },
    'R4: the brigade designates the commander (commander role)',
  ),
  APPROVE: ev('APPROVE', { note: text(2000).optional() }, 'Approve the filed plan (duty officer or commander)'),
  RETURN: ev('RETURN', { reason }, 'Return the plan for revision, with a reason (duty officer or commander)'),
  CANCEL: ev('CANCEL', { reason }, 'Cancel, with a reason (lead squad leader in draft; a manager after filing)'),
  START: ev(
    'START',
    {
      actualStart: instant.optional().describe('Default now; never before the approval, never in the future'),
      lateReason: text(2000)
        .optional()
        .describe(
          'Required when the start is recorded more than `operations.lateEntryHours` (12) after it happened: a late entry, marked on the operation and counted in the figures',
        ),
      earlyReason: text(2000)
        .optional()
        .describe('Required when the start is more than `operations.earlyStartHours` (3) before the planned start'),
    },
    'Start the operation (its commander)',
  ),
  LOG_INCIDENT: ev(
    'LOG_INCIDENT',
    {
      incidentType: z.enum(INCIDENT_TYPES),
      severity: z.enum(INCIDENT_SEVERITIES),
      occurredAt: instant.optional(),
      injuries: count.default(0),
      description: requiredText(5000),
      response: requiredText(5000),
      informed: text(300).optional().describe('Who was informed'),
      files: evidenceFiles.optional(),
    },
    'R11: record an incident during the operation',
  ),
  COMPLETE: ev(
    'COMPLETE',
    {
      actualEnd: instant.optional().describe('Default now; never in the future'),
      results: z
        .array(
          z.strictObject({
            squad: code,
            officers: count,
            vehicles: count,
            educated: count,
            handled: count,
            goodsDetained: count
              .optional()
              .describe(
                'R13: items the squad detained; taken from the goods ledger when left out, refused (422) when it differs from it',
              ),
          }),
        )
        .min(1)
        .max(30)
        .describe('Results per squad taking part (one line each)'),
      shortReason: text(2000).optional().describe('Required when the operation lasted under 4 hours (R6)'),
      summary: text(5000).optional(),
      files: evidenceFiles.optional().describe('Evidence of the results (photos, PDFs): ids from `POST /files`'),
    },
    'Complete the operation with results (its commander); holding begins',
  ),
  LOG_HOLDING_CHECK: ev(
    'LOG_HOLDING_CHECK',
    {
      date: calendarDate.describe('The day observed (YYYY-MM-DD, brigade time)'),
      officersOnPost: count,
      reboundObserved: z.boolean(),
      notes: text(5000).optional(),
      reboundProblem: z
        .int()
        .positive()
        .optional()
        .describe(
          '§3.4: a resolved hard problem the operation targeted or resolved, reported as come back (its REBOUND, origin `holding`) in the same step; needs `reboundObserved`',
        ),
      files: evidenceFiles.optional().describe('Photos of the site held (ids from `POST /files`)'),
    },
    'R12: the host squad logs a day of holding (one entry a day: a second check of the day amends it)',
  ),
  SPOT_CHECK: ev(
    'SPOT_CHECK',
    { findings: requiredText(5000), reboundObserved: z.boolean(), files: evidenceFiles.optional() },
    'R14: an inspector spot-checks holding',
  ),
  HOLDING_ELAPSED: ev('HOLDING_ELAPSED', {}, 'The holding period is over (system only)'),
  AUDIT_PASS: ev(
    'AUDIT_PASS',
    {
      findings: requiredText(5000),
      coverageReason: text(2000)
        .optional()
        .describe(
          'R12: required when fewer than `holding.minCoverage` (80 %) of the holding days were checked (see `coverage` on the operation)',
        ),
      files: evidenceFiles.optional(),
    },
    'R14: the inspector passes the holding audit',
  ),
  AUDIT_FAIL: ev(
    'AUDIT_FAIL',
    {
      findings: requiredText(5000),
      rectification: requiredText(5000),
      holdingDays: z.int().min(1).max(365).optional().describe('Days of renewed holding; default the plan’s'),
      files: evidenceFiles.optional(),
    },
    'R14: the inspector fails the audit; holding restarts with the rectification asked for',
  ),
} as const;

export const eventSchema = z.discriminatedUnion(
  'type',
  Object.values(eventSchemas) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export const listOperationsQuery = z.strictObject({
  state: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(OPERATION_STATES)))
    .optional()
    .describe('One state or several, comma-separated'),
  group: code.optional(),
  squad: code.optional(),
  kind: z.enum(OPERATION_KINDS).optional(),
  source: z.enum(PROBLEM_SOURCES).optional().describe('R7: where the problem came from'),
  from: dateOrDateTime.optional().describe('Planned start on or after (a date is midnight, brigade time)'),
  to: dateOrDateTime.optional().describe('Planned start before'),
  q: freeText(100)
    .optional()
    .describe(
      'The brigade’s number of a plan as people write it (〔2026〕第12号, 2026-12, 12/2026), or words of its title or location',
    ),
  cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size, default 50'),
});
