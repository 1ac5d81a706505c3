import type { Services } from '../container';
import type { Brigade } from '../persistence/entities';

/** What a job found and did, for the job-run log. */
export interface JobOutcome {
  found: number;
  did: number;
  /** Plain facts for the log and the managers' page (per rule, per month …). */
  summary: Record<string, unknown>;
}

export interface JobContext {
  services: Services;
  /** The instant this run works at (the injectable clock). */
  now: Date;
  /** A period asked for by hand (`YYYY-MM`); without one the job chooses (and may do more, e.g. early warnings). */
  period?: string;
  /** The job-run log row of this run (flags remember who raised them). */
  runId: number;
}

interface JobBase {
  name: string;
  /** What it checks, for `job list` and the managers' page (a dictionary key prefix `job.<name>`). */
  description: string;
  /** The period a run without one works on (`YYYY-MM`), if the job works per period. */
  defaultPeriod?(ctx: Omit<JobContext, 'runId' | 'period'>): string | undefined;
}

/**
 * An oversight job (SPEC §4): it works on one brigade at a time, given to it by
 * the runner — every brigade when the scheduler or the CLI runs it, only the
 * caller's when a manager runs it by hand — so it cannot reach past the
 * brigade it was given. Each brigade's part of a run is logged apart
 * (`job_run_brigades`): a brigade sees only its own.
 */
export interface BrigadeJob extends JobBase {
  scope: 'brigade';
  runFor(ctx: JobContext, brigade: Brigade): Promise<JobOutcome>;
}

/**
 * Housekeeping of the instance (expired sessions, the notification outbox):
 * no brigade's, run by the scheduler and the CLI only, never by hand from a
 * brigade's page or the API.
 */
export interface InstanceJob extends JobBase {
  scope?: 'instance';
  run(ctx: JobContext): Promise<JobOutcome>;
}

/**
 * A job: one file each in src/jobs/, idempotent per period (running it twice
 * changes nothing the second time), so a retried or repeated slot is safe.
 */
export type JobDefinition = BrigadeJob | InstanceJob;

export function isBrigadeJob(job: JobDefinition): job is BrigadeJob {
  return job.scope === 'brigade';
}
