import type { JobDefinition } from './job';
import { holdingJob } from './holding.job';
import { monthlyMinimumJob } from './monthly-minimum.job';
import { outboxJob } from './outbox.job';
import { plansAndMeetingsJob } from './plans-and-meetings.job';
import { sessionsJob } from './sessions.job';
import { timeLimitsJob } from './time-limits.job';
import { goodsLimitsJob } from './goods-limits.job';
import { historyAnchorJob } from './history-anchor.job';
import { idempotencyKeysJob } from './idempotency-keys.job';
import { filesOrphansJob } from './files-orphans.job';
import { figuresJob } from './figures.job';

/** Every job, by name. Schedules are in config (`jobs.schedules`). */
export const JOBS: JobDefinition[] = [
  monthlyMinimumJob,
  holdingJob,
  timeLimitsJob,
  sessionsJob,
  outboxJob,
  plansAndMeetingsJob,
];

// R13: detained goods near or past their legal limit.
JOBS.push(goodsLimitsJob);

// The tamper-evident history: a daily digest of every record's chain head.
JOBS.push(historyAnchorJob);

// Issue 13: idempotency keys past their time are removed.
JOBS.push(idempotencyKeysJob);
// Issue 13: evidence files attached to nothing are removed a day after their upload.
JOBS.push(filesOrphansJob);
// Issue 14: the figures of months that are over, kept ready (no manager waits for a cold year).
JOBS.push(figuresJob);
