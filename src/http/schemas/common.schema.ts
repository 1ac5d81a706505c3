import { z } from 'zod';
import { defaults } from '../../../config/default';

/**
 * Field types every request schema shares (issue 11): dates and times that
 * exist on the calendar and lie within the configured years. A refusal names
 * the field with a problem code the dictionaries put in words
 * (`not_a_datetime`, `year_out_of_range:2000–2100` …).
 */

/** The years a date may lie in (`validation.minYear` … `validation.maxYear`); set from the config when the app is built. */
const years = { min: defaults.validation.minYear, max: defaults.validation.maxYear };

/** Takes the configured years (buildApp; one app per process reads one config). */
export function useInputYears(range: { minYear: number; maxYear: number }): void {
  years.min = range.minYear;
  years.max = range.maxYear;
}

/** The years dates are taken in, e.g. for a form to say so. */
export function inputYears(): { min: number; max: number } {
  return { ...years };
}

type Ctx<T> = { value: T; issues: z.core.$ZodRawIssue[] };

const outOfRange = (year: number) => year < years.min || year > years.max;
const rangeIssue = <T>(ctx: Ctx<T>) => ctx.issues.push({ code: 'custom', message: `year_out_of_range:${years.min}–${years.max}`, input: ctx.value });

/** The year a `YYYY…` string begins with is within the range (a string that does not begin with one is left to its format check). */
function yearOfText(ctx: Ctx<string>): void {
  const m = /^(\d{4})(?:-|$)/.exec(ctx.value);
  if (m && outOfRange(Number(m[1]))) rangeIssue(ctx);
}

/** ISO 8601 date-time with an offset (`2026-11-28T09:00:00+08:00` or `…Z`) that exists on the calendar, its year within the range. */
export const dateTime = z.iso
  .datetime({ offset: true, error: 'not_a_datetime' })
  .check(yearOfText)
  .describe('ISO 8601 date-time with offset, e.g. 2026-11-28T09:00:00+08:00 (a real calendar date, year within validation.minYear–maxYear)');

/** A calendar day, `YYYY-MM-DD`, that exists (no 2026-02-30), its year within the range. */
export const calendarDate = z.iso.date({ error: 'not_a_date' }).check(yearOfText).describe('A day, YYYY-MM-DD (a real calendar date, year within validation.minYear–maxYear)');

/** A day (midnight, brigade time) or a date-time: the bounds of list filters. */
export const dateOrDateTime = z.union([calendarDate, dateTime]);

/** A month, `YYYY-MM`, its year within the range. */
export const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'invalid_month')
  .check(yearOfText)
  .describe('A month, `YYYY-MM`');

/** A year, `YYYY`, within the range. */
export const yearText = z.string().regex(/^\d{4}$/, 'invalid_year').check(yearOfText);

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
