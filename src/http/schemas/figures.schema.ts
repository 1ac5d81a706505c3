import { z } from 'zod';
import { figurePeriodText, month, yearText } from './common.schema';

/** Which period and whose figures: `period` (YYYY, YYYY-Qn or YYYY-MM) or `from` and `to` (months, inclusive); the brigade, a `group` or a `squad`. */
export const figuresQuery = z
  .strictObject({
    period: figurePeriodText.optional().describe('YYYY, YYYY-Qn or YYYY-MM'),
    from: month.optional().describe('First month (YYYY-MM), with `to`'),
    to: month.optional().describe('Last month (YYYY-MM), inclusive'),
    group: z.string().min(1).max(40).optional().describe('A group code'),
    squad: z.string().min(1).max(40).optional().describe('A squad code'),
    format: z.enum(['json', 'csv', 'xlsx']).optional().describe('json (default), csv or xlsx'),
  })
  .refine((q) => Boolean(q.period) !== Boolean(q.from || q.to), {
    message: 'give period, or from and to',
    path: ['period'],
  })
  .refine((q) => !(q.group && q.squad), { message: 'give group or squad, not both', path: ['group'] });

export const drillQuery = z
  .strictObject({
    period: figurePeriodText.optional(),
    from: month.optional(),
    to: month.optional(),
    group: z.string().min(1).max(40).optional(),
    squad: z.string().min(1).max(40).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    format: z.enum(['json', 'csv', 'xlsx']).optional(),
  })
  .refine((q) => Boolean(q.period) !== Boolean(q.from || q.to), {
    message: 'give period, or from and to',
    path: ['period'],
  });

/** GET /api/v1/figures/assessment */
export const assessmentQuery = z.strictObject({
  year: yearText.describe('The year assessed (YYYY)'),
});
