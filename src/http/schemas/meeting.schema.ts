import { z } from 'zod';
import { dateTime, freeText, meetingPeriod, requiredText, yearText } from './common.schema';
import { MEETING_KINDS, MEETING_STATES } from '../../../workflows/meeting';

/** Request schemas of the meetings API (R9): the server validates with these and the OpenAPI document is generated from them. */

const code = z.string().trim().min(1).max(40).describe('A squad or group code, e.g. `waitan`, `north`.');
const instant = dateTime;
const text = (max: number) => freeText(max);

const arrangementFields = {
  plannedStart: instant.describe('When it is to be held'),
  place: text(300),
  agenda: requiredText(5000).describe('R9: the linkage content the convener sets'),
  convenerSquad: code
    .nullable()
    .describe('R9: default the squad the rotation names; another member squad needs `convenerReason`'),
  convenerReason: text(2000).nullable().describe('Why another squad convenes than the rotation’s'),
};

/** POST /meetings: a group's work meeting or the HQ's summary meeting, arranged. */
export const createMeetingSchema = z
  .strictObject({
    kind: z
      .enum(MEETING_KINDS)
      .describe('group (a linkage group’s monthly work meeting) or hq_summary (the HQ’s half-yearly summary)'),
    group: code.nullable().describe('The linkage group, for a group meeting'),
    ...arrangementFields,
  })
  .partial({ group: true, place: true, convenerSquad: true, convenerReason: true })
  .describe('A meeting to hold (R9)');

/** PATCH /meetings/:id and EDIT_MEETING: any arrangements. */
export const meetingPatchSchema = z.strictObject(arrangementFields).partial();

const versioned = { expectedVersion: z.int().min(1).describe('The version you read; a stale one is refused with 409') };
const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S, description: string) =>
  z.strictObject({ type: z.literal(type), ...versioned, ...shape }).describe(description);

export const meetingEventSchemas = {
  EDIT_MEETING: ev(
    'EDIT_MEETING',
    { meeting: meetingPatchSchema },
    'Change the arrangements (a squad leader of the group; a manager for the HQ’s)',
  ),
  RECORD: ev(
    'RECORD',
    {
      heldAt: instant.optional().describe('Default now; never in the future'),
      attendeeSquads: z.array(code).max(40).describe('Squads represented (a group meeting: at least one of the group)'),
      attendees: z.array(requiredText(100)).max(100).optional().describe('People present, as written'),
      minutes: requiredText(20000),
      decisions: z.array(requiredText(1000)).max(50).optional().describe('Decisions, one each'),
    },
    'Record the meeting as held: attendees, minutes, decisions',
  ),
  CANCEL: ev('CANCEL', { reason: requiredText(2000) }, 'Call the meeting off, with a reason'),
} as const;

export const meetingEventSchema = z.discriminatedUnion(
  'type',
  Object.values(meetingEventSchemas) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export const listMeetingsQuery = z.strictObject({
  kind: z.enum(MEETING_KINDS).optional(),
  group: code.optional(),
  period: meetingPeriod.optional().describe('`YYYY-MM` (a group’s month) or `YYYY-H1`/`YYYY-H2` (the HQ’s half-year)'),
  year: yearText.optional(),
  state: z.enum(MEETING_STATES).optional(),
});

export const rotationQuery = z.strictObject({ group: code.describe('The linkage group') });
