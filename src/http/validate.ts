import type { z } from 'zod';
import { ValidationError } from '../errors';

/** Turns zod's issues into our field map: `path.to.field` → `code` (with the detail the dictionaries fill in). */
export function fieldProblems(
  issues: z.core.$ZodIssue[],
  opts: { collapseIndexes?: boolean } = {},
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] = 'unrecognized_keys';
      continue;
    }
    const segments = opts.collapseIndexes ? issue.path.filter((p) => typeof p !== 'number') : issue.path;
    const path =
      segments.join('.') ||
      (issue.code === 'invalid_union' && 'discriminator' in issue ? String(issue.discriminator) : '') ||
      '_';
    if (fields[path]) continue;
    fields[path] = problemCode(issue);
  }
  return fields;
}

/** A problem code a schema gave as its message (`not_a_date`, `year_out_of_range:2000–2100`), rather than zod's own words. */
const OWN_CODE = /^[a-z_]+(:\S+)?$/;

/** One issue as our problem code. */
function problemCode(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') {
    // A value of one branch's shape that fails that branch's own checks (a day in year 0 for a date-or-date-time) says why.
    const fits = issue.errors.find(
      (branch) => branch.length > 0 && !branch.some((i) => i.code === 'invalid_format' || i.code === 'invalid_type'),
    );
    if (fits) return problemCode(fits[0]);
    // Else the first branch's own format problem (`not_a_date`), when every branch has one.
    const formats = issue.errors.map(
      (branch) => branch.find((i) => i.code === 'invalid_format' && OWN_CODE.test(i.message))?.message,
    );
    if (formats.length > 0 && formats[0] && formats.every(Boolean)) return formats[0];
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
  if (issue.code === 'invalid_type') return `invalid_type:${issue.expected}`;
  if (
    issue.code === 'too_small' &&
    (issue.origin === 'string' || issue.origin === 'array') &&
    Number(issue.minimum) === 1
  )
    return 'required';
  if (issue.code === 'too_small') return `too_small:${issue.minimum}`;
  if (issue.code === 'too_big') return `too_big:${issue.maximum}`;
  if (issue.code === 'invalid_value') return `invalid_value:${issue.values.join('|')}`;
  // A format says what it wants by its own problem code (`.regex(re, 'invalid_username')`, `z.iso.date({ error: 'not_a_date' })`).
  if (issue.code === 'invalid_format' && /^[a-z_]+$/.test(issue.message)) return issue.message;
  if (issue.code === 'invalid_format') return `invalid_format:${issue.format}`;
  // A check of our own names its problem in its message (common.schema.ts).
  if (issue.code === 'custom' && OWN_CODE.test(issue.message)) return issue.message;
  return issue.code;
}

/** Validates `data` against `schema` or throws a 400 naming every bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  data: unknown,
  opts: { collapseIndexes?: boolean } = {},
): z.output<S> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const fields = fieldProblems(result.error.issues, opts);
  throw new ValidationError(`Invalid input: ${Object.keys(fields).join(', ')}`, fields);
}
