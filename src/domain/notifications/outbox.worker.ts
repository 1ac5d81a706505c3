import { randomUUID } from 'node:crypto';
import type { Config } from '../../../config';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import type { Database } from '../../persistence/data-source';
import { readJson, readRequiredDate } from '../../persistence/sql';
import type { NotificationMessage, NotificationTransport, Recipient } from './notification.transport';
import {
  deferOutboxRow,
  deliveriesOf,
  deliveriesOfRows,
  dueOutboxIds,
  leaseOutboxRows,
  markOutboxDelivered,
  markOutboxRowsDelivered,
  recordDeliveries,
  recordDeliveriesOfRows,
  renewOutboxLease,
} from './notifications.queries';
import { recipientsOf } from './recipients';
import { type Announcement, loadDirectory, type OutboxRow, SUBJECT_BATCH_LOADERS, SUBJECT_LOADERS } from './subjects';
import { known } from '../../known';

/** What one drain found and did (for the job-run log). */
export interface DrainResult {
  /** Outbox rows taken up. */
  claimed: number;
  /** Rows now delivered to everyone concerned. */
  delivered: number;
  /** Rows left for a retry (a transport failed for someone). */
  retried: number;
  /** Deliveries made now (person × transport); what went out before a retry is not counted again. */
  deliveries: number;
  /** Rows a second worker took over while this one was busy (a lease ran out). */
  lost: number;
  errors: Array<{ outboxId: number; error: string }>;
}

interface RowOutcome {
  state: 'delivered' | 'retry' | 'lost';
  deliveries: number;
  error?: string;
}

type Directory = Awaited<ReturnType<typeof loadDirectory>>;

/** A batch's row was taken over by another worker: its transaction is undone. */
class BatchLost extends Error {}

/**
 * Delivers the outbox after commit, at least once, safely retried (issue 4,
 * item 7). A drain claims due rows in order (a lease: two workers never hold
 * the same row), tells each person concerned through each transport, records
 * every delivery, and marks the row delivered. A failure leaves the row for a
 * retry with backoff (attempts, available_at, last_error), and the retry skips
 * what already went out: nothing twice to one person for one event.
 */
export class OutboxWorker {
  private kicking = false;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Readonly<Config>['notifications'],
    private readonly logger: Logger,
    readonly transports: NotificationTransport[],
    private readonly instance: string,
  ) {
    for (const t of transports)
      if (t.name.length > 20) throw new Error(`transport name ${t.name} is longer than 20 characters`);
  }

  /** Claims and delivers due rows, batch after batch, until none is due (or `maxBatches`). */
  async drain(opts: { maxBatches?: number } = {}): Promise<DrainResult> {
    const result: DrainResult = { claimed: 0, delivered: 0, retried: 0, deliveries: 0, lost: 0, errors: [] };
    const directories = new Map<number, Directory>();
    const maxBatches = opts.maxBatches ?? this.config.maxBatchesPerDrain;
    for (let batch = 0; batch < maxBatches; batch++) {
      const claimedAt = this.clock.now().getTime();
      const { token, rows } = await this.claim();
      result.claimed += rows.length;
      const together = await this.processBatch(rows, token, directories);
      for (const [i, row] of rows.entries()) {
        const outcome = together?.[i] ?? (await this.process(row, token, directories, claimedAt));
        result.deliveries += outcome.deliveries;
        if (outcome.state === 'delivered') result.delivered++;
        else if (outcome.state === 'retry') result.retried++;
        else result.lost++;
        if (outcome.error) result.errors.push({ outboxId: row.id, error: outcome.error });
      }
      if (rows.length < this.config.batchSize) break;
    }
    return result;
  }

  /**
   * Takes up to a batch of due rows, oldest first, for the lease. Two workers
   * may read the same ids; the conditional UPDATE lets only one of them have
   * each row (on MySQL/MariaDB the second waits for the first's row locks and
   * then no longer matches; on SQLite writes are serialized).
   */
  private async claim(): Promise<{ token: string; rows: OutboxRow[] }> {
    const token = `${this.instance}#${randomUUID().slice(0, 8)}`.slice(-100);
    const now = this.clock.now();
    const until = new Date(now.getTime() + this.config.leaseSeconds * 1000);
    const rows = await this.db.transaction(async (m) => {
      const ids = await dueOutboxIds(m, now, this.config.batchSize);
      if (!ids.length) return [];
      return leaseOutboxRows(m, ids, token, until, now);
    });
    return {
      token,
      rows: rows.map((r) => ({
        id: Number(r.id),
        brigadeId: Number(r.brigade_id),
        instanceId: r.instance_id === null ? null : Number(r.instance_id),
        historySeq: Number(r.history_seq),
        workflow: String(r.workflow),
        topic: String(r.topic),
        payload: readJson<Record<string, unknown>>(r.payload) ?? {},
        createdAt: readRequiredDate(r.created_at, 'outbox.created_at'),
        attempts: Number(r.attempts),
      })),
    };
  }

  /**
   * A claimed batch at once, when every transport writes into this database
   * (`deliverBatchIn`: the bell): the records behind the rows read together,
   * then one transaction tells everyone concerned of every row, records the
   * deliveries and marks the rows delivered — about ten statements for the
   * batch instead of about thirteen per row. Anything out of the ordinary (a
   * transport of another kind, a record that cannot be read, a row another
   * worker took over, a failed statement) gives null, and the rows go one by
   * one as before, with their retries and notes: nothing of the batch was
   * written then.
   */
  private async processBatch(
    rows: readonly OutboxRow[],
    token: string,
    directories: Map<number, Directory>,
  ): Promise<RowOutcome[] | null> {
    const batchers = this.transports.map((t) => t.deliverBatchIn?.bind(t));
    if (!rows.length || !batchers.every((b) => b !== undefined)) return null;
    try {
      const announcements = new Map<number, Announcement>();
      const byWorkflow = new Map<string, OutboxRow[]>();
      for (const row of rows) byWorkflow.set(row.workflow, [...(byWorkflow.get(row.workflow) ?? []), row]);
      for (const [workflow, ofWorkflow] of byWorkflow) {
        const many = SUBJECT_BATCH_LOADERS[workflow];
        const one = SUBJECT_LOADERS[workflow];
        // No rules for this workflow, or its record gone: the row-by-row path says so in the row's note.
        if (!one) return null;
        const read = many ? await many(this.db.manager, ofWorkflow) : null;
        for (const row of ofWorkflow) {
          const announcement = read ? read.get(row.id) : await one(this.db.manager, row);
          if (!announcement) return null;
          announcements.set(row.id, announcement);
        }
      }
      const done = new Set(
        (
          await deliveriesOfRows(
            this.db.manager,
            rows.map((r) => r.id),
          )
        ).map((d) => `${Number(d.outbox_id)}:${d.transport}:${Number(d.user_id)}`),
      );
      const told: Array<{ row: OutboxRow; message: NotificationMessage; recipients: Recipient[] }> = [];
      for (const row of rows) {
        const announcement = known(announcements, row.id, 'announcement');
        const directory = directories.get(row.brigadeId) ?? (await loadDirectory(this.db.manager, row.brigadeId));
        directories.set(row.brigadeId, directory);
        told.push({
          row,
          message: this.messageOf(row, announcement),
          recipients: this.recipientsOf(row, announcement, directory),
        });
      }
      const perRow = new Array<number>(rows.length).fill(0);
      const now = this.clock.now();
      await this.db.transaction(async (m) => {
        for (const [t, transport] of this.transports.entries()) {
          const pending = told.map(({ row, message, recipients }) => ({
            message,
            recipients: recipients.filter((r) => !done.has(`${row.id}:${transport.name}:${r.userId}`)),
          }));
          await batchers[t](
            m,
            pending.filter((p) => p.recipients.length),
          );
          await recordDeliveriesOfRows(
            m,
            transport.name,
            pending.map((p) => ({ outboxId: p.message.outboxId, userIds: p.recipients.map((r) => r.userId) })),
            now,
          );
          for (const [i, p] of pending.entries()) perRow[i] += p.recipients.length;
        }
        const count = await markOutboxRowsDelivered(
          m,
          rows.map((r) => r.id),
          token,
          now,
          null,
        );
        // A row another worker has taken over meanwhile: undo the batch, and let the rows go one by one.
        if (count !== rows.length) throw new BatchLost();
      });
      return perRow.map((n) => ({ state: 'delivered' as const, deliveries: n }));
    } catch (e) {
      if (!(e instanceof BatchLost))
        this.logger.warn('outbox batch delivery failed; delivering row by row', {
          rows: rows.length,
          error: e instanceof Error ? e.message : String(e),
        });
      return null;
    }
  }

  /** The message of an outbox row: the same for everyone and every transport. */
  private messageOf(row: OutboxRow, announcement: Announcement): NotificationMessage {
    return {
      outboxId: row.id,
      brigadeId: row.brigadeId,
      topic: row.topic,
      params: announcement.params,
      link: announcement.link,
      at: row.createdAt,
    };
  }

  /** Who is told of an outbox row (recipients.ts), as the transports address them. */
  private recipientsOf(row: OutboxRow, announcement: Announcement, directory: Directory): Recipient[] {
    const actorUserId = typeof row.payload.actorUserId === 'number' ? row.payload.actorUserId : null;
    const from = typeof row.payload.from === 'string' ? row.payload.from : null;
    const ids = recipientsOf(
      { topic: row.topic, brigadeId: row.brigadeId, actorUserId, from },
      announcement.subject,
      directory,
    );
    return ids.map((id) => {
      const u = known(directory.byId, id, 'recipient');
      return { userId: id, brigadeId: row.brigadeId, username: u.username, displayName: u.displayName };
    });
  }

  /** Renews the lease on one row just before working on it: false if another worker has it now. */
  private async stillOurs(id: number, token: string): Promise<boolean> {
    const until = new Date(this.clock.now().getTime() + this.config.leaseSeconds * 1000);
    return this.db.transaction((m) => renewOutboxLease(m, id, token, until));
  }

  private async process(
    row: OutboxRow,
    token: string,
    directories: Map<number, Directory>,
    claimedAt: number,
  ): Promise<RowOutcome> {
    // Within the first half of the batch's lease nobody else may take the row: renewing it would be a write for nothing.
    const leaseHalf = (this.config.leaseSeconds * 1000) / 2;
    if (this.clock.now().getTime() - claimedAt > leaseHalf && !(await this.stillOurs(row.id, token)))
      return { state: 'lost', deliveries: 0 };
    let deliveries = 0;
    const failures: string[] = [];
    let note: string | null = null;
    try {
      const loader = SUBJECT_LOADERS[row.workflow];
      const announcement: Announcement | null = loader ? await loader(this.db.manager, row) : null;
      if (!announcement) {
        // Nothing to tell anyone about (the record is gone, or no rules for this workflow yet): done, and said so.
        note = loader
          ? `nobody to tell: ${row.workflow} record not found`
          : `nobody to tell: no notification rules for workflow ${row.workflow}`;
      } else {
        const directory = directories.get(row.brigadeId) ?? (await loadDirectory(this.db.manager, row.brigadeId));
        directories.set(row.brigadeId, directory);
        const recipients = this.recipientsOf(row, announcement, directory);
        const message = this.messageOf(row, announcement);
        const done = await this.deliveredAlready(row.id);
        for (const transport of this.transports) {
          const pending = recipients.filter((r) => !done.has(`${transport.name}:${r.userId}`));
          const { sent, error, lost } = await this.deliverBy(transport, pending, message, () =>
            this.stillOurs(row.id, token),
          );
          if (lost) return { state: 'lost', deliveries: deliveries + sent };
          deliveries += sent;
          if (error) failures.push(error);
        }
      }
    } catch (e) {
      failures.push(`${e instanceof Error ? e.name : 'Error'}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const now = this.clock.now();
    if (failures.length) {
      const attempts = row.attempts + 1;
      const delay = Math.min(this.config.retryMaxSeconds, this.config.retryBaseSeconds * 2 ** (attempts - 1)) * 1000;
      const error = failures.join('; ').slice(0, 500);
      await this.db.transaction((m) =>
        deferOutboxRow(m, row.id, token, { attempts, error, availableAt: new Date(now.getTime() + delay) }),
      );
      this.logger.warn('outbox delivery failed; will retry', { outboxId: row.id, topic: row.topic, attempts, error });
      return { state: 'retry', deliveries, error };
    }
    const marked = await this.db.transaction((m) => markOutboxDelivered(m, row.id, token, now, note));
    return { state: marked ? 'delivered' : 'lost', deliveries };
  }

  /** `transport:userId` of what already went out for this row (an earlier attempt, or a worker that crashed before marking it). */
  private async deliveredAlready(outboxId: number): Promise<Set<string>> {
    const rows = await deliveriesOf(this.db.manager, outboxId);
    return new Set(rows.map((r) => `${r.transport}:${Number(r.user_id)}`));
  }

  /**
   * Delivers to each pending recipient and records each delivery; a failure
   * stops this transport for this row, not the others. One by one, the claim
   * is renewed before each next person: a worker that stalled past its lease
   * (another has taken the row over) stops, so at most the message it was
   * sending when it stalled goes out twice (gateways can drop it by the key).
   */
  private async deliverBy(
    transport: NotificationTransport,
    pending: Recipient[],
    message: NotificationMessage,
    stillOurs: () => Promise<boolean>,
  ): Promise<{ sent: number; error?: string; lost?: boolean }> {
    if (!pending.length) return { sent: 0 };
    const describe = (e: unknown) => `${transport.name}: ${e instanceof Error ? e.message : String(e)}`;
    if (transport.deliverAll) {
      try {
        await transport.deliverAll(pending, message);
      } catch (e) {
        return { sent: 0, error: describe(e) };
      }
      await this.record(transport.name, pending, message.outboxId);
      return { sent: pending.length };
    }
    let sent = 0;
    for (const r of pending) {
      if (!(await stillOurs())) return { sent, lost: true };
      try {
        await transport.deliver(r, message);
      } catch (e) {
        return { sent, error: describe(e) };
      }
      await this.record(transport.name, [r], message.outboxId);
      sent++;
    }
    return { sent };
  }

  private async record(transport: string, recipients: Recipient[], outboxId: number): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction((m) =>
      recordDeliveries(
        m,
        outboxId,
        transport,
        recipients.map((r) => r.userId),
        now,
      ),
    );
  }

  /**
   * Drains soon after a command commits, in this process, when turned on
   * (`start()`: the server does; tests and the CLI drain by hand or by the job).
   * Kicks while a drain runs make it go round once more; errors are logged, the
   * job retries what is left.
   */
  kick(): void {
    if (!this.kicking) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const delay = this.config.drainDelayMs;
    this.running = (async () => {
      do {
        // A short wait gathers the rest of a burst of commands into the same drain: under load each round
        // takes up what came meanwhile as a few large batches, not as many batches of a row or two.
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        this.again = false;
        try {
          await this.drain();
        } catch (e) {
          this.logger.error('outbox drain after commit failed', { err: e });
        }
      } while (this.again && this.kicking);
    })().finally(() => {
      this.running = null;
      // A kick that came after the last round looked: go round once more.
      if (this.again) this.kick();
    });
  }

  /** Turns on draining after commit. */
  start(): void {
    this.kicking = true;
  }

  /** Turns it off and waits for a drain under way. */
  async stop(): Promise<void> {
    this.kicking = false;
    await this.idle();
  }

  /** Resolves when no drain started by `kick()` is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}
