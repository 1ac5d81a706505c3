import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Three migrations were edited after they had landed (issue 12), so a database
 * migrated before those edits lacks what they added. This one brings such a
 * database to the shape a fresh one has, and changes nothing on a fresh one
 * (each step asks the catalog first):
 * - 20261202T0300-detained-goods gained goods_items.amber_at and its index (600061e);
 * - 20261201T0100-figures indexed holding_records by (brigade_id, at) instead of (brigade_id, kind, at) (0b86777);
 * - 20261202T0200-case-transfers lost the spare index its old down() could leave on
 *   workflow_instances (882e517), which the new up() no longer removes.
 */
export class CorrectionsForEditedMigrations1796605200000 implements MigrationInterface {
  name = 'CorrectionsForEditedMigrations1796605200000';

  async up(q: QueryRunner): Promise<void> {
    await goodsAmberAt(q);
    await holdingRecordsByBrigadeAndTime(q);
    await noSpareWorkflowIndex(q);
  }

  /**
   * Nothing to undo: after up() the database is what the earlier migrations
   * make of a fresh one, and their own down() take it apart.
   */
  async down(): Promise<void> {}
}

/** §3.5: when a held item's light turns amber — 80 % of the way from registration to its limit (as `amberAtOf`). */
async function goodsAmberAt(q: QueryRunner): Promise<void> {
  const table = await q.getTable('goods_items');
  if (!table) return;
  if (!table.findColumnByName('amber_at')) {
    await q.addColumn('goods_items', new TableColumn({ name: 'amber_at', type: 'datetime', isNullable: true }));
    await q.query(
      q.connection.options.type === 'better-sqlite3'
        ? "UPDATE goods_items SET amber_at = strftime('%Y-%m-%d %H:%M:%f', julianday(registered_at) + 0.8 * (julianday(due_at) - julianday(registered_at)))"
        : 'UPDATE goods_items SET amber_at = TIMESTAMPADD(MICROSECOND, ROUND(0.8 * TIMESTAMPDIFF(MICROSECOND, registered_at, due_at)), registered_at)',
    );
    await q.changeColumn(
      'goods_items',
      'amber_at',
      new TableColumn({ name: 'amber_at', type: 'datetime', isNullable: false }),
    );
  }
  const indices = (await q.getTable('goods_items'))?.indices ?? [];
  if (!indices.some((i) => i.name === 'IDX_goods_items_brigade_state_amber')) {
    await q.createIndex(
      'goods_items',
      new TableIndex({ name: 'IDX_goods_items_brigade_state_amber', columnNames: ['brigade_id', 'state', 'amber_at'] }),
    );
  }
}

/** The audits list and the figures read both kinds of holding record in time order. */
async function holdingRecordsByBrigadeAndTime(q: QueryRunner): Promise<void> {
  const indices = (await q.getTable('holding_records'))?.indices ?? [];
  // The new index first: on MySQL/MariaDB it then serves the brigade foreign key when the old one goes.
  if (!indices.some((i) => i.name === 'IDX_holding_records_brigade_at')) {
    await q.createIndex(
      'holding_records',
      new TableIndex({ name: 'IDX_holding_records_brigade_at', columnNames: ['brigade_id', 'at'] }),
    );
  }
  if (indices.some((i) => i.name === 'IDX_holding_records_brigade_kind_at')) {
    await q.dropIndex('holding_records', 'IDX_holding_records_brigade_kind_at');
  }
}

/** Left on MySQL/MariaDB by the old case-transfers down(); the figures' index serves the brigade key. */
async function noSpareWorkflowIndex(q: QueryRunner): Promise<void> {
  const indices = (await q.getTable('workflow_instances'))?.indices ?? [];
  if (indices.some((i) => i.name === 'IDX_workflow_instances_brigade_fk')) {
    await q.dropIndex('workflow_instances', 'IDX_workflow_instances_brigade_fk');
  }
}
