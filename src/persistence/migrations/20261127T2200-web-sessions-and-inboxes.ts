import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Web sessions, sign-in throttling, settings the application keeps itself, and what the inboxes ask of operations (returns, last holding check, indexes). */
export class WebSessionsAndInboxes1795816800000 implements MigrationInterface {
  name = 'WebSessionsAndInboxes1795816800000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'web_sessions',
        columns: [
          { name: 'sid', type: 'varchar', length: '128', isPrimary: true },
          { name: 'data', type: 'text' },
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'expires_at', type: 'datetime' },
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [{ name: 'IDX_web_sessions_expires', columnNames: ['expires_at'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'sign_in_throttle',
        columns: [
          { name: 'throttle_key', type: 'varchar', length: '120', isPrimary: true },
          { name: 'failures', type: 'integer' },
          { name: 'first_failure_at', type: 'datetime' },
          { name: 'last_failure_at', type: 'datetime' },
          { name: 'blocked_until', type: 'datetime', isNullable: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'app_settings',
        columns: [
          { name: 'setting_key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'value', type: 'text' },
        ],
      }),
    );
    await q.addColumns('operations', [
      new TableColumn({ name: 'return_count', type: 'integer', default: 0 }),
      new TableColumn({ name: 'last_return_reason', type: 'varchar', length: '2000', isNullable: true }),
      new TableColumn({ name: 'last_holding_check_date', type: 'varchar', length: '10', isNullable: true }),
    ]);
    for (const [name, columns] of [
      ['IDX_operations_lead_state', ['lead_squad_id', 'state']],
      ['IDX_operations_host_state', ['host_squad_id', 'state']],
      ['IDX_operations_commander_state', ['designated_commander_id', 'state']],
      ['IDX_operations_brigade_state_filed', ['brigade_id', 'state', 'filed_at']],
    ] as const) {
      await q.createIndex('operations', new TableIndex({ name, columnNames: [...columns] }));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // MySQL lets a foreign key borrow an index that starts with its column: set the key aside while its index goes.
    const table = (await q.getTable('operations'))!;
    for (const name of ['IDX_operations_brigade_state_filed', 'IDX_operations_commander_state', 'IDX_operations_host_state', 'IDX_operations_lead_state']) {
      const first = table.indices.find((i) => i.name === name)?.columnNames[0];
      const fk = table.foreignKeys.find((f) => f.columnNames.length === 1 && f.columnNames[0] === first);
      if (fk) await q.dropForeignKey('operations', fk);
      await q.dropIndex('operations', name);
      if (fk) await q.createForeignKey('operations', fk);
    }
    await q.dropColumn('operations', 'last_holding_check_date');
    await q.dropColumn('operations', 'last_return_reason');
    await q.dropColumn('operations', 'return_count');
    await q.dropTable('app_settings');
    await q.dropTable('sign_in_throttle');
    await q.dropTable('web_sessions');
  }
}
