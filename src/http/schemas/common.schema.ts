import { z } from 'zod';
import { defaults } from '../../../config/default';

/**
 * Field types every request schema shares (issue 11): dates and times that
 * exist on the calendar and lie within the configured years, and text that can
 * be stored and read back. A refusal names the field with a problem code the
 * dictionaries put in words (`not_a_datetime`, `year_out_of_range:2000–2100`,
 * `unstorable_text`, `required` …).
 */

/** The years a date may lie in (`validation.minYear` … `validation.maxYear`); set from the config when the app is built. */
const years = { min: defaults.validation.minYear, max: defaults.validation.maxYear };

/** Takes the configured years (buildApp; one app per process reads one config). */
export function useInputYears(range: { minYear: number; maxYear: number }): void {
  years.min = range.minYear;
  years.max = range.maxYear;
}

type Ctx<T> = { value: T; issues: z.core.$ZodRawIssue[] };

const outOfRange = (year: number) => year < years.min || year > years.max;
const rangeIssue = <T>(ctx: Ctx<T>) =>
  ctx.issues.push({ code: 'custom', message: `year_out_of_range:${years.min}–${years.max}`, input: ctx.value });

/** The year a `YYYY…` string begins with is within the range (a string that does not begin with one is left to its format check). */
function yearOfText(ctx: Ctx<string>): void {
  const m = /^(\d{4})(?:-|$)/.exec(ctx.value);
  if (m && outOfRange(Number(m[1]))) rangeIssue(ctx);
}

/** ISO 8601 date-time with an offset (`2026-11-28T09:00:00+08:00` or `…Z`) that exists on the calendar, its year within the range. */
export const dateTime = z.iso
  .datetime({ offset: true, error: 'not_a_datetime' })
  .check(yearOfText)
  .describe(
    'ISO 8601 date-time with offset, e.g. 2026-11-28T09:00:00+08:00 (a real calendar date, year within validation.minYear–maxYear)',
  );

/** A calendar day, `YYYY-MM-DD`, that exists (no 2026-02-30), its year within the range. */
export const calendarDate = z.iso
  .date({ error: 'not_a_date' })
  .check(yearOfText)
  .describe('A day, YYYY-MM-DD (a real calendar date, year within validation.minYear–maxYear)');

/** A day (midnight, brigade time) or a date-time: the bounds of list filters. */
export const dateOrDateTime = z.union([calendarDate, dateTime]);

/** A month, `YYYY-MM`, its year within the range. */
export const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'invalid_month')
  .check(yearOfText)
  .describe('A month, `YYYY-MM`');

/** A year, `YYYY`, within the range. */
export const yearText = z
  .string()
  .regex(/^\d{4}$/, 'invalid_year')
  .check(yearOfText);

/** A year as a number (query strings coerced), within the range. */
export const yearNumber = z.coerce
  .number()
  .int()
  .check((ctx: Ctx<number>) => {
    if (outOfRange(ctx.value)) rangeIssue(ctx);
  });

/** A figures period: `YYYY`, `YYYY-Qn` or `YYYY-MM`, its year within the range. */
export const figurePeriodText = z
  .string()
  .regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, 'invalid_figure_period')
  .check(yearOfText);

/** `YYYY` or `YYYY-MM`, its year within the range. */
export const yearOrMonth = z
  .string()
  .regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'invalid_year_or_month')
  .check(yearOfText);

/** A group's month `YYYY-MM` or the HQ's half-year `YYYY-H1`/`YYYY-H2`, its year within the range. */
export const meetingPeriod = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2]|H[12])$/, 'invalid_period')
  .check(yearOfText);

/**
 * Characters text must not hold (issue 11): C0 controls other than tab, line
 * feed and carriage return (NUL among them; XML 1.0 cannot hold them either),
 * DEL, and surrogates without their pair (MariaDB refuses them, SQLite stores
 * what nothing can read back).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE = new RegExp(`[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]|${LONE_SURROGATE.source}`);

/** What shows nothing: white space, zero-width and other default-ignorable characters, controls and format characters. */
const INVISIBLE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}]/gu;

/** Does `s` hold a surrogate without its pair? (Anywhere in a JSON body: a 400, never a database error.) */
export const hasLoneSurrogate = (s: string): boolean => LONE_SURROGATE.test(s);

/** `s` with each lone surrogate replaced by U+FFFD, so it can be written back (in an error naming where it was). */
export const wellFormed = (s: string): string => s.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');

function storable(ctx: Ctx<string>): void {
  if (UNSTORABLE.test(ctx.value)) ctx.issues.push({ code: 'custom', message: 'unstorable_text', input: ctx.value });
}

function visible(ctx: Ctx<string>): void {
  // Only a check when there is something (an empty string is `required` already, by the length).
  if (ctx.value !== '' && ctx.value.replace(INVISIBLE, '') === '')
    ctx.issues.push({ code: 'custom', message: 'required', input: ctx.value });
}

/** Text that may be empty (optional sections, notes): as typed, or trimmed; never holding NUL, other controls or lone surrogates. */
export const freeText = (max: number, opts: { trim?: boolean } = {}) =>
  (opts.trim ? z.string().trim() : z.string()).max(max).check(storable);

/**
 * Text that must say something (titles, reasons, findings): trimmed, and not
 * empty once white space and zero-width characters are taken out (a title of
 * U+200B only is `required`); never holding NUL, other controls or lone surrogates.
 */
export const requiredText = (max: number) => z.string().trim().min(1).max(max).check(storable, visible);

/**
 * Issue 13: evidence files a step carries — ids of files uploaded with `POST /api/v1/files`
 * (the sender's own, or files they may already read). An unknown or foreign id is refused with 422 naming `files`.
 */
export const evidenceFiles = z
  .array(z.uuid())
  .max(20)
  .describe(
    'Evidence files (photos, PDFs): ids returned by `POST /files`. Each must be a file you uploaded or may read; otherwise 422 naming `files`, and nothing is written.',
  );
