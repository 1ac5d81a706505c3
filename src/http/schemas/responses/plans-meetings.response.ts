import { z } from 'zod';
import { GROUP_PLAN_EVENT_TYPES, GROUP_PLAN_STATES } from '../../../../workflows/group-plan';
import { MEETING_EVENT_TYPES, MEETING_KINDS, MEETING_STATES } from '../../../../workflows/meeting';
import { OPERATION_KINDS, OPERATION_STATES, PROBLEM_SOURCES } from '../../../../workflows/operation';
import { choice, id, instant, instantOrNull, list, person, stepAnswer } from './common.response';

/** What the plans-and-meetings presenter answers: monthly group plans (R5) and meetings (R9) (src/http/presenters/plans-meetings.presenter.ts). */

const squadCode = z.string().nullable().describe('Squad code');
const month = z
  .string()
  .regex(/^\d{4}-\d{2}$/)
  .describe('YYYY-MM');

export const groupPlanListItem = z
  .strictObject({
    id,
    group: z.string().nullable(),
    month,
    state: z.enum(GROUP_PLAN_STATES),
    targets: z.int().describe('How many targets the plan sets (the plan itself lists them)'),
    plannedOperations: z.int(),
    filedAt: instantOrNull,
    filedLate: z.boolean().nullable().describe('R5: first filed after the month had begun'),
    returnCount: z.int(),
    updatedAt: instant,
  })
  .describe('A monthly plan as lists show it: counts of its targets and planned operations');
export const groupPlanList = list(groupPlanListItem);

export const groupPlanDetail = z
  .strictObject({
    id,
    state: z.enum(GROUP_PLAN_STATES),
    version: z.int().min(1),
    allowedEvents: z.array(choice(GROUP_PLAN_EVENT_TYPES)),
    group: z.string(),
    month,
    dueAt: instantOrNull.describe('R5: when it is due (filed later is late)'),
    targets: z.array(z.string()),
    operations: z.array(
      z.strictObject({
        date: z.string(),
        title: z.string(),
        leadSquad: squadCode,
        location: z.string(),
        problemSource: z.enum(PROBLEM_SOURCES).nullable(),
        operation: id.nullable().describe('The operation drafted for it, once there is one'),
      }),
    ),
    notes: z.string(),
    createdBy: person.nullable(),
    filedBy: person.nullable(),
    filedAt: instantOrNull,
    firstFiledAt: instantOrNull,
    filedLate: z.boolean().nullable().describe('R5: first filed after the month had begun'),
    returnCount: z.int(),
    lastReturnReason: z.string().nullable(),
    returnedBy: person.nullable(),
    monthOperations: z
      .array(
        z.strictObject({
          id,
          title: z.string(),
          state: z.enum(OPERATION_STATES),
          kind: z.enum(OPERATION_KINDS),
          leadSquad: squadCode,
          plannedStart: instantOrNull,
          actualStart: instantOrNull,
          countsTowardMinimum: z.boolean().nullable(),
        }),
      )
      .describe('The group’s operations of the month as they really are, to set against the schedule'),
    createdAt: instant,
    updatedAt: instant,
  })
  .describe(
    'A linkage group’s monthly plan (R5): targets and planned operations, its state, version and what the caller may send now',
  );

export const groupPlanStepAnswer = stepAnswer(GROUP_PLAN_STATES, GROUP_PLAN_EVENT_TYPES);

const period = z.string().describe('`YYYY-MM` for a group meeting, `YYYY-H1`/`YYYY-H2` for the HQ’s');

export const meetingListItem = z
  .strictObject({
    id,
    kind: z.enum(MEETING_KINDS),
    group: z.string().nullable(),
    period,
    state: z.enum(MEETING_STATES),
    convenerSquad: squadCode,
    plannedStart: instant,
    heldAt: instantOrNull,
    updatedAt: instant,
  })
  .describe('A meeting as lists show it');
export const meetingList = list(meetingListItem);

export const meetingDetail = z
  .strictObject({
    id,
    kind: z.enum(MEETING_KINDS),
    state: z.enum(MEETING_STATES),
    version: z.int().min(1),
    allowedEvents: z.array(choice(MEETING_EVENT_TYPES)),
    group: z.string().nullable(),
    period,
    plannedStart: instantOrNull,
    place: z.string(),
    agenda: z.string(),
    convenerSquad: squadCode,
    rotationConvenerSquad: squadCode.describe('R9: the squad the rotation named'),
    convenerReason: z.string().nullable(),
    members: z.array(squadCode),
    heldAt: instantOrNull,
    attendeeSquads: z.array(squadCode),
    attendees: z.array(z.string()),
    minutes: z.string().nullable(),
    decisions: z.array(z.string()),
    recordedBy: person.nullable(),
    recordedAt: instantOrNull,
    cancelReason: z.string().nullable(),
    createdBy: person.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .describe('A meeting (R9): a group’s work meeting or the HQ’s summary meeting, its arrangements and record');

export const meetingStepAnswer = stepAnswer(MEETING_STATES, MEETING_EVENT_TYPES);

export const rotation = z
  .strictObject({
    group: z.string(),
    next: squadCode,
    lastConvenerSquad: squadCode,
    meetingsCounted: z.int(),
    queue: z.array(
      z.strictObject({
        squad: squadCode,
        memberOrder: z.int(),
        waiting: z
          .enum(['convened', 'founding', 'joined'])
          .describe('It waits since it last convened; since before the first meeting; or since it joined'),
        since: z
          .strictObject({ id, period, at: instant, convenerSquad: squadCode })
          .nullable()
          .describe('The meeting it waits since'),
        tiedOnWaiting: z
          .boolean()
          .describe('Waited as long as another squad: member order after the last convener decided'),
      }),
    ),
  })
  .describe('R9: who convenes the group’s next meeting, and the queue behind, each squad with why it stands there');
