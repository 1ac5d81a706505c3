import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Oversight: job slots (one instance per slot), the job-run log, flags; outbox rows without a workflow instance. */
export class JobsAndFlags1795827600000 implements MigrationInterface {
  name = 'JobsAndFlags1795827600000';

  async up(q: QueryRunner): Promise<void> {
    const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
    await q.createTable(
      new Table({
        name: 'job_slots',
        columns: [
          { name: 'slot_key', type: 'varchar', length: '200', isPrimary: true },
          { name: 'job', type: 'varchar', length: '60' },
          { name: 'instance', type: 'varchar', length: '100' },
          { name: 'claimed_at', type: 'datetime' },
          { name: 'finished_at', type: 'datetime', isNullable: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'job_runs',
        columns: [
          id,
          { name: 'job', type: 'varchar', length: '60' },
          { name: 'period', type: 'varchar', length: '20', isNullable: true },
          { name: 'via', type: 'varchar', length: '20' },
          { name: 'instance', type: 'varchar', length: '100' },
          { name: 'slot_key', type: 'varchar', length: '200', isNullable: true },
          { name: 'triggered_by', type: 'integer', isNullable: true },
          { name: 'attempt', type: 'integer' },
          { name: 'started_at', type: 'datetime' },
          { name: 'finished_at', type: 'datetime', isNullable: true },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'found', type: 'integer' },
          { name: 'did', type: 'integer' },
          { name: 'summary', type: 'json' },
          { name: 'error', type: 'text', isNullable: true },
        ],
        indices: [{ name: 'IDX_job_runs_job_started', columnNames: ['job', 'started_at'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'flags',
        columns: [
          id,
          { name: 'brigade_id', type: 'integer' },
          { name: 'rule', type: 'varchar', length: '10' },
          { name: 'kind', type: 'varchar', length: '40' },
          { name: 'group_id', type: 'integer', isNullable: true },
          { name: 'squad_id', type: 'integer', isNullable: true },
          { name: 'record_type', type: 'varchar', length: '40', isNullable: true },
          { name: 'record_id', type: 'integer', isNullable: true },
          { name: 'period', type: 'varchar', length: '20' },
          { name: 'dedupe_key', type: 'varchar', length: '200' },
          { name: 'figures', type: 'json' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'raised_at', type: 'datetime' },
          { name: 'last_checked_at', type: 'datetime' },
          { name: 'resolved_at', type: 'datetime', isNullable: true },
          { name: 'resolved_by', type: 'integer', isNullable: true },
          { name: 'resolution_note', type: 'varchar', length: '2000', isNullable: true },
          { name: 'job_run_id', type: 'integer', isNullable: true },
        ],
        indices: [
          { name: 'UQ_flags_dedupe', columnNames: ['dedupe_key'], isUnique: true },
          { name: 'IDX_flags_brigade_status', columnNames: ['brigade_id', 'status'] },
          { name: 'IDX_flags_brigade_period', columnNames: ['brigade_id', 'period'] },
        ],
      }),
    );
    // Side effects of the jobs (a flag raised) leave through the outbox too, without a workflow instance.
    await this.instanceIdNullable(q, true);
    // R6: a month's operations are those that began in it.
    await q.createIndex('operations', new TableIndex({ name: 'IDX_operations_brigade_actual_start', columnNames: ['brigade_id', 'actual_start'] }));
  }

  /** Changes only the column's nullability (a changed type would make MySQL drop and re-add it, foreign key and all). */
  private async instanceIdNullable(q: QueryRunner, nullable: boolean): Promise<void> {
    const table = (await q.getTable('outbox'))!;
    const old = table.findColumnByName('instance_id')!;
    const changed = old.clone();
    changed.isNullable = nullable;
    await q.changeColumn(table, old, changed);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('operations', 'IDX_operations_brigade_actual_start');
    await q.query('DELETE FROM outbox WHERE instance_id IS NULL');
    await this.instanceIdNullable(q, false);
    await q.dropTable('flags');
    await q.dropTable('job_runs');
    await q.dropTable('job_slots');
  }
}
