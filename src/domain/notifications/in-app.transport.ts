import type { Database } from '../../persistence/data-source';
import type { NotificationMessage, NotificationTransport, Recipient } from './notification.transport';
import type { EntityManager } from 'typeorm';
import { insertNotifications, insertNotificationsOfBatch } from './notifications.queries';

/**
 * The bell: a row in `notifications` per person and event. Idempotent by the
 * unique key (user, outbox row): delivering the same event again to the same
 * person adds nothing.
 */
export class InAppTransport implements NotificationTransport {
  readonly name = 'in_app';

  constructor(private readonly db: Database) {}

  deliver(recipient: Recipient, message: NotificationMessage): Promise<void> {
    return this.deliverAll([recipient], message);
  }

  async deliverAll(recipients: Recipient[], message: NotificationMessage): Promise<void> {
    if (!recipients.length) return;
    await this.db.transaction((m) =>
      insertNotifications(
        m,
        message,
        recipients.map((r) => r.userId),
      ),
    );
  }

  /** A batch of events, one statement, in the worker's transaction. */
  async deliverBatchIn(
    m: EntityManager,
    batch: ReadonlyArray<{ recipients: Recipient[]; message: NotificationMessage }>,
  ): Promise<void> {
    await insertNotificationsOfBatch(
      m,
      batch.map(({ recipients, message }) => ({ message, userIds: recipients.map((r) => r.userId) })),
    );
  }
}
