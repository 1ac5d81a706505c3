import os from 'node:os';
import type { Services } from '../container';
import { NotFoundError, ValidationError } from '../errors';
import { JobRun } from '../persistence/entities';
import { sql } from '../persistence/sql';
import type { JobDefinition, JobOutcome } from './job';

export interface RunRequest {
  via: 'schedule' | 'manual' | 'cli';
  period?: string;
  slotKey?: string;
  triggeredBy?: number | null;
}

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

/** This instance's name in the log: configured, or host and process id. */
export function instanceName(services: Services): string {
  return services.config.jobs.instanceName ?? `${os.hostname()}:${process.pid}`;
}

/**
 * Runs jobs and keeps the job-run log: one row per attempt (job, period,
 * instance, start, end, what it found and did, the error if any). A failed
 * attempt is retried (`jobs.attempts`, doubling waits); every failure stays
 * visible in the log.
 */
export class JobRunner {
  private readonly byName: Map<string, JobDefinition>;

  constructor(
    private readonly services: Services,
    readonly jobs: JobDefinition[],
  ) {
    this.byName = new Map(jobs.map((j) => [j.name, j]));
  }

  job(name: string): JobDefinition {
    const job = this.byName.get(name);
    if (!job) throw new NotFoundError(`No job ${name}`);
    return job;
  }

  async run(name: string, req: RunRequest): Promise<JobRun> {
    const job = this.job(name);
    if (req.period !== undefined && !PERIOD.test(req.period)) {
      throw new ValidationError(`A period is YYYY-MM, not ${req.period}`, { period: 'invalid_format:YYYY-MM' });
    }
    const { attempts, retryDelayMs } = this.services.config.jobs;
    let last!: JobRun;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      last = await this.attempt(job, req, attempt);
      if (last.status === 'ok') return last;
      if (attempt < attempts) await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** (attempt - 1)));
    }
    return last;
  }

  private async attempt(job: JobDefinition, req: RunRequest, attempt: number): Promise<JobRun> {
    const { db, clock, logger } = this.services;
    const now = clock.now();
    // The log names the period looked at; the job itself is told only a period asked for by hand.
    const period = req.period ?? job.defaultPeriod?.({ services: this.services, now });
    const { insertId: runId } = await db.transaction((m) =>
      sql(
        m,
        'INSERT INTO job_runs (job, period, via, instance, slot_key, triggered_by, attempt, started_at, finished_at, status, found, did, summary, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 0, 0, ?, NULL)',
        [job.name, period ?? null, req.via, instanceName(this.services), req.slotKey ?? null, req.triggeredBy ?? null, attempt, now, 'running', {}],
      ),
    );
    let outcome: JobOutcome | null = null;
    let error: string | null = null;
    try {
      outcome = await job.run({ services: this.services, now, period: req.period, runId });
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      logger.error('job failed', { job: job.name, runId, attempt, err: e });
    }
    await db.transaction((m) =>
      sql(m, 'UPDATE job_runs SET finished_at = ?, status = ?, found = ?, did = ?, summary = ?, error = ? WHERE id = ?', [
        clock.now(),
        error ? 'failed' : 'ok',
        outcome?.found ?? 0,
        outcome?.did ?? 0,
        outcome?.summary ?? {},
        error?.slice(0, 4000) ?? null,
        runId,
      ]),
    );
    return db.manager.findOneByOrFail(JobRun, { id: runId });
  }

  /** The latest runs, newest first (for `job list` and the managers' page). */
  async recent(limit = 50, job?: string): Promise<JobRun[]> {
    return this.services.db.manager.find(JobRun, { where: job ? { job } : {}, order: { id: 'DESC' }, take: limit });
  }
}
