import { lightOf } from '../../src/domain/oversight/lights';
import { addMonths, monthBounds, monthOf } from '../../src/domain/oversight/periods';

const at = (h: number) => new Date(Date.UTC(2026, 10, 2, h));

describe('time-limit lights (§3.5)', () => {
  it('are green under 80 % of the limit, amber from 80 % to 100 %, red past it', () => {
    // A 10-hour limit from 00:00.
    expect(lightOf(at(0), at(10), at(0))).toBe('green');
    expect(lightOf(at(0), at(10), at(7))).toBe('green');
    expect(lightOf(at(0), at(10), at(8))).toBe('amber');
    expect(lightOf(at(0), at(10), at(10))).toBe('amber');
    expect(lightOf(at(0), at(10), at(11))).toBe('red');
  });
});

describe('months in the brigade’s time zone', () => {
  it('an instant at 23:30 on the 31st, Shanghai time, belongs to that month (it is the 31st, 15:30, in UTC)', () => {
    expect(monthOf(new Date('2026-10-31T15:30:00Z'), 'Asia/Shanghai')).toBe('2026-10');
    expect(monthOf(new Date('2026-10-31T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-11');
  });

  it('a month starts at midnight Shanghai time and the next begins where it ends; years wrap', () => {
    expect(monthBounds('2026-12', 'Asia/Shanghai')).toEqual({
      start: new Date('2026-11-30T16:00:00Z'),
      end: new Date('2026-12-31T16:00:00Z'),
    });
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
  });
});
