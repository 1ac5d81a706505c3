import { localDateOf, zonedInstant } from '../../time';

/** Calendar months in a brigade's time zone (`YYYY-MM`): a month's operations are those that began in it. */

export function monthOf(instant: Date, timeZone: string): string {
  return localDateOf(instant, timeZone).slice(0, 7);
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The instants a month starts and ends (exclusive) in `timeZone`. */
export function monthBounds(month: string, timeZone: string): { start: Date; end: Date } {
  return { start: zonedInstant(`${month}-01`, timeZone), end: zonedInstant(`${addMonths(month, 1)}-01`, timeZone) };
}

/** The months of a year, `YYYY-01` … `YYYY-12`. */
export function monthsOf(year: number): string[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

/** The day of the month (1–31) of an instant in `timeZone`. */
export function dayOfMonth(instant: Date, timeZone: string): number {
  return Number(localDateOf(instant, timeZone).slice(8, 10));
}
