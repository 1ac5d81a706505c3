import { z } from 'zod';
import {
  INCIDENT_SEVERITIES,
  INCIDENT_TYPES,
  OPERATION_EVENT_TYPES,
  OPERATION_KINDS,
  OPERATION_STATES,
  PROBLEM_SOURCES,
} from '../../../../workflows/operation';
import {
  choice,
  cursorPage,
  day,
  id,
  instant,
  instantOrNull,
  light,
  person,
  recordNumber,
  stepAnswer,
} from './common.response';
import { attachedFiles } from './file.response';

/** What the operation presenter answers (src/http/presenters/operation.presenter.ts). */

const operationState = z.enum(OPERATION_STATES);
const operationEvent = choice(OPERATION_EVENT_TYPES);
const squadCode = z.string().nullable().describe('Squad code');

/** The fields an operation shows in a list and in full alike. */
const operationCore = {
  id,
  number: recordNumber
    .nullable()
    .describe(
      'The brigade’s number for the plan, consecutive per brigade and year, given at its first filing (〔year〕第 seq 号); null for a draft never filed',
    ),
  state: operationState,
  kind: z.enum(OPERATION_KINDS),
  title: z.string(),
  group: z.string().nullable().describe('Linkage group code'),
  leadSquad: squadCode,
  hostSquad: squadCode,
  problemSource: z.enum(PROBLEM_SOURCES).nullable(),
  location: z.string(),
  plannedStart: instantOrNull,
  plannedHours: z.number().nullable(),
  actualStart: instantOrNull,
  actualEnd: instantOrNull,
  actualHours: z.number().nullable(),
  lateEntryHours: z
    .number()
    .nullable()
    .describe(
      'R6: a late entry — the start was recorded this many hours after it happened (more than `operations.lateEntryHours`); `lateReason` says why',
    ),
  countsTowardMinimum: z
    .boolean()
    .nullable()
    .describe('R6: set on completion; false when under the minimum hours or not a counting kind'),
  holdingDeadline: instantOrNull,
  updatedAt: instant,
};

/** An operation in a list: its columns and the open time limit of its state. */
export const operationListItem = z
  .strictObject({
    ...operationCore,
    timeLimit: z
      .strictObject({ kind: z.string(), dueAt: instant, light })
      .nullable()
      .describe('§3.5: the open time limit of its state, as a light'),
  })
  .describe('An operation as lists show it (GET /api/v1/operations): fewer fields than the operation itself');

export const operationPage = cursorPage(operationListItem);

const incident = z.strictObject({
  id,
  incidentType: z.enum(INCIDENT_TYPES),
  severity: z.enum(INCIDENT_SEVERITIES),
  occurredAt: instant,
  injuries: z.int(),
  description: z.string(),
  response: z.string(),
  informed: z.string(),
  reportedBy: person.nullable(),
});

const holdingRecord = z.strictObject({
  kind: z.string(),
  round: z.int(),
  date: day.nullable(),
  officersOnPost: z.int().nullable(),
  reboundObserved: z.boolean().nullable(),
  notes: z.string(),
  rectification: z.string().nullable(),
  by: person.nullable(),
  at: instant,
  amendments: z.int().describe('A holding check amended by a later check of the same day (each is in the history)'),
});

const coverage = z
  .strictObject({
    holdingDays: z.int().describe('Calendar days the holding period touches'),
    daysChecked: z.int().describe('Days with a holding check (a second check of a day amends it)'),
    share: z.number().describe('daysChecked ÷ holdingDays; a pass under `holding.minCoverage` needs `coverageReason`'),
    days: z.array(day),
    missedDays: z.array(day),
    spotChecks: z.int(),
    rebounds: z.int().describe('Checks and spot checks that saw the violations back'),
  })
  .nullable()
  .describe('R12: what the audit sees of the current (or last) round of holding; days missed are counted up to today');

const timeLimit = z.strictObject({
  kind: z.string(),
  state: z.string(),
  startsAt: instant,
  dueAt: instant,
  closedAt: instantOrNull,
  outcome: z.string().nullable(),
  light: light.nullable().describe('§3.5: the clock of a limit still running, as a light (null once closed)'),
});

const resultLine = z.strictObject({
  squad: squadCode,
  officers: z.int().nullable(),
  vehicles: z.int().nullable(),
  educated: z.int().nullable(),
  handled: z.int().nullable(),
  goodsDetained: z.int().nullable(),
});

/** The plan as the operation shows it (SPEC §3.1). */
const plan = {
  squads: z.array(squadCode),
  holdingDays: z.int(),
  forces: z.array(z.strictObject({ squad: squadCode, officers: z.int(), vehicles: z.int() })),
  situation: z.string(),
  mission: z.string(),
  execution: z.string(),
  command: z.string(),
  contingency: z.string(),
  goodsArrangements: z.string(),
  holdingPlan: z.string(),
  problems: z.array(id).describe('§3.4: the hard problems the plan targets'),
  resolvedProblems: z.array(id).describe('§3.4: the hard problems this operation resolved, named by its plan or not'),
};

/** Who did what, and when. */
const people = {
  commanders: z
    .array(person)
    .describe('R4: who commands it now: the designated commander, or the host squad’s leaders'),
  designatedCommander: person.nullable(),
  createdBy: person.nullable(),
  filedBy: person.nullable(),
  filedAt: instantOrNull,
  approvedBy: person.nullable(),
  approvedAt: instantOrNull,
  returnCount: z.int(),
  lastReturnReason: z.string().nullable(),
  cancelReason: z.string().nullable(),
};

/** How it ran: the start, the results, incidents, holding and its audit. */
const execution = {
  lateReason: z.string().nullable(),
  earlyReason: z
    .string()
    .nullable()
    .describe('Why it began more than `operations.earlyStartHours` before its planned start'),
  shortReason: z.string().nullable(),
  results: z.array(resultLine).describe('Each squad’s results (empty until completed)'),
  incidents: z.array(incident),
  holdingRound: z.int(),
  holdingStartedAt: instantOrNull,
  holdingRecords: z.array(holdingRecord),
  coverage,
  coverageReason: z
    .string()
    .nullable()
    .describe('Why the last audit passed a holding checked on fewer days than the brigade asks'),
  timeLimits: z.array(timeLimit),
  createdAt: instant,
};

export const operationDetail = z
  .strictObject({
    ...operationCore,
    version: z.int().min(1),
    allowedEvents: z.array(operationEvent).describe('The events the caller may send now'),
    ...plan,
    ...people,
    ...execution,
    files: attachedFiles.describe('Issue 13: evidence files attached by its steps, in the order attached'),
  })
  .describe('A joint operation: its plan, state, version, what the caller may send now, results and holding');

export const operationStepAnswer = stepAnswer(OPERATION_STATES, OPERATION_EVENT_TYPES);

/** R11: an incident across operations (GET /api/v1/incidents). */
export const incidentListItem = z.strictObject({
  id,
  operation: z.strictObject({ id, title: z.string(), state: operationState, group: z.string().nullable() }),
  incidentType: z.enum(INCIDENT_TYPES),
  severity: z.enum(INCIDENT_SEVERITIES),
  occurredAt: instant,
  injuries: z.int(),
  description: z.string(),
  response: z.string(),
  informed: z.string(),
  reportedBy: z.string().nullable().describe('Username'),
});
export const incidentPage = cursorPage(incidentListItem);
