import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Figures (SPEC §5): the months kept once they are over, and the indexes the
 * figures read by — each fact source by brigade and the instant that places a
 * record in a month; instances by when they last changed (what tells a kept
 * month it may be out of date).
 */
export class Figures1796086800000 implements MigrationInterface {
  name = 'Figures1796086800000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'figure_month_facts',
        columns: [
          { name: 'brigade_id', type: 'integer', isPrimary: true },
          { name: 'scope_key', type: 'varchar', length: '60', isPrimary: true },
          { name: 'month', type: 'varchar', length: '7', isPrimary: true },
          { name: 'facts_key', type: 'varchar', length: '64' },
          { name: 'facts', type: 'text' },
          { name: 'computed_at', type: 'datetime' },
        ],
      }),
    );
    for (const [table, name, columnNames] of INDEXES) await q.createIndex(table, new TableIndex({ name, columnNames }));
  }

  async down(q: QueryRunner): Promise<void> {
    const mysql = q.connection.driver.options.type !== 'better-sqlite3';
    for (const [table, name, columnNames] of [...INDEXES].reverse()) {
      // MySQL/MariaDB let these indexes serve the brigade foreign key (and drop
      // the key's own index): take the key off while the index goes, then put
      // it back, which gives it its own index again.
      const fks = mysql ? ((await q.getTable(table))?.foreignKeys ?? []).filter((fk) => fk.columnNames[0] === columnNames[0]) : [];
      for (const fk of fks) await q.dropForeignKey(table, fk);
      await q.dropIndex(table, name);
      for (const fk of fks) await q.createForeignKey(table, fk);
    }
    await q.dropTable('figure_month_facts');
  }
}

const INDEXES: Array<[string, string, string[]]> = [
  ['workflow_instances', 'IDX_workflow_instances_brigade_updated', ['brigade_id', 'updated_at']],
  ['workflow_history', 'IDX_workflow_history_brigade_event_at', ['brigade_id', 'event', 'at']],
  ['workflow_deadlines', 'IDX_workflow_deadlines_brigade_kind_due', ['brigade_id', 'workflow', 'kind', 'due_at']],
  ['operation_incidents', 'IDX_operation_incidents_brigade_occurred', ['brigade_id', 'occurred_at']],
  ['holding_records', 'IDX_holding_records_brigade_kind_at', ['brigade_id', 'kind', 'at']],
];
