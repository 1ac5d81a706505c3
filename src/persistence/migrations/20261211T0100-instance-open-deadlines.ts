import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A record says how many time limits its state opened (`open_deadlines`): the
 * engine writes it with the version bump whenever the state changes, and a step
 * leaving a state that opened none sends no UPDATE to close them (issue 14: a
 * plan filed from draft and an operation started from approved closed nothing,
 * one statement each). Rows written before this have none (NULL: unknown), and
 * their next change of state closes as before. (Self-contained: no application
 * code. A nullable column at the end: instant on MariaDB and MySQL, and SQLite
 * adds it without rewriting the table.)
 */
export class InstanceOpenDeadlines1796950800000 implements MigrationInterface {
  name = 'InstanceOpenDeadlines1796950800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE workflow_instances ADD COLUMN open_deadlines integer NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE workflow_instances DROP COLUMN open_deadlines');
  }
}
