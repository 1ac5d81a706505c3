import type { BrigadeJob } from './job';

/**
 * The history's daily anchor (SPEC §3: every step is chained to the record's
 * previous one): per brigade, one row a day with the digest of every
 * record's chain head as of a cut, so that a history edited and then
 * re-hashed whole no longer reproduces an anchor kept outside the system
 * (`npm run cli -- anchors`; `verify-history` checks the latest). Idempotent
 * per day: a second run that day keeps the first anchor.
 */
export const historyAnchorJob: BrigadeJob = {
  name: 'history-anchor',
  description: '§3',
  scope: 'brigade',
  async runFor({ services, now }, brigade) {
    const [t] = await services.historyChain.anchor(now, [brigade]);
    return {
      found: 1,
      did: t.taken ? 1 : 0,
      summary: {
        day: t.day,
        taken: t.taken,
        digest: t.anchor.digest,
        records: t.anchor.recordCount,
        steps: t.anchor.stepCount,
        upto: t.anchor.uptoHistoryId,
      },
    };
  },
};
