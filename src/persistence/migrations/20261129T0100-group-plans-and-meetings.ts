import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** R5 monthly group plans and R9 meetings: the queryable records of their workflows. */
export class GroupPlansAndMeetings1795914000000 implements MigrationInterface {
  name = 'GroupPlansAndMeetings1795914000000';

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
        name: 'group_plans',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'brigade_id', type: 'integer' },
          { name: 'group_id', type: 'integer' },
          { name: 'month', type: 'varchar', length: '7' },
          { name: 'state', type: 'varchar', length: '40' },
          { name: 'target_count', type: 'integer' },
          { name: 'planned_operations', type: 'integer' },
          { name: 'first_filed_at', type: 'datetime', isNullable: true },
          { name: 'filed_at', type: 'datetime', isNullable: true },
          { name: 'filed_late', type: 'boolean', isNullable: true },
          { name: 'return_count', type: 'integer', default: 0 },
          { name: 'last_return_reason', type: 'varchar', length: '2000', isNullable: true },
          { name: 'created_by', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'datetime' },
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [
          // R5: one plan per group and month (two leaders drafting at once: the second is refused).
          { name: 'UQ_group_plans_group_month', columnNames: ['group_id', 'month'], isUnique: true },
          { name: 'IDX_group_plans_brigade_month', columnNames: ['brigade_id', 'month'] },
        ],
        foreignKeys: [fk('group_plans', 'id', 'workflow_instances', 'CASCADE'), fk('group_plans', 'group_id', 'linkage_groups', 'RESTRICT')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'meetings',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'brigade_id', type: 'integer' },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'group_id', type: 'integer', isNullable: true },
          { name: 'period', type: 'varchar', length: '7' },
          { name: 'state', type: 'varchar', length: '40' },
          { name: 'convener_squad_id', type: 'integer', isNullable: true },
          { name: 'rotation_convener_squad_id', type: 'integer', isNullable: true },
          { name: 'planned_start', type: 'datetime' },
          { name: 'held_at', type: 'datetime', isNullable: true },
          { name: 'meeting_at', type: 'datetime' },
          { name: 'member_squad_ids', type: 'json' },
          { name: 'created_by', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'datetime' },
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [
          { name: 'IDX_meetings_group_at', columnNames: ['group_id', 'meeting_at'] },
          { name: 'IDX_meetings_brigade_kind_period', columnNames: ['brigade_id', 'kind', 'period'] },
        ],
        foreignKeys: [
          fk('meetings', 'id', 'workflow_instances', 'CASCADE'),
          fk('meetings', 'group_id', 'linkage_groups', 'RESTRICT'),
          fk('meetings', 'convener_squad_id', 'squads', 'RESTRICT'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM workflow_instances WHERE workflow IN ('group_plan', 'meeting')");
    await q.dropTable('meetings');
    await q.dropTable('group_plans');
  }
}
