import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** The workflow engine's tables (instances, history, outbox, deadlines) and the joint operation's record. */
export class WorkflowsAndOperations1795744800000 implements MigrationInterface {
  name = 'WorkflowsAndOperations1795744800000';

  async up(q: QueryRunner): Promise<void> {
    const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
    const instanceFk = (table: string) => ({ name: `FK_${table}_instance_id`, columnNames: ['instance_id'], referencedTableName: 'workflow_instances', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' });
    const operationFk = (table: string) => ({ name: `FK_${table}_operation_id`, columnNames: ['operation_id'], referencedTableName: 'operations', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' });

    await q.createTable(
      new Table({
        name: 'workflow_instances',
        columns: [
          id,
          { name: 'brigade_id', type: 'integer' },
          { name: 'workflow', type: 'varchar', length: '40' },
          { name: 'machine_version', type: 'integer' },
          { name: 'state', type: 'varchar', length: '40' },
          { name: 'snapshot', type: 'json' },
          { name: 'version', type: 'integer' },
          { name: 'created_at', type: 'datetime' },
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [{ name: 'IDX_workflow_instances_workflow_state', columnNames: ['workflow', 'state'] }],
        foreignKeys: [{ name: 'FK_workflow_instances_brigade_id', columnNames: ['brigade_id'], referencedTableName: 'brigades', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'workflow_history',
        columns: [
          id,
          { name: 'instance_id', type: 'integer' },
          { name: 'brigade_id', type: 'integer' },
          { name: 'seq', type: 'integer' },
          { name: 'actor_user_id', type: 'integer', isNullable: true },
          { name: 'actor_name', type: 'varchar', length: '100' },
          { name: 'actor_role', type: 'varchar', length: '20' },
          { name: 'event', type: 'varchar', length: '40' },
          { name: 'payload', type: 'json' },
          { name: 'from_state', type: 'varchar', length: '40', isNullable: true },
          { name: 'to_state', type: 'varchar', length: '40' },
          { name: 'version', type: 'integer' },
          { name: 'at', type: 'datetime' },
        ],
        indices: [{ name: 'UQ_workflow_history_instance_seq', columnNames: ['instance_id', 'seq'], isUnique: true }],
        foreignKeys: [instanceFk('workflow_history')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'outbox',
        columns: [
          id,
          { name: 'brigade_id', type: 'integer' },
          { name: 'instance_id', type: 'integer' },
          { name: 'history_seq', type: 'integer' },
          { name: 'workflow', type: 'varchar', length: '40' },
          { name: 'topic', type: 'varchar', length: '60' },
          { name: 'payload', type: 'json' },
          { name: 'created_at', type: 'datetime' },
          { name: 'available_at', type: 'datetime' },
          { name: 'delivered_at', type: 'datetime', isNullable: true },
          { name: 'attempts', type: 'integer' },
          { name: 'last_error', type: 'varchar', length: '500', isNullable: true },
        ],
        indices: [{ name: 'IDX_outbox_pending', columnNames: ['delivered_at', 'available_at'] }],
        foreignKeys: [instanceFk('outbox')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'workflow_deadlines',
        columns: [
          id,
          { name: 'brigade_id', type: 'integer' },
          { name: 'instance_id', type: 'integer' },
          { name: 'workflow', type: 'varchar', length: '40' },
          { name: 'kind', type: 'varchar', length: '40' },
          { name: 'state', type: 'varchar', length: '40' },
          { name: 'starts_at', type: 'datetime' },
          { name: 'due_at', type: 'datetime' },
          { name: 'event', type: 'varchar', length: '40', isNullable: true },
          { name: 'closed_at', type: 'datetime', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '20', isNullable: true },
        ],
        indices: [
          { name: 'IDX_workflow_deadlines_open', columnNames: ['closed_at', 'due_at'] },
          { name: 'IDX_workflow_deadlines_instance', columnNames: ['instance_id'] },
        ],
        foreignKeys: [instanceFk('workflow_deadlines')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'operations',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'brigade_id', type: 'integer' },
          { name: 'group_id', type: 'integer', isNullable: true },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'state', type: 'varchar', length: '40' },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'problem_source', type: 'varchar', length: '20', isNullable: true },
          { name: 'location', type: 'varchar', length: '300' },
          { name: 'lead_squad_id', type: 'integer' },
          { name: 'host_squad_id', type: 'integer', isNullable: true },
          { name: 'designated_commander_id', type: 'integer', isNullable: true },
          { name: 'planned_start', type: 'datetime', isNullable: true },
          { name: 'planned_hours', type: 'double', isNullable: true },
          { name: 'holding_days', type: 'integer' },
          { name: 'filed_at', type: 'datetime', isNullable: true },
          { name: 'approved_at', type: 'datetime', isNullable: true },
          { name: 'actual_start', type: 'datetime', isNullable: true },
          { name: 'actual_end', type: 'datetime', isNullable: true },
          { name: 'actual_hours', type: 'double', isNullable: true },
          { name: 'counts_toward_minimum', type: 'boolean', isNullable: true },
          { name: 'holding_deadline', type: 'datetime', isNullable: true },
          { name: 'created_by', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'datetime' },
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [
          { name: 'IDX_operations_brigade_state', columnNames: ['brigade_id', 'state'] },
          { name: 'IDX_operations_brigade_planned', columnNames: ['brigade_id', 'planned_start'] },
          { name: 'IDX_operations_group_end', columnNames: ['group_id', 'actual_end'] },
        ],
        foreignKeys: [
          { name: 'FK_operations_id', columnNames: ['id'], referencedTableName: 'workflow_instances', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' },
          { name: 'FK_operations_group_id', columnNames: ['group_id'], referencedTableName: 'linkage_groups', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' },
          { name: 'FK_operations_lead_squad_id', columnNames: ['lead_squad_id'], referencedTableName: 'squads', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' },
          { name: 'FK_operations_host_squad_id', columnNames: ['host_squad_id'], referencedTableName: 'squads', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'operation_squads',
        columns: [
          { name: 'operation_id', type: 'integer', isPrimary: true },
          { name: 'squad_id', type: 'integer', isPrimary: true },
          { name: 'brigade_id', type: 'integer' },
          { name: 'position', type: 'integer' },
          { name: 'planned_officers', type: 'integer', isNullable: true },
          { name: 'planned_vehicles', type: 'integer', isNullable: true },
          { name: 'officers', type: 'integer', isNullable: true },
          { name: 'vehicles', type: 'integer', isNullable: true },
          { name: 'educated', type: 'integer', isNullable: true },
          { name: 'handled', type: 'integer', isNullable: true },
          { name: 'goods_detained', type: 'integer', isNullable: true },
        ],
        indices: [{ name: 'IDX_operation_squads_squad', columnNames: ['squad_id'] }],
        foreignKeys: [
          operationFk('operation_squads'),
          { name: 'FK_operation_squads_squad_id', columnNames: ['squad_id'], referencedTableName: 'squads', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'operation_incidents',
        columns: [
          id,
          { name: 'operation_id', type: 'integer' },
          { name: 'brigade_id', type: 'integer' },
          { name: 'type', type: 'varchar', length: '20' },
          { name: 'severity', type: 'varchar', length: '20' },
          { name: 'occurred_at', type: 'datetime' },
          { name: 'injuries', type: 'integer' },
          { name: 'description', type: 'text' },
          { name: 'response', type: 'text' },
          { name: 'informed', type: 'varchar', length: '300' },
          { name: 'reported_by', type: 'integer', isNullable: true },
          { name: 'history_seq', type: 'integer' },
        ],
        indices: [{ name: 'IDX_operation_incidents_operation', columnNames: ['operation_id'] }],
        foreignKeys: [operationFk('operation_incidents')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'holding_records',
        columns: [
          id,
          { name: 'operation_id', type: 'integer' },
          { name: 'brigade_id', type: 'integer' },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'round', type: 'integer' },
          { name: 'date', type: 'varchar', length: '10', isNullable: true },
          { name: 'officers_on_post', type: 'integer', isNullable: true },
          { name: 'rebound_observed', type: 'boolean', isNullable: true },
          { name: 'notes', type: 'text' },
          { name: 'rectification', type: 'text', isNullable: true },
          { name: 'by_user_id', type: 'integer', isNullable: true },
          { name: 'at', type: 'datetime' },
          { name: 'history_seq', type: 'integer' },
        ],
        indices: [{ name: 'IDX_holding_records_operation', columnNames: ['operation_id'] }],
        foreignKeys: [operationFk('holding_records')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'holding_records',
      'operation_incidents',
      'operation_squads',
      'operations',
      'workflow_deadlines',
      'outbox',
      'workflow_history',
      'workflow_instances',
    ]) {
      await q.dropTable(table);
    }
  }
}
