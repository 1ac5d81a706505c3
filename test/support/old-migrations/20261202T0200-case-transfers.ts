import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

const SPARE_INDEX = 'IDX_workflow_instances_brigade_fk';

/** R10: the light case register and case transfers (the queryable record of their workflow). */
export class CaseTransfers1796176800000 implements MigrationInterface {
  name = 'CaseTransfers1796176800000';

  async up(q: QueryRunner): Promise<void> {
    // Left by a down() of this migration (see there), once the figures' index is back.
    if ((await q.getTable('workflow_instances'))?.indices.some((i) => i.name === SPARE_INDEX)) await q.dropIndex('workflow_instances', SPARE_INDEX);
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
        name: 'cases',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'brigade_id', type: 'integer' },
          { name: 'reference', type: 'varchar', length: '60' },
          { name: 'handling_squad_id', type: 'integer' },
          { name: 'registering_squad_id', type: 'integer' },
          { name: 'operation_id', type: 'integer', isNullable: true },
          { name: 'party_kind', type: 'varchar', length: '20' },
          { name: 'party_name', type: 'varchar', length: '200' },
          { name: 'violation', type: 'varchar', length: '1000' },
          { name: 'location', type: 'varchar', length: '300' },
          { name: 'opened_on', type: 'varchar', length: '10' },
          { name: 'open_transfer_id', type: 'integer', isNullable: true },
          { name: 'created_by', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'datetime' },
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [
          // A case number is the brigade's own: two squads registering the same one, the second is refused.
          { name: 'UQ_cases_brigade_reference', columnNames: ['brigade_id', 'reference'], isUnique: true },
          { name: 'IDX_cases_handling_squad', columnNames: ['handling_squad_id'] },
          { name: 'IDX_cases_operation', columnNames: ['operation_id'] },
        ],
        foreignKeys: [
          fk('cases', 'brigade_id', 'brigades', 'RESTRICT'),
          fk('cases', 'handling_squad_id', 'squads', 'RESTRICT'),
          fk('cases', 'operation_id', 'operations', 'RESTRICT'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'case_transfers',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'brigade_id', type: 'integer' },
          { name: 'case_id', type: 'integer' },
          { name: 'state', type: 'varchar', length: '40' },
          { name: 'from_squad_id', type: 'integer' },
          { name: 'to_squad_id', type: 'integer' },
          { name: 'designated_squad_id', type: 'integer', isNullable: true },
          { name: 'proposed_at', type: 'datetime' },
          { name: 'closed_at', type: 'datetime', isNullable: true },
          { name: 'due_at', type: 'datetime', isNullable: true },
          { name: 'amber_at', type: 'datetime', isNullable: true },
          { name: 'created_by', type: 'integer', isNullable: true },
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [
          { name: 'IDX_case_transfers_brigade_state', columnNames: ['brigade_id', 'state'] },
          { name: 'IDX_case_transfers_case', columnNames: ['case_id'] },
          { name: 'IDX_case_transfers_to_state', columnNames: ['to_squad_id', 'state'] },
        ],
        foreignKeys: [fk('case_transfers', 'id', 'workflow_instances', 'CASCADE'), fk('case_transfers', 'case_id', 'cases', 'RESTRICT')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM workflow_instances WHERE workflow = 'case_transfer'");
    await q.dropTable('case_transfers');
    await q.dropTable('cases');
    // On MySQL/MariaDB the figures' index on workflow_instances (brigade_id, updated_at) may have become the only
    // index its brigade foreign key can use (InnoDB drops the implicit one), and the figures migration's down —
    // the next to run — could then not drop it. A plain index on brigade_id lets it; up() removes it again.
    if (q.connection.options.type !== 'better-sqlite3' && !(await q.getTable('workflow_instances'))?.indices.some((i) => i.name === SPARE_INDEX)) {
      await q.createIndex('workflow_instances', new TableIndex({ name: SPARE_INDEX, columnNames: ['brigade_id'] }));
    }
  }
}
