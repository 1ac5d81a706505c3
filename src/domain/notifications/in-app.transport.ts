import { insertIgnore } from '../../persistence/dialect';
import type { Database } from '../../persistence/data-source';
import { sql } from '../../persistence/sql';
import type { NotificationMessage, NotificationTransport, Recipient } from './notification.transport';

export { insertIgnore };

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
    const values: unknown[] = [];
    for (const r of recipients) values.push(message.brigadeId, r.userId, message.topic, message.params, message.link, message.outboxId, message.at);
    await this.db.transaction((m) =>
      sql(
        m,
        `${insertIgnore(m)} INTO notifications (brigade_id, user_id, topic, params, link, outbox_id, created_at, read_at) VALUES ${recipients.map(() => '(?, ?, ?, ?, ?, ?, ?, NULL)').join(', ')}`,
        values,
      ),
    );
  }
}
