/** Server-side time helpers: calendar dates in a brigade's time zone. */

/** Offset of `timeZone` from UTC at `instant`, in minutes (Asia/Shanghai: +480). */
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
    });
    partsFormats.set(timeZone, f);
  }
  return f;
}

export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = partsFormat(timeZone).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a local wall-clock time (`YYYY-MM-DD` or `YYYY-MM-DDTHH:mm`) happens in `timeZone`. */
export function zonedInstant(local: string, timeZone: string): Date {
  const [d, t = '00:00'] = local.split('T');
  const [y, mo, da] = d.split('-').map(Number);
  const [h, mi] = t.split(':').map(Number);
  const guess = Date.UTC(y, mo - 1, da, h, mi);
  const first = guess - zoneOffsetMinutes(new Date(guess), timeZone) * 60_000;
  // Second pass settles instants near a daylight-saving change.
  return new Date(guess - zoneOffsetMinutes(new Date(first), timeZone) * 60_000);
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
