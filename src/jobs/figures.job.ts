import type { BrigadeJob } from './job';

/**
 * SPEC §5: the figures kept ready. Every month that is over, from January two
 * years back to last month, is computed once for the brigade, each active
 * group and squad, the squads' assessment and the groups' R6 standings (with
 * the month under way), and kept (`figure_month_facts`), so the year views,
 * the compliance grid, the annual report and the assessment are read, not
 * computed while a manager waits (at a million operations a cold year took
 * seconds per scope, the annual report 22 s and more). Idempotent: a month
 * kept and still good is left alone, so a second run computes nothing (0.1 s
 * at a million operations: it runs hourly); a month an old record's late step
 * changed, and every month after a release that changed the figures' code, is
 * computed again.
 */
export const figuresJob: BrigadeJob = {
  name: 'figures',
  description: '§5',
  scope: 'brigade',
  async runFor({ services }, brigade) {
    const started = Date.now();
    const { found, ...kept } = await services.figures.keepMonths(brigade);
    return {
      found,
      did: kept.computed,
      summary: { ...kept, seconds: Math.round((Date.now() - started) / 100) / 10 },
    };
  },
};
