import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * Notifications (issue 4, item 7): what each person is told in the app, the
 * delivery bookkeeping of every transport, and a claim on outbox rows so two
 * workers never process the same row at once.
 */
export class Notifications1795858200000 implements MigrationInterface {
  name = 'Notifications1795858200000';

  async up(q: QueryRunner): Promise<void> {
    const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
    await q.createTable(
      new Table({
        name: 'notifications',
        columns: [
          id,
          { name: 'brigade_id', type: 'integer' },
          { name: 'user_id', type: 'integer' },
          { name: 'topic', type: 'varchar', length: '60' },
          { name: 'params', type: 'json' },
          { name: 'link', type: 'varchar', length: '200' },
          // No foreign key: delivered outbox rows may be pruned one day, what people were told stays.
          { name: 'outbox_id', type: 'integer' },
          { name: 'created_at', type: 'datetime' },
          { name: 'read_at', type: 'datetime', isNullable: true },
        ],
        indices: [
          // Nothing twice to one person for one event.
          { name: 'UQ_notifications_user_outbox', columnNames: ['user_id', 'outbox_id'], isUnique: true },
          // The bell: one indexed COUNT of a user's unread.
          { name: 'IDX_notifications_user_read', columnNames: ['user_id', 'read_at'] },
        ],
        foreignKeys: [
          { name: 'FK_notifications_brigade_id', columnNames: ['brigade_id'], referencedTableName: 'brigades', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' },
          { name: 'FK_notifications_user_id', columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'notification_deliveries',
        columns: [
          id,
          { name: 'outbox_id', type: 'integer' },
          { name: 'user_id', type: 'integer' },
          { name: 'transport', type: 'varchar', length: '20' },
          { name: 'delivered_at', type: 'datetime' },
        ],
        indices: [{ name: 'UQ_notification_deliveries_once', columnNames: ['outbox_id', 'user_id', 'transport'], isUnique: true }],
        foreignKeys: [
          { name: 'FK_notification_deliveries_outbox_id', columnNames: ['outbox_id'], referencedTableName: 'outbox', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' },
        ],
      }),
    );
    // Events from before there were notifications are not announced now (nobody was waiting for them).
    await q.query("UPDATE outbox SET delivered_at = created_at, last_error = 'not announced: from before notifications' WHERE delivered_at IS NULL");
    await q.addColumns('outbox', [
      new TableColumn({ name: 'claimed_by', type: 'varchar', length: '100', isNullable: true }),
      new TableColumn({ name: 'claimed_until', type: 'datetime', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('outbox', 'claimed_until');
    await q.dropColumn('outbox', 'claimed_by');
    await q.dropTable('notification_deliveries');
    await q.dropTable('notifications');
  }
}
