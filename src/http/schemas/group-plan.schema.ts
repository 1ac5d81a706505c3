import { z } from 'zod';
import { calendarDate, freeText, month, requiredText, yearText } from './common.schema';
import { GROUP_PLAN_STATES } from '../../../workflows/group-plan';
import { PROBLEM_SOURCES } from '../../../workflows/operation';

/** Request schemas of the monthly group plan API (R5): the server validates with these and the OpenAPI document is generated from them. */

const code = z.string().trim().min(1).max(40).describe('A squad or group code, e.g. `waitan`, `north`.');
export const monthField = month;
const text = (max: number) => freeText(max);

const plannedOperation = z
  .strictObject({
    date: calendarDate.describe('A day of the plan’s month (YYYY-MM-DD, brigade time)'),
    title: requiredText(200).describe('What is to be rectified'),
    leadSquad: code
      .nullable()
      .optional()
      .describe('The member squad that will lead it and draft its plan (R6); required to file'),
    location: text(300).optional(),
    problemSource: z.enum(PROBLEM_SOURCES).nullable().optional().describe('R7: where the problem came from'),
    operation: z
      .int()
      .min(1)
      .nullable()
      .optional()
      .describe('The id of the joint operation this line became (an operation of the group)'),
  })
  .describe('A planned joint operation (R6)');

const contentFields = {
  targets: z
    .array(requiredText(500))
    .max(30)
    .describe('The month’s targets (目标任务), one each; at least one to file'),
  operations: z
    .array(plannedOperation)
    .max(31)
    .describe('The schedule (推进计划): at least the monthly minimum of joint operations to file (R6)'),
  notes: text(5000).describe('Other arrangements'),
};

/** POST /group-plans: a group and a month; the rest may come later (checked at FILE). */
export const createGroupPlanSchema = z
  .strictObject({ group: code.describe('The linkage group'), month: monthField, ...contentFields })
  .partial({ targets: true, operations: true, notes: true })
  .describe('A new monthly plan (draft) of a linkage group (R5)');

/** PATCH /group-plans/:id and EDIT_PLAN: any content fields. */
export const groupPlanPatchSchema = z.strictObject(contentFields).partial();

const versioned = { expectedVersion: z.int().min(1).describe('The version you read; a stale one is refused with 409') };
const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S, description: string) =>
  z.strictObject({ type: z.literal(type), ...versioned, ...shape }).describe(description);

export const groupPlanEventSchemas = {
  EDIT_PLAN: ev('EDIT_PLAN', { plan: groupPlanPatchSchema }, 'Edit the draft (a squad leader of the group)'),
  FILE: ev(
    'FILE',
    {},
    'File the plan with the Duty Command Section (a squad leader of the group; targets and at least the monthly minimum of operations)',
  ),
  RETURN: ev(
    'RETURN',
    { reason: requiredText(2000) },
    'Return the filed plan for revision, with a reason (duty officer or commander)',
  ),
} as const;

export const groupPlanEventSchema = z.discriminatedUnion(
  'type',
  Object.values(groupPlanEventSchemas) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export const listGroupPlansQuery = z.strictObject({
  group: code.optional(),
  month: monthField.optional(),
  year: yearText.optional().describe('`YYYY`: the plans of a year'),
  state: z.enum(GROUP_PLAN_STATES).optional(),
});
