/** Server-side time helpers: calendar dates in a brigade's time zone. */

const partsFormats = new Map<string, Intl.DateTimeFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Building an Intl formatter costs far more than using one: keep one per zone. */
function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    partsFormats.set(timeZone, f);
  }
  return f;
}

/** Date.UTC for any year (Date.UTC itself reads years 0–99 as 1900–1999). */
function utcOf(y: number, mo: number, d: number, h = 0, mi = 0, sec = 0): number {
  const date = new Date(Date.UTC(2000, 0, 1, h, mi, sec));
  date.setUTCFullYear(y, mo - 1, d);
  return date.getTime();
}

/**
 * Offsets as found for a zone and a day (UTC): the same at the day's first and last second, so the same all
 * day (a zone's offset changes at most twice a year, never there and back within a day). A day with a change
 * in it is not kept: each instant of it is asked of Intl. Asking Intl is about 8 µs (formatToParts), and an
 * operation's page or answer asks it for each of its times (issue 14: 2 % of a create's CPU).
 */
const keptOffsets = new Map<string, number>();
const KEPT_OFFSETS = 20_000;
const DAY_MS = 86_400_000;

/** Offset of `timeZone` from UTC at `instant`, in minutes (Asia/Shanghai: +480). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const t = instant.getTime();
  if (!Number.isFinite(t)) return offsetFromIntl(instant, timeZone);
  const day = Math.floor(t / DAY_MS);
  const key = `${timeZone}\u0000${day}`;
  const kept = keptOffsets.get(key);
  if (kept !== undefined) return kept;
  const first = offsetFromIntl(new Date(day * DAY_MS), timeZone);
  const last = offsetFromIntl(new Date((day + 1) * DAY_MS - 1000), timeZone);
  if (first !== last) return offsetFromIntl(instant, timeZone);
  if (keptOffsets.size >= KEPT_OFFSETS) keptOffsets.clear();
  keptOffsets.set(key, first);
  return first;
}

function offsetFromIntl(instant: Date, timeZone: string): number {
  const parts = partsFormat(timeZone).formatToParts(instant);
  const get = (type: string) => {
    const part = parts.find((p) => p.type === type);
    if (!part) throw new Error(`no ${type} in a date of ${timeZone}`);
    return Number(part.value);
  };
  // Years before 1 come as 1 BC, 2 BC …; years 0–99 must not be read as 1900–1999.
  const era = parts.find((p) => p.type === 'era')?.value;
  const year = era === 'BC' || era === 'B' ? 1 - get('year') : get('year');
  const asUtc = utcOf(year, get('month'), get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/;

/**
 * The parts of a local `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm`, or null when it is
 * not a real calendar date and time (2026-02-30, 2026-13-45T99:99): never
 * rolled over into another day.
 */
function localParts(local: string): [number, number, number, number, number] | null {
  const m = LOCAL.exec(local);
  if (!m) return null;
  const [y, mo, da, h, mi] = m.slice(1).map((x) => Number(x ?? 0));
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] ?? 0;
  if (da < 1 || da > daysInMonth || h > 23 || mi > 59) return null;
  return [y, mo, da, h, mi];
}

/** Is `local` a real local date (`YYYY-MM-DD`) or date-time (`YYYY-MM-DDTHH:mm`)? */
export function isLocalDateTime(local: string): boolean {
  return localParts(local) !== null;
}

/**
 * The instant a local wall-clock time (`YYYY-MM-DD` or `YYYY-MM-DDTHH:mm`)
 * happens in `timeZone`. Throws a RangeError for a time that does not exist on
 * the calendar: input from people goes through `localToInstantIso` instead.
 */
export function zonedInstant(local: string, timeZone: string): Date {
  const parts = localParts(local);
  if (!parts) throw new RangeError(`Not a local date-time: ${local}`);
  const [y, mo, da, h, mi] = parts;
  const guess = utcOf(y, mo, da, h, mi);
  const first = guess - zoneOffsetMinutes(new Date(guess), timeZone) * 60_000;
  // Second pass settles instants near a daylight-saving change.
  return new Date(guess - zoneOffsetMinutes(new Date(first), timeZone) * 60_000);
}

/**
 * A form's datetime-local value (brigade time) as an ISO instant; anything that
 * is not a real local date-time is passed on as typed, for the schema to name
 * the field (a browser's 2026-13-45T99:99 is not rolled over to 2027).
 */
export function localToInstantIso(value: string, timeZone: string): string {
  return /T/.test(value) && isLocalDateTime(value) ? zonedInstant(value, timeZone).toISOString() : value;
}

/** `YYYY-MM-DD` of an instant in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): string {
  let f = dateFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, f);
  }
  return f.format(instant);
}

/** ISO 8601 with the zone's offset, e.g. 2026-11-28T09:00:00+08:00. */
export function isoInZone(instant: Date, timeZone: string): string {
  const off = zoneOffsetMinutes(instant, timeZone);
  const local = new Date(instant.getTime() + off * 60_000).toISOString().slice(0, 19);
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
