import type { JobDefinition } from './job';
import { holdingJob } from './holding.job';
import { monthlyMinimumJob } from './monthly-minimum.job';
import { outboxJob } from './outbox.job';
import { plansAndMeetingsJob } from './plans-and-meetings.job';
import { sessionsJob } from './sessions.job';
import { timeLimitsJob } from './time-limits.job';

/** Every job, by name. Schedules are in config (`jobs.schedules`). */
export const JOBS: JobDefinition[] = [monthlyMinimumJob, holdingJob, timeLimitsJob, sessionsJob, outboxJob, plansAndMeetingsJob];
