import { z } from 'zod';
import { month, requiredText, yearNumber, yearOrMonth } from './common.schema';

export const FLAG_STATUSES = ['open', 'resolved', 'resolved_by_data'] as const;
export const FLAG_KINDS = [
  'monthly_minimum',
  'early_warning',
  'audit_overdue',
  'time_limit',
  'plan_missing',
  'meeting_missing',
  'hq_meeting_missing',
  'goods_near_limit',
  'goods_past_limit',
] as const;

export const listFlagsQuery = z.strictObject({
  period: yearOrMonth.optional().describe('YYYY or YYYY-MM: flags of that year or month'),
  group: z.string().min(1).max(40).optional().describe('Group code'),
  status: z.enum(FLAG_STATUSES).optional(),
  kind: z.enum(FLAG_KINDS).optional(),
  rule: z.string().max(10).optional().describe('R6, R14, §3.5 …'),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const resolveFlagBody = z.strictObject({ note: requiredText(2000).describe('Why the flag is settled') });

export const complianceQuery = z.strictObject({ year: yearNumber.describe('The year, e.g. 2026') });

export const runJobBody = z.strictObject({
  period: month.optional().describe('YYYY-MM: the month to look at (jobs that work per month)'),
});
