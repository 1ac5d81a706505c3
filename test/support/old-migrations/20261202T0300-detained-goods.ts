import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * R13 detained goods: the parties goods were detained from (per operation),
 * and each item's queryable record (its workflow's snapshot is the truth).
 */
export class DetainedGoods1796180400000 implements MigrationInterface {
  name = 'DetainedGoods1796180400000';

  async up(q: QueryRunner): Promise<void> {
    const fk = (table: string, column: string, referenced: string, onDelete: 'CASCADE' | 'RESTRICT') => ({
      name: `FK_${table}_${column}`,
      columnNames: [column],
      referencedTableName: referenced,
      referencedColumnNames: ['id'],
      onDelete,
      onUpdate: 'NO ACTION',
    });
    await q.createTable(
      new Table({
        name: 'goods_parties',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'brigade_id', type: 'integer' },
          { name: 'operation_id', type: 'integer' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'id_number', type: 'varchar', length: '40', isNullable: true },
          { name: 'phone', type: 'varchar', length: '40', isNullable: true },
          { name: 'stall', type: 'varchar', length: '300' },
          { name: 'created_by', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'datetime' },
        ],
        indices: [{ name: 'IDX_goods_parties_operation', columnNames: ['operation_id'] }],
        foreignKeys: [fk('goods_parties', 'operation_id', 'operations', 'RESTRICT')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'goods_items',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'brigade_id', type: 'integer' },
          { name: 'operation_id', type: 'integer' },
          { name: 'party_id', type: 'integer' },
          { name: 'state', type: 'varchar', length: '40' },
          { name: 'description', type: 'varchar', length: '300' },
          { name: 'quantity', type: 'double' },
          { name: 'unit', type: 'varchar', length: '20' },
          { name: 'perishable', type: 'boolean' },
          { name: 'case_ref', type: 'varchar', length: '100', isNullable: true },
          { name: 'custodian_squad_id', type: 'integer' },
          { name: 'storage_place', type: 'varchar', length: '300' },
          { name: 'registered_at', type: 'datetime' },
          { name: 'due_at', type: 'datetime' },
          { name: 'extended', type: 'boolean' },
          { name: 'disposal_approved', type: 'boolean' },
          { name: 'closed_at', type: 'datetime', isNullable: true },
          { name: 'registered_by', type: 'integer', isNullable: true },
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [
          { name: 'IDX_goods_items_operation_state', columnNames: ['operation_id', 'state'] },
          // The goods-limits job and the custodian's inbox: items still held, by squad and limit.
          { name: 'IDX_goods_items_brigade_state_due', columnNames: ['brigade_id', 'state', 'due_at'] },
          { name: 'IDX_goods_items_custodian_state', columnNames: ['custodian_squad_id', 'state'] },
        ],
        foreignKeys: [
          fk('goods_items', 'id', 'workflow_instances', 'CASCADE'),
          fk('goods_items', 'operation_id', 'operations', 'RESTRICT'),
          fk('goods_items', 'party_id', 'goods_parties', 'RESTRICT'),
          fk('goods_items', 'custodian_squad_id', 'squads', 'RESTRICT'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('goods_items');
    await q.query("DELETE FROM workflow_instances WHERE workflow = 'goods'");
    await q.dropTable('goods_parties');
  }
}
