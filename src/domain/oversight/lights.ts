/** §3.5: a waiting record's clock as a light — green under 80 % of its limit, amber 80–100 %, red past it. */
export type Light = 'green' | 'amber' | 'red';

export function lightOf(startsAt: Date, dueAt: Date, now: Date): Light {
  const span = dueAt.getTime() - startsAt.getTime();
  const used = now.getTime() - startsAt.getTime();
  if (used > span) return 'red';
  if (span <= 0 || used >= 0.8 * span) return 'amber';
  return 'green';
}
