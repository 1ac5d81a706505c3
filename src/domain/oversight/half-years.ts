import { zonedInstant } from '../../time';
import { addMonths } from './periods';

/** R9: the HQ meets every half year. Half-years are `YYYY-H1` (January–June) and `YYYY-H2`, in a brigade's time zone. */

export const HALF_YEAR = /^\d{4}-H[12]$/;

/** The half-year a month (`YYYY-MM`) falls in. */
export function halfYearOf(month: string): string {
  return `${month.slice(0, 4)}-H${Number(month.slice(5, 7)) <= 6 ? 1 : 2}`;
}

/** The first and last months of a half-year. */
export function halfYearMonths(half: string): { first: string; last: string } {
  const year = half.slice(0, 4);
  return half.endsWith('H1')
    ? { first: `${year}-01`, last: `${year}-06` }
    : { first: `${year}-07`, last: `${year}-12` };
}

/** The instants a half-year starts and ends (exclusive) in `timeZone`. */
export function halfYearBounds(half: string, timeZone: string): { start: Date; end: Date } {
  const { first, last } = halfYearMonths(half);
  return { start: zonedInstant(`${first}-01`, timeZone), end: zonedInstant(`${addMonths(last, 1)}-01`, timeZone) };
}
