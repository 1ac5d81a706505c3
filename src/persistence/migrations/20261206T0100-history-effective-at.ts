import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * A history step keeps when it happened (`effective_at`) beside when it was
 * recorded (`at`): they differ for steps the system records after the fact
 * (HOLDING_ELAPSED is sent by a job some minutes after the holding period
 * ended; its effective time is the due time). Every earlier step happened
 * when it was recorded.
 */
export class HistoryEffectiveAt1796518800000 implements MigrationInterface {
  name = 'HistoryEffectiveAt1796518800000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('workflow_history', new TableColumn({ name: 'effective_at', type: 'datetime', isNullable: true }));
    await q.query('UPDATE workflow_history SET effective_at = at');
    const table = (await q.getTable('workflow_history'))!;
    const old = table.findColumnByName('effective_at')!;
    const changed = old.clone();
    changed.isNullable = false;
    await q.changeColumn(table, old, changed);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('workflow_history', 'effective_at');
  }
}
