import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * The operations list filtered by group and state (`?state=closed&group=north`,
 * newest first). Without an index holding both, MariaDB walked the primary key
 * down from the newest operation and skipped every one of another group or
 * state: on 100,000 operations, 8,000 rows read for one page of 25 when the
 * newest were mostly still running. The brigade leads, so the one index holds
 * every column the filter compares (the optimizer otherwise intersects it with
 * (brigade_id, state), which was slower still); the id that follows in every
 * InnoDB and SQLite index gives the order.
 */
export class OperationsByGroupAndState1795822200000 implements MigrationInterface {
  name = 'OperationsByGroupAndState1795822200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('operations', new TableIndex({ name: 'IDX_operations_brigade_group_state', columnNames: ['brigade_id', 'group_id', 'state'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    // No foreign key leans on it (group_id's is served by IDX_operations_group_end).
    await q.dropIndex('operations', 'IDX_operations_brigade_group_state');
  }
}
