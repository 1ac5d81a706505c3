import type { Services } from '../container';

/** What a job found and did, for the job-run log. */
export interface JobOutcome {
  found: number;
  did: number;
  /** Plain facts for the log and the managers' page (per brigade, per rule …). */
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

/**
 * A job: one file each in src/jobs/, idempotent per period (running it twice
 * changes nothing the second time), so a retried or repeated slot is safe.
 */
export interface JobDefinition {
  name: string;
  /** What it checks, for `job list` and the managers' page (a dictionary key prefix `job.<name>`). */
  description: string;
  /** The period a run without one works on (`YYYY-MM`), if the job works per period. */
  defaultPeriod?(ctx: Omit<JobContext, 'runId' | 'period'>): string | undefined;
  run(ctx: JobContext): Promise<JobOutcome>;
}
