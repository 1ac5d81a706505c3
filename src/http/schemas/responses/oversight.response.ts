import { z } from 'zod';
import { OPERATION_KINDS, OPERATION_STATES } from '../../../../workflows/operation';
import { MONTH_STATUSES } from '../../../domain/oversight/month-standing';
import { FLAG_KINDS, FLAG_STATUSES } from '../oversight.schema';
import { freeJson, id, instantOrNull, list } from './common.response';

/** What the oversight answers show: flags (SPEC §4), compliance (R6), jobs (src/http/presenters/flag.presenter.ts, the oversight routes). */

/**
 * Every kind of flag the jobs raise: the list filter's kinds (oversight.schema.ts) and the
 * goods-limits job's (src/jobs/goods-limits.job.ts), which that filter does not take.
 */
/** The kinds a flag is raised with: every kind the list filters by (the goods limits' too). */
export const RAISED_FLAG_KINDS = FLAG_KINDS;

export const flag = z
  .strictObject({
    id,
    rule: z.string().describe('R6, R14, §3.5 …'),
    kind: z.enum(RAISED_FLAG_KINDS),
    period: z.string(),
    group: z.string().nullable(),
    squad: z.string().nullable(),
    record: z
      .strictObject({ type: z.string(), id: id.nullable() })
      .nullable()
      .describe('The record it is about, if one'),
    status: z.enum(FLAG_STATUSES),
    summary: z.string().describe('One sentence in your language, with the figures behind it'),
    figures: freeJson.nullable().describe('The figures behind it, as the job found them'),
    raisedAt: instantOrNull,
    lastCheckedAt: instantOrNull,
    resolvedAt: instantOrNull,
    resolvedBy: z.string().nullable().describe('Username'),
    resolutionNote: z.string().nullable(),
  })
  .describe('A flag (SPEC §4): rule, group / squad / record, period, figures, status');
export const flagList = list(flag);

const monthStatus = z.enum(MONTH_STATUSES);
const cellFlag = z.strictObject({ id, kind: z.string(), status: z.string() });

export const compliance = z
  .strictObject({
    year: z.int(),
    minimum: z.int(),
    since: z.string().describe('YYYY-MM: the month the brigade began using Liandong'),
    months: z.array(z.string()),
    groups: z.array(
      z.strictObject({
        group: z.string(),
        met: z.int(),
        judged: z.int().describe('Months met or missed (open, future and before-since months are not judged)'),
        months: z.array(
          z.strictObject({
            month: z.string(),
            qualifying: z.int(),
            notCounting: z.int(),
            status: monthStatus,
            flags: z.array(cellFlag),
          }),
        ),
      }),
    ),
  })
  .describe(
    'R6 compliance: groups × months; `status` is `met` / `missed` (a month over), `open` (under way), `future`, or `before` (before the brigade’s `since`: never judged)',
  );

const countedOperation = {
  id,
  title: z.string(),
  kind: z.enum(OPERATION_KINDS),
  state: z.enum(OPERATION_STATES),
  actualStart: instantOrNull,
  actualHours: z.number().nullable(),
};

export const complianceMonth = z
  .strictObject({
    group: z.string(),
    month: z.string(),
    minimum: z.int(),
    since: z.string(),
    qualifying: z.int(),
    status: monthStatus,
    met: z.boolean(),
    counted: z.array(z.strictObject(countedOperation)),
    notCounted: z.array(z.strictObject({ ...countedOperation, reason: z.string() })),
    flags: z.array(flag),
  })
  .describe('One group’s month: the operations that count toward R6 and those that do not, and why');

const run = {
  id,
  job: z.string(),
  period: z.string().nullable(),
  status: z.string().describe('ok, failed or running'),
  found: z.int(),
  did: z.int(),
  error: z.string().nullable(),
  summary: z.unknown().describe('What the run found and did, as the job tells it'),
};

export const jobList = z
  .strictObject({
    items: z.array(z.strictObject({ name: z.string(), rule: z.string(), schedule: z.string().nullable() })),
    runs: z.array(
      z.strictObject({
        ...run,
        via: z.string(),
        instance: z.string(),
        attempt: z.int(),
        startedAt: instantOrNull,
        finishedAt: instantOrNull,
      }),
    ),
  })
  .describe('The oversight jobs, their schedules, and your brigade’s part of their latest runs');

export const jobRun = z.strictObject(run).describe('A run by hand: status ok or failed, what it found and did');
