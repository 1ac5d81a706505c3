import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A history row says which run of a command wrote it (`attempt_id`, random, 16
 * characters). A command whose COMMIT answer was lost with its server asks the
 * node it moved to whether its step is there: the chain hash alone cannot say,
 * because two runs of the same command by the same person in the same second
 * (a double submit, two tabs) hash alike — the one that lost would be told it
 * was written. Rows written before this have none. (Self-contained: no
 * application code. A nullable column at the end: instant on MariaDB and MySQL,
 * and SQLite adds it without rewriting the table.)
 */
export class HistoryAttempt1796864400000 implements MigrationInterface {
  name = 'HistoryAttempt1796864400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE workflow_history ADD COLUMN attempt_id varchar(24) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE workflow_history DROP COLUMN attempt_id');
  }
}
