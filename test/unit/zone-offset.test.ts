import { isoInZone, zoneOffsetMinutes } from '../../src/time';

/**
 * Issue 14: a zone's offset is kept per day (src/time.ts). Whatever is kept, every answer must be the offset
 * at that very instant — told here by another way of asking Intl (the zone's `longOffset` name), over days
 * with a change in them (the day is then not kept), days on either side, and a century of other days.
 */
const ZONES = [
  'Asia/Shanghai', // no daylight saving since 1991; +08:05:43 before 1901
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe', // half an hour of daylight saving
  'Asia/Kathmandu', // +05:45
  'America/St_Johns', // -03:30 / -02:30
  'Pacific/Apia', // skipped 30 December 2011
  'Pacific/Chatham', // +12:45 / +13:45
];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const names = new Map<string, Intl.DateTimeFormat>();
/** The offset Intl names for the zone at `t` ("GMT+05:45", "GMT-03:30", "GMT+08:05:43", "GMT"), in minutes. */
function named(t: number, zone: string): number {
  let f = names.get(zone);
  if (!f) names.set(zone, (f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })));
  const name = f.formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
  if (!m) throw new Error(`unexpected zone name ${name}`);
  if (!m[1]) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]) + Number(m[4] ?? 0) / 60;
  return Math.round(m[1] === '-' ? -minutes : minutes);
}

/** The instants where the zone's offset changes between `from` and `to` (found 6 hours at a time, then to the second). */
function changes(zone: string, from: number, to: number): number[] {
  const found: number[] = [];
  for (let t = from; t < to; t += 6 * HOUR) {
    if (named(t, zone) === named(t + 6 * HOUR, zone)) continue;
    let lo = t;
    let hi = t + 6 * HOUR;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (named(mid, zone) === named(lo, zone)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

describe('a zone’s offset, kept per day', () => {
  it.each(ZONES)('%s: every second around each change of 2011 and 2025–2026 has its own offset', (zone) => {
    const around = [
      ...changes(zone, Date.UTC(2011, 0, 1), Date.UTC(2012, 0, 1)),
      ...changes(zone, Date.UTC(2025, 0, 1), Date.UTC(2027, 0, 1)),
    ];
    if (zone !== 'Asia/Shanghai' && zone !== 'Asia/Kathmandu') expect(around.length).toBeGreaterThan(0);
    for (const change of around) {
      // The days before, of and after the change, asked in an order that keeps a day before its change is asked.
      for (const step of [-DAY - 1000, -HOUR, -1000, 0, 1000, HOUR, DAY, -DAY + 7 * 60_000]) {
        const t = change + step;
        expect([t, zoneOffsetMinutes(new Date(t), zone)]).toEqual([t, named(t, zone)]);
      }
      for (let t = change - 2 * DAY; t < change + 2 * DAY; t += 97 * 60_000 + 11_000)
        expect([t, zoneOffsetMinutes(new Date(t), zone)]).toEqual([t, named(t, zone)]);
    }
  });

  it.each(ZONES)('%s: a century of days, each asked at several times', (zone) => {
    for (let t = Date.UTC(1900, 0, 1, 3); t < Date.UTC(2100, 0, 1); t += 23 * DAY + 5 * HOUR + 7 * 60_000 + 13_000) {
      expect([t, zoneOffsetMinutes(new Date(t), zone)]).toEqual([t, named(t, zone)]);
      const later = t + 9 * HOUR;
      expect([later, zoneOffsetMinutes(new Date(later), zone)]).toEqual([later, named(later, zone)]);
    }
  });

  it('a time in a zone reads as before: Shanghai, and New York on either side of a change', () => {
    expect(isoInZone(new Date('2026-11-28T01:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-28T09:00:00+08:00');
    expect(isoInZone(new Date('2026-03-08T06:59:59Z'), 'America/New_York')).toBe('2026-03-08T01:59:59-05:00');
    expect(isoInZone(new Date('2026-03-08T07:00:00Z'), 'America/New_York')).toBe('2026-03-08T03:00:00-04:00');
  });
});
