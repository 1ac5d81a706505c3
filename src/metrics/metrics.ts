import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../clock';
import { AppError, ConflictError, StaleVersionError } from '../errors';
import type { Logger } from '../logger';
import type { Database } from '../persistence/data-source';
import { poolStats } from '../persistence/pool-stats';
import { outboxBacklog } from './metrics.queries';

/** How a workflow event ended: stepped, refused (404/403/409 not accepted/422/400), lost a race (stale version), or failed (5xx). */
export type EventOutcome = 'ok' | 'refused' | 'conflict' | 'error';

/** An engine error as an event's outcome. */
export function eventOutcome(e: unknown): EventOutcome {
  if (e instanceof StaleVersionError || (e instanceof ConflictError && e.status === 409)) return 'conflict';
  if (e instanceof AppError && e.status < 500) return 'refused';
  return 'error';
}

/** Seconds: from a quick page to a figures export or an upload that takes a while. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds: from an idle outbox run to a monthly sweep of every brigade. */
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800];

/** What the database's `events` emitter (data-source.ts, the cluster work) says: a retried transaction, a move to another node. */
export interface DatabaseEvents {
  on(event: 'retry', listener: (e: { reason: string }) => void): unknown;
  on(event: 'failover', listener: (e: { from: string; to: string }) => void): unknown;
}

/**
 * An application's Prometheus metrics, in a registry of its own (tests build many
 * apps in one process: prom-client's global registry would refuse the second).
 * Counters and histograms are updated where things happen (a counter's `inc` on
 * the hot path); the outbox backlog and the pool's use are read when scraped.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'liandong_http_request_duration_seconds',
    help: 'HTTP requests by route pattern, method and status: how long until the answer was sent.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  readonly httpInFlight = new Gauge({
    name: 'liandong_http_requests_in_flight',
    help: 'HTTP requests being answered now.',
    registers: [this.registry],
  });

  readonly workflowEvents = new Counter({
    name: 'liandong_workflow_events_total',
    help: 'Workflow events sent to the engine, by workflow, event type and outcome (ok, refused, conflict, error).',
    labelNames: ['workflow', 'event', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly recordCopies = new Counter({
    name: 'liandong_record_copies_total',
    help: "Steps computed from this instance's copy of the record, not a read of it, by workflow and outcome: used (the step went through) or stale (refused or failed, and computed again from the row: another instance moved the record on).",
    labelNames: ['workflow', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly principalReuse = new Counter({
    name: 'liandong_principals_reused_total',
    help: "Commands answered with an API token's principal as this instance last read it, not a read of it, by outcome: used, or stale (the command was refused or failed, and run again with the principal read afresh: the token or its user changed, or the command was refused anyway).",
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly jobRuns = new Counter({
    name: 'liandong_job_runs_total',
    help: 'Job run attempts by job and outcome (ok, failed).',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'liandong_job_run_duration_seconds',
    help: 'How long a job run attempt took, by job and outcome.',
    labelNames: ['job', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });

  readonly outboxWaiting = new Gauge({
    name: 'liandong_outbox_backlog',
    help: 'Outbox rows (notifications to deliver) not yet delivered, read at scrape time.',
    registers: [this.registry],
  });

  readonly outboxOldestAge = new Gauge({
    name: 'liandong_outbox_oldest_age_seconds',
    help: 'Age of the oldest undelivered outbox row (0 when none waits), read at scrape time.',
    registers: [this.registry],
  });

  readonly poolConnections = new Gauge({
    name: 'liandong_db_pool_connections',
    help: 'MySQL/MariaDB pool connections of this instance by state (in_use, free); absent on SQLite (no pool).',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly poolQueued = new Gauge({
    name: 'liandong_db_pool_queued_requests',
    help: 'Requests waiting for a pool connection (MySQL/MariaDB).',
    registers: [this.registry],
  });

  readonly poolLimit = new Gauge({
    name: 'liandong_db_pool_max_connections',
    help: 'The pool’s limit (DATABASE_POOL_SIZE).',
    registers: [this.registry],
  });

  readonly dbRetries = new Counter({
    name: 'liandong_db_retries_total',
    help: 'Database transactions run again, by reason (e.g. deadlock, certification conflict, connection lost).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly dbFailovers = new Counter({
    name: 'liandong_db_failovers_total',
    help: 'Moves of this instance from one database node to another.',
    registers: [this.registry],
  });

  readonly scrapeErrors = new Counter({
    name: 'liandong_metrics_scrape_errors_total',
    help: 'Scrapes whose database reads (outbox backlog) failed: those gauges kept their last values.',
    registers: [this.registry],
  });

  private defaults = false;

  constructor(private readonly sources: { db: Database; clock: Clock; logger: Logger }) {}

  /** Node's own metrics (CPU, memory, event loop lag, GC, handles) with the standard names: once, for the server. */
  collectDefaults(): void {
    if (this.defaults) return;
    this.defaults = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /** A workflow event's outcome (the engine calls this after each command). */
  workflowEvent(workflow: string, event: string, outcome: EventOutcome): void {
    this.workflowEvents.inc({ workflow, event, outcome });
  }

  /** A job run attempt that ended. */
  jobRun(job: string, outcome: 'ok' | 'failed', seconds: number): void {
    this.jobRuns.inc({ job, outcome });
    this.jobDuration.observe({ job, outcome }, seconds);
  }

  /** Counts the database's retries and failovers (wire it to the Database's `events` emitter). */
  countDatabaseEvents(events: DatabaseEvents): void {
    events.on('retry', (e) => this.dbRetries.inc({ reason: e.reason || 'unknown' }));
    // The move itself is logged where the database is opened (bootstrap).
    events.on('failover', () => this.dbFailovers.inc());
  }

  /** The Prometheus text exposition, with the scrape-time readings taken first. */
  async render(): Promise<string> {
    await this.readNow();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async readNow(): Promise<void> {
    const { db, clock, logger } = this.sources;
    const pool = poolStats(db);
    if (pool) {
      this.poolConnections.set({ state: 'in_use' }, pool.inUse);
      this.poolConnections.set({ state: 'free' }, pool.free);
      this.poolQueued.set(pool.queued);
      this.poolLimit.set(pool.limit);
    }
    try {
      const backlog = await outboxBacklog(db.manager);
      this.outboxWaiting.set(backlog.waiting);
      this.outboxOldestAge.set(
        backlog.oldest ? Math.max(0, (clock.now().getTime() - backlog.oldest.getTime()) / 1000) : 0,
      );
    } catch (e) {
      this.scrapeErrors.inc();
      logger.warn('metrics: the outbox backlog could not be read', { err: e });
    }
  }
}
