/** §3.5: a waiting record's clock as a light — green under 80 % of its limit, amber 80–100 %, red past it. */
export type Light = 'green' | 'amber' | 'red';

/** §3.5: the share of a limit's time after which its light is amber. */
export const AMBER_SHARE = 0.8;

export function lightOf(startsAt: Date, dueAt: Date, now: Date): Light {
  const span = dueAt.getTime() - startsAt.getTime();
  const used = now.getTime() - startsAt.getTime();
  if (used > span) return 'red';
  if (span <= 0 || used >= AMBER_SHARE * span) return 'amber';
  return 'green';
}

/** When a clock from `startsAt` to `dueAt` turns amber (for records that keep it as a column, to filter by light in SQL). */
export function amberAtOf(startsAt: Date | string, dueAt: Date | string): Date {
  const start = new Date(startsAt).getTime();
  return new Date(start + AMBER_SHARE * (new Date(dueAt).getTime() - start));
}
