import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * Hard problems (SPEC §3.4, R7, R15) and border notifications (R8): the
 * queryable records of their workflows, the reports a problem gathers (its
 * own, and those of the duplicates merged into it) and the operations that
 * tackle it.
 */
export class HardProblems1796173200000 implements MigrationInterface {
  name = 'HardProblems1796173200000';

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
        name: 'hard_problems',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'brigade_id', type: 'integer' },
          { name: 'state', type: 'varchar', length: '40' },
          { name: 'source', type: 'varchar', length: '20' },
          { name: 'category', type: 'varchar', length: '30' },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'location', type: 'varchar', length: '300' },
          { name: 'location_key', type: 'varchar', length: '300' },
          { name: 'squad_ids', type: 'json' },
          { name: 'merged_into_id', type: 'integer', isNullable: true },
          { name: 'repeat_count', type: 'integer', default: 0 },
          { name: 'callback_count', type: 'integer', default: 0 },
          { name: 'reported_at', type: 'datetime' },
          { name: 'accepted_at', type: 'datetime', isNullable: true },
          { name: 'resolved_at', type: 'datetime', isNullable: true },
          { name: 'reopened_at', type: 'datetime', isNullable: true },
          { name: 'from_notice_id', type: 'integer', isNullable: true },
          { name: 'created_by', type: 'integer', isNullable: true },
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [
          { name: 'IDX_hard_problems_brigade_state', columnNames: ['brigade_id', 'state'] },
          // Likely duplicates: same kind, recent, then the place compared (§3.4).
          { name: 'IDX_hard_problems_brigade_category_reported', columnNames: ['brigade_id', 'category', 'reported_at'] },
        ],
        foreignKeys: [fk('hard_problems', 'id', 'workflow_instances', 'CASCADE')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'hard_problem_reports',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'brigade_id', type: 'integer' },
          { name: 'problem_id', type: 'integer' },
          { name: 'original_problem_id', type: 'integer' },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'source', type: 'varchar', length: '20', isNullable: true },
          { name: 'description', type: 'varchar', length: '5000' },
          { name: 'by_user_id', type: 'integer', isNullable: true },
          { name: 'at', type: 'datetime' },
        ],
        indices: [{ name: 'IDX_hard_problem_reports_problem', columnNames: ['problem_id', 'at'] }],
        foreignKeys: [fk('hard_problem_reports', 'original_problem_id', 'hard_problems', 'CASCADE')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'hard_problem_operations',
        columns: [
          { name: 'problem_id', type: 'integer', isPrimary: true },
          { name: 'operation_id', type: 'integer', isPrimary: true },
          { name: 'brigade_id', type: 'integer' },
          { name: 'linked_at', type: 'datetime' },
        ],
        indices: [{ name: 'IDX_hard_problem_operations_operation', columnNames: ['operation_id'] }],
        foreignKeys: [fk('hard_problem_operations', 'problem_id', 'hard_problems', 'CASCADE'), fk('hard_problem_operations', 'operation_id', 'operations', 'CASCADE')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'border_notices',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'brigade_id', type: 'integer' },
          { name: 'state', type: 'varchar', length: '40' },
          { name: 'group_id', type: 'integer', isNullable: true },
          { name: 'sender_squad_id', type: 'integer' },
          { name: 'squad_ids', type: 'json' },
          { name: 'location', type: 'varchar', length: '300' },
          { name: 'what', type: 'varchar', length: '5000' },
          { name: 'seen_at', type: 'datetime' },
          { name: 'problem_id', type: 'integer', isNullable: true },
          { name: 'operation_id', type: 'integer', isNullable: true },
          { name: 'sent_by', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'datetime' },
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [{ name: 'IDX_border_notices_brigade_state', columnNames: ['brigade_id', 'state'] }],
        foreignKeys: [fk('border_notices', 'id', 'workflow_instances', 'CASCADE')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('border_notices');
    await q.dropTable('hard_problem_operations');
    await q.dropTable('hard_problem_reports');
    await q.dropTable('hard_problems');
  }
}
