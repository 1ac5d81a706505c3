import type { z } from 'zod';
import { ValidationError } from '../errors';

/** Turns zod's issues into our field map: `path.to.field` → `code` (with the detail the dictionaries fill in). */
export function fieldProblems(issues: z.core.$ZodIssue[], opts: { collapseIndexes?: boolean } = {}): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] = 'unrecognized_keys';
      continue;
    }
    const segments = opts.collapseIndexes ? issue.path.filter((p) => typeof p !== 'number') : issue.path;
    const path = segments.join('.') || (issue.code === 'invalid_union' && 'discriminator' in issue ? String(issue.discriminator) : '') || '_';
    if (fields[path]) continue;
    let code: string = issue.code;
    if (issue.code === 'invalid_type' && issue.input === undefined) code = 'required';
    else if (issue.code === 'invalid_type') code = `invalid_type:${issue.expected}`;
    else if (issue.code === 'too_small' && (issue.origin === 'string' || issue.origin === 'array') && Number(issue.minimum) === 1) code = 'required';
    else if (issue.code === 'too_small') code = `too_small:${issue.minimum}`;
    else if (issue.code === 'too_big') code = `too_big:${issue.maximum}`;
    else if (issue.code === 'invalid_value') code = `invalid_value:${issue.values.join('|')}`;
    // A pattern says what it wants by its own problem code (`.regex(re, 'invalid_username')`).
    else if (issue.code === 'invalid_format' && issue.format === 'regex' && /^[a-z_]+$/.test(issue.message)) code = issue.message;
    else if (issue.code === 'invalid_format') code = `invalid_format:${issue.format}`;
    fields[path] = code;
  }
  return fields;
}

/** Validates `data` against `schema` or throws a 400 naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, opts: { collapseIndexes?: boolean } = {}): z.output<S> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const fields = fieldProblems(result.error.issues, opts);
  throw new ValidationError(`Invalid input: ${Object.keys(fields).join(', ')}`, fields);
}
