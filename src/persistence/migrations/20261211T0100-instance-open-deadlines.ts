import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A record says how many time limits its state opened (`open_deadlines`), and at
 * which of its versions that was last written (`open_deadlines_version`): the
 * engine writes both with every version bump, and a step leaving a state that
 * opened none sends no UPDATE to close them (issue 14: a plan filed from draft
 * and an operation started from approved closed nothing, one statement each).
 * The count is trusted only at the version it was written at: a step by an
 * instance of an earlier release (a rolling restart) bumps the version and knows
 * nothing of the count, which is then unknown, as on rows written before this
 * (NULL), and the next change of state closes as before. (Self-contained: no
 * application code. Nullable columns at the end: instant on MariaDB and MySQL,
 * and SQLite adds them without rewriting the table.)
 */
export class InstanceOpenDeadlines1796950800000 implements MigrationInterface {
  name = 'InstanceOpenDeadlines1796950800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE workflow_instances ADD COLUMN open_deadlines integer NULL');
    await q.query('ALTER TABLE workflow_instances ADD COLUMN open_deadlines_version integer NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE workflow_instances DROP COLUMN open_deadlines_version');
    await q.query('ALTER TABLE workflow_instances DROP COLUMN open_deadlines');
  }
}
