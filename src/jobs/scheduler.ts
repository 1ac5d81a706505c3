import cron, { type ScheduledTask } from 'node-cron';
import type { Services } from '../container';
import { DatabaseRunCoordinator } from './db-coordinator';
import { instanceName, type JobRunner } from './job-runner';

/**
 * Schedules every job with a cron expression in config. In node-cron's
 * distributed mode each slot is offered to the database coordinator, so when
 * several instances share one database each slot runs on exactly one of them.
 */
export class Scheduler {
  private tasks: ScheduledTask[] = [];

  constructor(
    private readonly services: Services,
    private readonly runner: JobRunner,
  ) {}

  start(): void {
    const { config, logger } = this.services;
    const coordinator = new DatabaseRunCoordinator(this.services.db, instanceName(this.services), () => new Date());
    const cronLogger = {
      info: (m: string) => logger.info(m),
      warn: (m: string) => logger.warn(m),
      error: (m: string | Error, e?: Error) => logger.error(String(m), { err: e }),
      debug: () => undefined,
    };
    for (const job of this.runner.jobs) {
      const expression = config.jobs.schedules[job.name];
      if (!expression) continue;
      const task = cron.schedule(
        expression,
        async (ctx) => {
          const slotKey = `${job.name}:${ctx.date.toISOString()}`;
          await this.runner.run(job.name, { via: 'schedule', slotKey });
        },
        {
          name: job.name,
          timezone: config.jobs.timeZone,
          distributed: true,
          runCoordinator: coordinator,
          noOverlap: true,
          missedExecutionTolerance: config.jobs.missedToleranceMs,
          logger: cronLogger,
        },
      );
      this.tasks.push(task);
    }
  }

  async stop(): Promise<void> {
    for (const task of this.tasks) await task.destroy();
    this.tasks = [];
  }
}
