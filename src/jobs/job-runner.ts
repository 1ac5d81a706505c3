import os from 'node:os';
import { In, MoreThanOrEqual, Not } from 'typeorm';
import type { Services } from '../container';
import type { Principal } from '../domain/org/org.service';
import { mayReadJobs, mayRunJobs } from '../domain/oversight/oversight.policy';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { Brigade, JobRun, JobRunBrigade } from '../persistence/entities';
import { type RunEnd, finishRun, finishRunBrigade, finishSlot, insertRun, interruptRuns } from './jobs.queries';
import type { Permit } from '../../workflows/shared/actor';
import { type BrigadeJob, type JobDefinition, type JobOutcome, isBrigadeJob } from './job';

/**
 * How a run was started, and so which brigades it works on:
 * - `schedule`, `cli`: the instance's own runs, every brigade (the CLI may name one);
 * - `manual`: a manager's button or API call — who may is the policy's, and it
 *   works on the caller's brigade only;
 * - `since`: the domain's own run after an administrator moved their brigade's
 *   `since` month (R6: the months it moved over are judged again), that brigade only.
 */
export type RunRequest =
  | { via: 'schedule' | 'cli'; period?: string; slotKey?: string; brigade?: string }
  | { via: 'manual'; period?: string; by: Principal }
  | { via: 'since'; period?: string; brigadeId: number; triggeredBy: number | null };

/** A run as a brigade sees it: the run, with that brigade's part only (its found, did, status, error and summary). */
export interface BrigadeRunView {
  id: number;
  job: string;
  period: string | null;
  via: string;
  instance: string;
  attempt: number;
  startedAt: Date;
  finishedAt: Date | null;
  status: string;
  found: number;
  did: number;
  error: string | null;
  /** The brigade's part, under its code (the shape the instance's log keys every brigade's part by). */
  summary: Record<string, unknown>;
}

/** A brigade's log, routine folded away (`JobRunner.foldedLogFor`). */
export interface FoldedLog {
  /** The runs that matter, newest first. */
  runs: BrigadeRunView[];
  /** Per job with any: its routine runs in the window, counted, and the latest few. */
  routine: { job: string; count: number; latest: BrigadeRunView[] }[];
}

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

/** This instance's name in the log: configured, or host and process id. */
export function instanceName(services: Services): string {
  return services.config.jobs.instanceName ?? `${os.hostname()}:${process.pid}`;
}

function refuse(permit: Permit, message: string): void {
  if (!permit.ok) throw new ForbiddenError(message, permit.reason);
}

/**
 * Runs jobs and keeps the job-run log: one row per attempt (job, period,
 * instance, start, end, what it found and did, the error if any), and for an
 * oversight job one row per brigade it worked on, with that brigade's part. A
 * failed attempt is retried (`jobs.attempts`, doubling waits); every failure
 * stays visible in the log. A brigade's part that fails does not stop the
 * others (one brigade's bad data never holds up another's oversight).
 */
export class JobRunner {
  private readonly byName: Map<string, JobDefinition>;
  /** Runs under way in this process (`run()` calls, their retries' waits included). */
  private readonly underway = new Set<Promise<unknown>>();
  /** Attempts under way: their log rows (the shutdown marks those it cuts). */
  private readonly attempts = new Map<number, { job: string; slotKey: string | null }>();
  private stopping = false;

  constructor(
    private readonly services: Services,
    readonly jobs: JobDefinition[],
  ) {
    this.byName = new Map(jobs.map((j) => [j.name, j]));
  }

  /** The oversight jobs: those a brigade sees and a manager may run by hand. */
  get brigadeJobs(): BrigadeJob[] {
    return this.jobs.filter(isBrigadeJob);
  }

  job(name: string): JobDefinition {
    const job = this.byName.get(name);
    if (!job) throw new NotFoundError(`No job ${name}`);
    return job;
  }

  /** 403 unless this caller may run the oversight jobs by hand (oversight.policy.ts). */
  assertMayRun(p: Principal): void {
    refuse(mayRunJobs(p), 'Only the Duty Command Section or a commander runs a job by hand');
  }

  async run(name: string, req: RunRequest): Promise<JobRun> {
    const running = this.runOnce(name, req);
    this.underway.add(running);
    try {
      return await running;
    } finally {
      this.underway.delete(running);
    }
  }

  /** The attempts under way in this process: job and run id. */
  get running(): Array<{ runId: number; job: string }> {
    return [...this.attempts].map(([runId, a]) => ({ runId, job: a.job }));
  }

  /**
   * For a shutdown: no retry starts from now on (a run's failed attempt stays failed, the next slot
   * runs again) and this resolves when no run is under way in this process.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    while (this.underway.size) await Promise.allSettled([...this.underway]);
  }

  /**
   * A shutdown that ran out of time: the attempts still under way are marked failed, naming why,
   * and their slots finished, so the log never shows them running for ever. Another instance is not
   * held up meanwhile (each slot is its own key: the next one is claimed afresh), and what the cut run
   * did not do, the job's next run does (every job sweeps what is due). Returns the runs cut.
   */
  async interrupt(reason: string): Promise<Array<{ runId: number; job: string }>> {
    const cut = this.running;
    if (!cut.length) return cut;
    const { db, clock } = this.services;
    const now = clock.now();
    const slots = [...this.attempts.values()].map((a) => a.slotKey).filter((k): k is string => k !== null);
    await db.transaction(async (m) => {
      await interruptRuns(
        m,
        cut.map((c) => c.runId),
        now,
        reason,
      );
      for (const key of slots) await finishSlot(m, key, instanceName(this.services), now);
    });
    return cut;
  }

  private async runOnce(name: string, req: RunRequest): Promise<JobRun> {
    if (req.via === 'manual') this.assertMayRun(req.by);
    const job = this.job(name);
    // By hand, only a brigade's own jobs: the instance's housekeeping is no brigade's to run.
    if (req.via === 'manual' && !isBrigadeJob(job)) throw new NotFoundError(`No job ${name} for a brigade`);
    if (req.period !== undefined && !PERIOD.test(req.period)) {
      throw new ValidationError(`A period is YYYY-MM, not ${req.period}`, { period: 'invalid_format:YYYY-MM' });
    }
    const brigades = isBrigadeJob(job) ? await this.brigadesOf(req) : [];
    const { attempts, retryDelayMs } = this.services.config.jobs;
    let last!: JobRun;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      last = await this.attempt(job, req, attempt, brigades);
      if (last.status === 'ok') return last;
      if (this.stopping) break;
      if (attempt < attempts) await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** (attempt - 1)));
    }
    return last;
  }

  /** The brigades a run works on: the caller's by hand or after a `since` change, a named one from the CLI, else every one. */
  private async brigadesOf(req: RunRequest): Promise<Brigade[]> {
    const m = this.services.db.manager;
    if (req.via === 'manual') return [await this.services.org.brigadeById(req.by.brigadeId)];
    if (req.via === 'since') return [await this.services.org.brigadeById(req.brigadeId)];
    if (req.brigade !== undefined) return [await this.services.org.brigadeByCode(req.brigade)];
    return m.find(Brigade, { order: { id: 'ASC' } });
  }

  private async attempt(job: JobDefinition, req: RunRequest, attempt: number, brigades: Brigade[]): Promise<JobRun> {
    const { db, clock, metrics } = this.services;
    const now = clock.now();
    const began = performance.now();
    // The log names the period looked at; the job itself is told only a period asked for by hand.
    const period = req.period ?? job.defaultPeriod?.({ services: this.services, now });
    const triggeredBy = req.via === 'manual' ? req.by.userId : req.via === 'since' ? req.triggeredBy : null;
    const slotKey = req.via === 'schedule' || req.via === 'cli' ? (req.slotKey ?? null) : null;
    // Each brigade's part is in the log (running) from the start: its page shows the run under way.
    const run = {
      job: job.name,
      period: period ?? null,
      via: req.via,
      instance: instanceName(this.services),
      slotKey,
      triggeredBy,
      attempt,
      startedAt: now,
    };
    const runId = await db.transaction((m) =>
      insertRun(
        m,
        run,
        brigades.map((b) => b.id),
      ),
    );
    this.attempts.set(runId, { job: job.name, slotKey });
    let outcome: 'ok' | 'failed' = 'failed';
    try {
      const done = await this.perform(job, req, attempt, brigades, runId, now);
      if (done.status === 'ok') outcome = 'ok';
      return done;
    } finally {
      this.attempts.delete(runId);
      metrics.jobRun(job.name, outcome, (performance.now() - began) / 1000);
    }
  }

  private async perform(
    job: JobDefinition,
    req: RunRequest,
    attempt: number,
    brigades: Brigade[],
    runId: number,
    now: Date,
  ): Promise<JobRun> {
    const { db, clock, logger } = this.services;
    const ctx = { services: this.services, now, period: req.period, runId };
    let outcome: JobOutcome | null = null;
    let error: string | null = null;
    if (isBrigadeJob(job)) {
      const summary: Record<string, unknown> = {};
      const errors: string[] = [];
      let found = 0;
      let did = 0;
      for (const brigade of brigades) {
        let part: JobOutcome | null = null;
        let failed: string | null = null;
        try {
          part = await job.runFor(ctx, brigade);
        } catch (e) {
          failed = describe(e);
          logger.error('job failed', { job: job.name, runId, attempt, brigade: brigade.code, err: e });
        }
        const end: RunEnd = {
          status: failed ? 'failed' : 'ok',
          found: part?.found ?? 0,
          did: part?.did ?? 0,
          summary: part?.summary ?? {},
          error: failed?.slice(0, 4000) ?? null,
        };
        await db.transaction((m) => finishRunBrigade(m, runId, brigade.id, end));
        if (part) {
          summary[brigade.code] = part.summary;
          found += part.found;
          did += part.did;
        }
        if (failed) errors.push(`${brigade.code}: ${failed}`);
      }
      // The instance's own log keeps every brigade's part under its code (the CLI prints it); brigades read their own rows.
      outcome = { found, did, summary };
      error = errors.length ? errors.join('\n') : null;
    } else {
      try {
        outcome = await job.run(ctx);
      } catch (e) {
        error = describe(e);
        logger.error('job failed', { job: job.name, runId, attempt, err: e });
      }
    }
    const end: RunEnd = {
      status: error ? 'failed' : 'ok',
      found: outcome?.found ?? 0,
      did: outcome?.did ?? 0,
      summary: outcome?.summary ?? {},
      error: error?.slice(0, 4000) ?? null,
    };
    await db.transaction((m) => finishRun(m, runId, clock.now(), end));
    return db.manager.findOneByOrFail(JobRun, { id: runId });
  }

  /** The latest runs of the instance, newest first, every brigade's part (the CLI's `job list`; the operator's view). */
  async recent(limit = 50, job?: string): Promise<JobRun[]> {
    return this.services.db.manager.find(JobRun, { where: job ? { job } : {}, order: { id: 'DESC' }, take: limit });
  }

  /** A manager's view of the log: their brigade's part of the latest runs, newest first (403 for anyone else). */
  async recentFor(p: Principal, limit = 50): Promise<BrigadeRunView[]> {
    refuse(mayReadJobs(p), 'Only the Duty Command Section or a commander sees the jobs');
    const parts = await this.services.db.manager.find(JobRunBrigade, {
      where: { brigadeId: p.brigadeId, run: { job: In(this.brigadeJobs.map((j) => j.name)) } },
      relations: { run: true },
      order: { runId: 'DESC' },
      take: limit,
    });
    return parts.map((part) => presentPart(part, p.brigadeCode));
  }

  /**
   * A manager's log with the routine folded away (issue 12): the runs that matter — by hand or from the
   * command line, failed, or that changed something — newest first; and per job, the scheduled runs since
   * `since` that went well and changed nothing, counted, with the latest few. A job that runs every quarter
   * hour would otherwise bury the one run a manager is looking for.
   */
  async foldedLogFor(p: Principal, opts: { since: Date; limit?: number; latest?: number }): Promise<FoldedLog> {
    refuse(mayReadJobs(p), 'Only the Duty Command Section or a commander sees the jobs');
    const { manager } = this.services.db;
    const names = this.brigadeJobs.map((j) => j.name);
    const own = { brigadeId: p.brigadeId };
    const runs = await manager.find(JobRunBrigade, {
      // Routine is `schedule` + `ok` + did nothing: a run that matters differs from it in one of the three.
      where: [
        { ...own, run: { job: In(names), via: Not('schedule') } },
        { ...own, status: Not('ok'), run: { job: In(names) } },
        { ...own, did: Not(0), run: { job: In(names) } },
      ],
      relations: { run: true },
      order: { runId: 'DESC' },
      take: opts.limit ?? 50,
    });
    const routine: FoldedLog['routine'] = [];
    for (const job of names) {
      const where = {
        ...own,
        status: 'ok',
        did: 0,
        run: { job, via: 'schedule', startedAt: MoreThanOrEqual(opts.since) },
      };
      const count = await manager.count(JobRunBrigade, { where, relations: { run: true } });
      if (count === 0) continue;
      const latest = await manager.find(JobRunBrigade, {
        where,
        relations: { run: true },
        order: { runId: 'DESC' },
        take: opts.latest ?? 5,
      });
      routine.push({ job, count, latest: latest.map((part) => presentPart(part, p.brigadeCode)) });
    }
    return { runs: runs.map((part) => presentPart(part, p.brigadeCode)), routine };
  }

  /** A brigade's view of one run (a manual run's answer): its part only. */
  async runView(p: Principal, runId: number): Promise<BrigadeRunView> {
    refuse(mayReadJobs(p), 'Only the Duty Command Section or a commander sees the jobs');
    const part = await this.services.db.manager.findOne(JobRunBrigade, {
      where: { runId, brigadeId: p.brigadeId },
      relations: { run: true },
    });
    if (!part) throw new NotFoundError(`No run ${runId}`);
    return presentPart(part, p.brigadeCode);
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function presentPart(part: JobRunBrigade, brigadeCode: string): BrigadeRunView {
  const r = part.run;
  if (!r) throw new Error(`job run part ${part.id}: its run was not loaded`);
  return {
    id: r.id,
    job: r.job,
    period: r.period,
    via: r.via,
    instance: r.instance,
    attempt: r.attempt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    status: part.status,
    found: part.found,
    did: part.did,
    error: part.error,
    summary: { [brigadeCode]: part.summary },
  };
}
