import { ValidationError } from '../../errors';
import { zonedInstant } from '../../time';

/** A period figures are given for (SPEC §5): a month `2026-11`, a quarter `2026-Q4` or a year `2026`, in the brigade's time zone. */
export interface FigurePeriod {
  kind: 'month' | 'quarter' | 'year' | 'range';
  key: string;
  /** First and last month (`YYYY-MM`), inclusive. */
  firstMonth: string;
  lastMonth: string;
  start: Date;
  end: Date;
}

const ym = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}`;
const nextMonth = (y: number, m: number) => (m === 12 ? ym(y + 1, 1) : ym(y, m + 1));

/** Reads `2026`, `2026-Q4` or `2026-11`; anything else is a 400 naming `period`. */
export function figurePeriod(key: string, timeZone: string): FigurePeriod {
  let kind: FigurePeriod['kind'];
  let y: number;
  let first: number;
  let last: number;
  if (/^\d{4}$/.test(key)) {
    kind = 'year';
    y = Number(key);
    first = 1;
    last = 12;
  } else if (/^\d{4}-Q[1-4]$/.test(key)) {
    kind = 'quarter';
    y = Number(key.slice(0, 4));
    first = (Number(key.slice(6)) - 1) * 3 + 1;
    last = first + 2;
  } else if (/^\d{4}-(0[1-9]|1[0-2])$/.test(key)) {
    kind = 'month';
    y = Number(key.slice(0, 4));
    first = last = Number(key.slice(5));
  } else {
    throw new ValidationError(`A period is YYYY, YYYY-Qn or YYYY-MM, not ${key}`, {
      period: 'invalid_format:YYYY | YYYY-Qn | YYYY-MM',
    });
  }
  if (y < 2000 || y > 2100) throw new ValidationError('A year is 2000–2100', { period: 'invalid' });
  return {
    kind,
    key,
    firstMonth: ym(y, first),
    lastMonth: ym(y, last),
    start: zonedInstant(`${ym(y, first)}-01`, timeZone),
    end: zonedInstant(`${nextMonth(y, last)}-01`, timeZone),
  };
}

/** Any run of whole months, `from` to `to` inclusive (`YYYY-MM`); the key reads `2026-03..2026-08`. */
export function monthRange(from: string, to: string, timeZone: string): FigurePeriod {
  const a = figurePeriod(from, timeZone);
  const b = figurePeriod(to, timeZone);
  if (a.kind !== 'month' || b.kind !== 'month')
    throw new ValidationError('from and to are months (YYYY-MM)', {
      [a.kind !== 'month' ? 'from' : 'to']: 'invalid_format:YYYY-MM',
    });
  if (b.start < a.start) throw new ValidationError('to comes before from', { to: 'invalid' });
  if (from === to) return a;
  return { kind: 'range', key: `${from}..${to}`, firstMonth: from, lastMonth: to, start: a.start, end: b.end };
}

const shiftMonth = (month: string, n: number) => {
  const [y, m] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) + n;
  return ym(Math.floor(i / 12), (i % 12) + 1);
};

/** The period just before (the previous month, quarter or year; for a range, as many months just before). */
export function previousPeriod(p: FigurePeriod, timeZone: string): FigurePeriod {
  if (p.kind === 'range') {
    const length = monthsOfPeriod(p).length;
    return monthRange(shiftMonth(p.firstMonth, -length), shiftMonth(p.firstMonth, -1), timeZone);
  }
  const y = Number(p.key.slice(0, 4));
  if (p.kind === 'year') return figurePeriod(String(y - 1), timeZone);
  if (p.kind === 'quarter') {
    const q = Number(p.key.slice(6));
    return figurePeriod(q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`, timeZone);
  }
  const m = Number(p.key.slice(5));
  return figurePeriod(m === 1 ? ym(y - 1, 12) : ym(y, m - 1), timeZone);
}

/** The same period a year earlier. */
export function samePeriodLastYear(p: FigurePeriod, timeZone: string): FigurePeriod {
  if (p.kind === 'range') return monthRange(shiftMonth(p.firstMonth, -12), shiftMonth(p.lastMonth, -12), timeZone);
  return figurePeriod(`${Number(p.key.slice(0, 4)) - 1}${p.key.slice(4)}`, timeZone);
}

/** The months of a period, in order. */
export function monthsOfPeriod(p: FigurePeriod): string[] {
  const out: string[] = [];
  let [y, m] = p.firstMonth.split('-').map(Number);
  for (;;) {
    out.push(ym(y, m));
    if (ym(y, m) === p.lastMonth) return out;
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
}
