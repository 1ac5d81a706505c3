/** Pure time helpers for machines: instants are ISO 8601 strings carried by events. */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export function ms(iso: string): number {
  return Date.parse(iso);
}

export function hoursBetween(fromIso: string, toIso: string): number {
  return (ms(toIso) - ms(fromIso)) / HOUR_MS;
}

export function addDays(iso: string, days: number): string {
  return new Date(ms(iso) + days * DAY_MS).toISOString();
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(iso: string, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(timeZone, format);
  }
  return format.format(new Date(ms(iso)));
}
